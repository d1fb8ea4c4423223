"""reports/evaluation.json and the checks before training: the numbers behind the README."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from PIL import Image

from {{ cookiecutter.package_name }}.classifier.textchecks import CHECKS_FILE, check_texts


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_evaluation_holds_headline_interval_baselines_findings_and_figures(
    trained: Path,
) -> None:
    evaluation = read(trained / "reports" / "evaluation.json")
    metrics = read(trained / "reports" / "metrics.json")
    best = metrics["best_model"]
    headline = evaluation["headline"]
    assert headline["metric"] == "accuracy" and headline["value"] == metrics[best]["accuracy"]
    assert headline["unit"] == "held-out reviews"
    low, high = headline["interval"]
    assert 0 <= low <= headline["value"] <= high <= 1
    majority = evaluation["baselines"][0]
    assert majority["name"] == "majority class"
    assert set(majority["metrics"]) == {"accuracy", "precision", "recall", "f1", "roc_auc"}
    names = [baseline["name"] for baseline in evaluation["baselines"]]
    assert ("bag of words" in names) == (best != "baseline")
    assert evaluation["figures"][0]["path"] == f"reports/figures/confusion_{best}.png"
    for figure in evaluation["figures"]:
        with Image.open(trained / figure["path"]) as image:
            assert image.width >= 900 and min(image.info["dpi"]) >= 149.9, figure["path"]


def test_a_review_in_both_splits_and_a_tiny_class_are_warned_of(tmp_path: Path, capsys) -> None:
    train = pd.DataFrame({"text": ["Great film!", "Awful.", "Fine", "meh"], "label": list("pnpn")})
    test = pd.DataFrame({"text": ["great   FILM!", "Loved it"], "label": ["p", "q"]})
    warnings = check_texts(train, test, tmp_path)
    assert "1 of 2 test texts also appear in the training data" in warnings[0]
    assert any("Class `q` has only 1 text:" in line for line in warnings)
    assert read(tmp_path / CHECKS_FILE)["warnings"] == warnings
    assert "warning: 1 of 2 test texts" in capsys.readouterr().out


def test_every_review_right_gets_an_interval_of_some_width_named_on_the_page(
    tmp_path: Path, monkeypatch
) -> None:
    """30 of 30 right: Wilson's interval, not the bootstrap's [1.000, 1.000]."""
    import numpy as np

    from {{ cookiecutter.package_name }}.reporting.evaluation import write

    monkeypatch.chdir(tmp_path)
    labels = ["negative", "positive"] * 15
    proba = np.array([[0.9, 0.1] if label == "negative" else [0.1, 0.9] for label in labels])
    evaluation = write(
        y_true=labels,
        proba=proba,
        classes=["negative", "positive"],
        metrics={"baseline": {"accuracy": 1.0}},
        best="baseline",
        train_labels=labels,
        ngrams={},
        figures=[],
        source="imdb",
        processed_dir=str(tmp_path),
        seed=0,
    )
    low, high = evaluation["headline"]["interval"]
    assert 0.88 < low < 0.89 and high == 1.0
    assert evaluation["headline"]["interval_method"] == "95% Wilson score interval"
