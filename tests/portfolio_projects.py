"""Small mlport-shaped projects for the portfolio tests: a git repository pushed to a bare remote.

Each has what a trained project publishes (.mlport.json, pyproject.toml, README.md, reports/*.json
and a real PNG figure), committed and pushed; its origin then names a GitHub repository, as after
`mlport publish`. No pipeline runs, so the fast tier can build many of them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

OWNER = "ada-l"
FIGURE = "reports/figures/confusion_matrix.png"
FIGURE_SIZE = (600, 400)
FIGURE_COLOUR = (30, 90, 200)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def evaluation(value: float = 0.9123456, baseline: float = 0.6102, caption: str = "") -> dict:
    return {
        "headline": {
            "metric": "accuracy",
            "label": "accuracy",
            "value": value,
            "n": 200,
            "unit": "held-out rows",
            "interval": [value - 0.0321, value + 0.0276],
            "std": None,
            "target": None,
        },
        "baselines": [
            {
                "name": "majority class",
                "description": "always answers `no`",
                "metrics": {"accuracy": baseline, "f1": 0.0},
            }
        ],
        "findings": ["3 of 40 `yes` rows were missed."],
        "warnings": [],
        "figures": [
            {"path": FIGURE, "caption": caption or "Confusion matrix on the 200 held-out rows"},
            {"path": "reports/figures/roc_curve.png", "caption": "ROC curve"},
        ],
    }


def readme(name: str, description: str, value: float, notes: str = "") -> str:
    return (
        f"# {name}\n\n"
        f"[![CI](https://github.com/{OWNER}/x/actions/workflows/ci.yml/badge.svg)]"
        f"(https://github.com/{OWNER}/x/actions/workflows/ci.yml)\n\n"
        f"{description}\n\n"
        "<!-- results:start -->\n"
        f"**{value:.3f} accuracy** on 200 held-out rows\n\n"
        f'<img src="{FIGURE}" alt="Confusion matrix &lt;held out&gt;" width="320">\n\n'
        "| metric | this model |\n|---|---|\n"
        f"| accuracy | {value:.4f} |\n\n"
        "<details><summary>Where these numbers come from</summary>\n\n"
        "- MLflow run: `abc`\n\n</details>\n\n"
        "## Findings\n\n- 3 of 40 `yes` rows were missed.\n"
        "<!-- results:end -->\n\n"
        f"## Notes\n\n{notes}\n\n"
        "### Deeper\n\nSee [the pipeline](docs/pipeline.md) and [the card](MODEL_CARD.md#model).\n"
    )


def png(path: Path, size: tuple[int, int] = FIGURE_SIZE, colour=FIGURE_COLOUR) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle([0, 0, size[0] // 2, size[1] // 2], fill=(250, 250, 250))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def write_results(project: Path, value: float, *, caption: str = "") -> None:
    """What `dvc repro` writes: evaluation, metrics and the README's numbers."""
    reports = project / "reports"
    reports.mkdir(exist_ok=True)
    document = evaluation(value, caption=caption)
    (reports / "evaluation.json").write_text(json.dumps(document, indent=2))
    (reports / "metrics.json").write_text(json.dumps({"accuracy": value, "f1": 0.88}))
    text = (project / "README.md").read_text()
    head, _, rest = text.partition("<!-- results:start -->")
    _, _, tail = rest.partition("<!-- results:end -->")
    fresh = readme("", "", value).split("<!-- results:start -->")[1].split("<!-- results:end -->")
    (project / "README.md").write_text(
        f"{head}<!-- results:start -->{fresh[0]}<!-- results:end -->{tail}"
    )


def make_project(
    root: Path,
    slug: str,
    *,
    name: str | None = None,
    description: str = "Which iris is it? A small study.",
    value: float = 0.9123456,
    notes: str = "",
    template: str = "tabular-classifier",
    caption: str = "",
    push: bool = True,
) -> Path:
    """A committed, pushed project whose origin is github.com/ada-l/<slug>."""
    project = root / slug
    project.mkdir(parents=True)
    name = name or slug.replace("-", " ").title()
    record = {
        "template": template,
        "mlport_version": "0.1.0",
        "source_commit": None,
        "answers": {"project_name": name, "description": description, "author_name": "Ada L"},
    }
    (project / ".mlport.json").write_text(json.dumps(record, indent=2))
    (project / "pyproject.toml").write_text(
        "[project]\n"
        f"name = {json.dumps(slug)}\n"
        f"description = {json.dumps(description)}\n"
        'keywords = ["machine-learning", "scikit-learn", "tabular-data", "dvc", "pytorch"]\n'
        'dependencies = ["scikit-learn>=1.5", "dvc[s3]>=3.50,<4", "torch>=2.4"]\n'
    )
    (project / "README.md").write_text(readme(name, description, value, notes))
    write_results(project, value, caption=caption)
    png(project / FIGURE)
    png(project / "reports/figures/roc_curve.png", (300, 300), (200, 40, 40))
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "First results")
    if push:
        bare = root / f"{slug}.git"
        git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
        git(project, "remote", "add", "origin", str(bare))
        git(project, "push", "--quiet", "--set-upstream", "origin", "main")
        git(project, "remote", "set-url", "origin", f"https://github.com/{OWNER}/{slug}.git")
    return project


def commit_and_push(project: Path, message: str = "New results") -> None:
    """Commit everything and push to the bare remote the project was made with."""
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", message)
    url = git(project, "config", "--get", "remote.origin.url")
    bare = project.parent / f"{project.name}.git"
    git(project, "remote", "set-url", "origin", str(bare))
    git(project, "push", "--quiet", "origin", "main")
    git(project, "remote", "set-url", "origin", url)
