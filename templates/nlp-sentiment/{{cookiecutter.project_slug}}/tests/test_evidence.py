"""reports/evaluation.json and the checks before training: the numbers behind the README."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
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
        probas={"baseline": proba},
    )
    low, high = evaluation["headline"]["interval"]
    assert 0.88 < low < 0.89 and high == 1.0
    assert evaluation["headline"]["interval_method"] == "95% Wilson score interval"


def test_the_served_model_within_noise_of_the_bag_of_words_is_not_called_ahead(
    tmp_path: Path, monkeypatch
) -> None:
    """The neural model 3 texts ahead of the bag of words on 60: the paired interval includes
    zero, so neither the headline nor a finding says the served model is ahead."""
    import numpy as np

    from {{ cookiecutter.package_name }}.reporting.evaluation import write

    monkeypatch.chdir(tmp_path)
    labels = ["negative", "positive"] * 30
    right = np.array([[0.9, 0.1], [0.1, 0.9]] * 30)
    neural, words = right.copy(), right.copy()
    neural[:9] = neural[:9, ::-1]  # 51 of 60 right
    words[5:17] = words[5:17, ::-1]  # 48 of 60 right
    evaluation = write(
        y_true=labels,
        proba=neural,
        classes=["negative", "positive"],
        metrics={"baseline": {"accuracy": 48 / 60}, "neural": {"accuracy": 51 / 60}},
        best="neural",
        train_labels=labels,
        ngrams={},
        figures=[],
        source="folder",
        processed_dir=str(tmp_path),
        seed=0,
        probas={"baseline": words, "neural": neural},
    )
    comparison = evaluation["comparison"]
    assert comparison["baseline"] == "bag of words"
    assert comparison["difference"] == pytest.approx(3 / 60)
    low, high = comparison["interval"]
    assert low < 0 < high
    assert comparison["sentence"].endswith("not distinguishable on 60 held-out texts.")
    said = [line for line in evaluation["findings"] if line.startswith("Against the")]
    assert [line.split(" baseline ")[0] for line in said] == [
        "Against the bag of words",
        "Against the majority class",
    ]
    assert "not distinguishable from it: +5.0 points [" in said[0]
    assert not any("ahead of" in line for line in evaluation["findings"])
