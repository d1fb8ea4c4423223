"""How much of two learners' READMEs is the same page: tabular-classifier on two data sets.

Usage: python benchmarks/bench_readme_overlap.py [--keep DIR]
Generates two tabular-classifier projects, one on the default breast cancer data and one on
scikit-learn's wine table written as the learner's CSV, each with its own title, `data.about`
and learner sections, committed as a learner commits their work; runs `dvc repro` in both,
then masks numbers, code spans and the names a learner chose and prints the share of README
and model-card lines the two pages have in common (the larger of the two directions). A page
that is mostly scaffold scores near 1.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]

import sys  # noqa: E402

sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, generate, write_learner_words  # noqa: E402

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
CODE_SPAN = re.compile(r"`[^`\n]*`")
LEARNERS = {
    "breast": {
        "name": "Tumour Screening Second Opinion",
        "commit": "Write down the problem, my decisions and what I would try next",
        "pitch": "Can a short list of nucleus measurements flag the biopsies a pathologist "
        "should read first?",
        "answers": [
            "A pathology lab with a backlog wants the likely malignant samples read first, so "
            "that the slow cases never wait behind the easy ones.",
            "I ranked candidates by ROC AUC rather than accuracy, because the lab cares about "
            "ordering the queue, and I read every false negative by hand.",
            "I would lower the decision threshold until recall reaches 0.98 and measure how many "
            "extra benign samples that pushes to the front of the queue.",
        ],
    },
    "wine": {
        "name": "Which Cultivar Made This Wine",
        "commit": "Train on the wine table and say why",
        "pitch": "Thirteen lab measurements of a wine: do they tell which of three growers' "
        "vines it came from?",
        "answers": [
            "A small co-operative mixes wine from three cultivars and wants a quick lab check "
            "before bottling, instead of trusting the delivery notes.",
            "With 178 wines I kept a single held-out split and chose models by cross-validation, "
            "and I compared the result with a one-column rule on proline.",
            "I would collect wines from a second vintage and test whether the same columns still "
            "separate the cultivars a year later.",
        ],
    },
}


def write_wine_csv(path: Path) -> None:
    """scikit-learn's wine table as a learner's own CSV, its classes by name."""
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    frame = bunch.data.rename(columns=lambda name: name.replace("/", "_"))
    frame["cultivar"] = bunch.target.map({0: "barolo", 1: "grignolino", 2: "barbera"})
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def masked_lines(text: str, names: list[str]) -> list[str]:
    """Non-empty lines with numbers, code spans and the learner's chosen names masked."""
    for name in names:
        text = re.sub(re.escape(name), "NAME", text, flags=re.I)
    lines = []
    for line in text.splitlines():
        line = NUMBER.sub("#", CODE_SPAN.sub("`x`", line)).strip()
        if line:
            lines.append(line)
    return lines


def shared_share(first: list[str], second: list[str]) -> float:
    """The larger share of one page's lines that also appear on the other (counted once each)."""
    common = sum((Counter(first) & Counter(second)).values())
    return max(common / len(first), common / len(second))


def build(root: Path) -> dict[str, Project]:
    projects = {}
    for key, learner in LEARNERS.items():
        project = generate("tabular-classifier", root / key, project_name=learner["name"])
        if key == "wine":
            write_wine_csv(project.path / "data/raw/wine.csv")
            project.set_params(
                data={
                    "source": "data/raw/wine.csv",
                    "target": "cultivar",
                    "about": {
                        "name": "Wine recognition (UCI)",
                        "url": "https://archive.ics.uci.edu/dataset/109/wine",
                        "license": "CC BY 4.0",
                        "citation": "Aeberhard, S. and Forina, M. (1991). Wine. UCI Machine "
                        "Learning Repository. https://doi.org/10.24432/C5PC7J",
                        "summary": "Each row is one wine from one of three cultivars grown in "
                        "the same region of Italy, described by 13 chemical measurements.",
                    },
                }
            )
        write_learner_words(project, learner["pitch"], learner["answers"])
        # A learner commits their work before running it, so the page's "What changed since the
        # template" lists it, as on a real learner's page.
        project.run("git", "add", "-A")
        project.run("git", "commit", "-q", "-m", learner["commit"])
        project.dvc("repro")
        projects[key] = project
    return projects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the projects here and keep them")
    args = parser.parse_args()
    print(describe())
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-overlap-"))
    try:
        projects = build(root)
        names = [learner["name"] for learner in LEARNERS.values()]
        names += [project.path.name for project in projects.values()]
        names += [project.package for project in projects.values()]
        for page in ("README.md", "MODEL_CARD.md"):
            first, second = (
                masked_lines((project.path / page).read_text(encoding="utf-8"), names)
                for project in projects.values()
            )
            common = sum((Counter(first) & Counter(second)).values())
            print(
                f"{page}: {common} lines in common of {len(first)} and {len(second)} "
                f"-> {shared_share(first, second):.0%} shared (numbers, code spans, names masked)"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
