"""nlp-sentiment, generated and run for real: the pipeline on an IMDB-layout archive, a learner's
CSV with string labels, and the API under uvicorn.

The archive is built here (a few hundred short synthetic reviews in the aclImdb layout) and given
to the data stage as a file:// URL with its MD5 through params.yaml, so nothing is downloaded; the
HTTP download code itself is covered by the project's own tests against a server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import tarfile
from pathlib import Path

import httpx
import pandas as pd
import pytest
import yaml

from tests.slow.harness import Project, generate, served

TEMPLATE = "nlp-sentiment"
STAGES = ["data", "train", "evaluate", "report"]
WORDS = {
    "positive": ["wonderful", "moving", "superb", "charming", "gripping", "delightful", "funny"],
    "negative": ["awful", "boring", "dreadful", "clumsy", "tedious", "pointless", "lifeless"],
}
FILLER = ["the", "film", "plot", "cast", "story", "was", "and", "a", "scene", "ending", "really"]


def reviews(n: int, seed: int) -> list[tuple[str, str]]:
    """`n` reviews per class: the class's words among filler, one word of the other, 5% flipped."""
    rng = random.Random(seed)
    rows = []
    for label, other in (("positive", "negative"), ("negative", "positive")):
        for _ in range(n):
            words = [rng.choice(FILLER) for _ in range(rng.randint(8, 16))]
            words += [rng.choice(WORDS[label]) for _ in range(3)] + [rng.choice(WORDS[other])]
            rng.shuffle(words)
            noisy = rng.random() < 0.05  # some mislabelled reviews, as in real data
            rows.append((" ".join(words).capitalize() + ".", other if noisy else label))
    return rows


def imdb_archive(path: Path, n: int) -> str:
    """aclImdb/{train,test}/{pos,neg}/ID_STARS.txt, plus unsup/ that must be skipped; its MD5."""
    with tarfile.open(path, "w:gz") as archive:
        for split, seed in (("train", 1), ("test", 2), ("unsup", 3)):
            for i, (text, label) in enumerate(reviews(n, seed)):
                folder = "unsup" if split == "unsup" else label[:3]
                name = f"aclImdb/{split}/{folder}/{i}_{9 if folder == 'pos' else 1}.txt"
                info = tarfile.TarInfo(name)
                info.size = len(text.encode())
                archive.addfile(info, io.BytesIO(text.encode()))
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def imdb_project(nlp_trained: Project) -> Project:
    return nlp_trained


def test_dvc_repro_runs_every_stage(imdb_project: Project) -> None:
    lock = yaml.safe_load((imdb_project.path / "dvc.lock").read_text(encoding="utf-8"))
    assert list(lock["stages"]) == STAGES
    status = imdb_project.dvc("status")
    assert "up to date" in status.stdout
    processed = imdb_project.path / "data" / "processed"
    assert len(pd.read_parquet(processed / "train.parquet")) == 300  # unsup/ left out
    assert len(pd.read_parquet(processed / "test.parquet")) == 300
    for name in ("baseline", "neural"):
        assert (imdb_project.path / "models" / name / "meta.json").is_file()
        assert (imdb_project.path / "reports" / "figures" / f"confusion_{name}.png").is_file()
    assert (imdb_project.path / "reports" / "figures" / "roc.png").is_file()


def test_readme_holds_the_side_by_side_comparison(imdb_project: Project) -> None:
    metrics = imdb_project.metrics()
    assert metrics["best_model"] in ("baseline", "neural")
    block = imdb_project.results_block("README.md")
    for name in ("baseline", "neural"):
        assert metrics[name]["accuracy"] > 0.75, metrics
        row = next(line for line in block.splitlines() if re.match(rf"\| (\*\*)?{name}\b", line))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        keys = ("accuracy", "precision", "recall", "f1", "roc_auc")
        assert cells[1:6] == [f"{metrics[name][key]:.4f}" for key in keys]
    assert "What the baseline learned" in block and "**Surest mistakes**" in block
    assert "reports/figures/roc.png" in block
    card = imdb_project.results_block("MODEL_CARD.md")
    assert "| model | accuracy |" in card and f"Served model: `{metrics['best_model']}`" in card
    assert "**Most confident mistakes**" in card


def test_readme_shows_the_probe_pass_rates_of_reports_probes_json(imdb_project: Project) -> None:
    probes = imdb_project.metrics("reports/probes.json")
    assert probes["skipped"] is None and probes["model"] == imdb_project.metrics()["best_model"]
    assert set(probes["types"]) == {"negation", "intensifier", "neutral", "typo"}
    block = imdb_project.results_block("README.md")
    line = next(line for line in block.splitlines() if line.startswith("**Behavioural probes**"))
    shown = [
        (kind, int(passed), int(total), float(rate))
        for kind, passed, total, rate in re.findall(r"`(\w+)` (\d+)/(\d+) \(([\d.]+)\)", line)
    ]
    assert shown == [
        (kind, result["passed"], result["total"], result["rate"])
        for kind, result in probes["types"].items()
    ]
    assert f"below {probes['unsure_below']:g}" in line
    failures = [f for result in probes["types"].values() for f in result["failures"]]
    if failures:
        folded = block[block.index("<details><summary>Probes ") :]
        assert all(f"| {f['probability']:.4f} |" in folded for f in failures)


def test_uvicorn_serves_the_best_model(imdb_project: Project) -> None:
    best = imdb_project.metrics()["best_model"]
    with served(imdb_project) as url:
        response = httpx.post(f"{url}/predict", json={"text": "A superb, moving, charming film."})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["label"] == "positive" and body["model"] == best
        assert set(body["probabilities"]) == {"negative", "positive"}
        empty = httpx.post(f"{url}/predict", json={"text": ""})
        assert empty.status_code == 422
        assert "empty" in empty.text
        batch = httpx.post(f"{url}/predict/batch", json={"texts": ["awful, tedious", "superb"]})
        assert [p["label"] for p in batch.json()["predictions"]] == ["negative", "positive"]


def test_learner_csv_with_string_labels_trains_through_params_alone(
    tmp_path: Path,
) -> None:
    project = generate(TEMPLATE, tmp_path)
    rows = [
        {"review": text, "mood": {"positive": "happy", "negative": "grumpy"}[label]}
        for text, label in reviews(80, seed=5)
    ]
    pd.DataFrame(rows).to_csv(project.path / "data" / "raw" / "reviews.csv", index=False)
    own = {"path": "data/raw/reviews.csv", "text_column": "review", "label_column": "mood"}
    project.set_params(data={"source": "file", "file": own})
    project.dvc("repro")
    metrics = project.metrics()
    assert set(metrics) == {"baseline", "neural", "best_model"}
    assert metrics[metrics["best_model"]]["accuracy"] > 0.75, metrics
    summary = yaml.safe_load((project.path / "reports" / "summary.json").read_text())
    assert summary["classes"] == ["grumpy", "happy"]
    assert summary["data"]["test_rows"] == 32  # data.test_size 0.2 of 160 rows
    assert "grumpy" in project.results_block("README.md")


def test_the_readme_dvc_exp_run_examples_run(imdb_project: Project, tmp_path: Path) -> None:
    project = imdb_project.copy_to(tmp_path)
    for overrides in project.readme_experiments():
        project.exp_run(overrides)
    assert project.metrics()["best_model"] in ("baseline", "neural")
