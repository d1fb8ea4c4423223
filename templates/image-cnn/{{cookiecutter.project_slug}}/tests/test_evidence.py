"""reports/evaluation.json and the checks before training: the numbers behind the README."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.data import build_dataset


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_evaluation_holds_headline_interval_baselines_findings_and_figures(trained):
    evaluation = read(trained / "reports/evaluation.json")
    metrics = read(trained / "reports/metrics.json")
    headline = evaluation["headline"]
    assert headline["metric"] == "accuracy" and headline["value"] == metrics["accuracy"]
    assert headline["n"] == metrics["test_images"] and headline["unit"] == "held-out images"
    low, high = headline["interval"]
    assert 0 <= low <= headline["value"] <= high <= 1
    names = [baseline["name"] for baseline in evaluation["baselines"]]
    assert names == ["majority class", "linear model on pixels"]
    for baseline in evaluation["baselines"]:
        assert set(baseline["metrics"]) == {
            "accuracy",
            "macro_precision",
            "macro_recall",
            "macro_f1",
        }
    assert evaluation["findings"]
    paths = [figure["path"] for figure in evaluation["figures"]]
    saturated = metrics["accuracy"] >= 0.98 and metrics["accuracy"] < 1
    first = "worst_mistakes" if saturated else "confusion_matrix"
    assert paths[0] == f"reports/figures/{first}.png"
    assert sorted(paths) == sorted(
        f"reports/figures/{path.name}" for path in (trained / "reports/figures").glob("*.png")
    )


def test_every_figure_is_saved_large_enough_to_read(trained):
    for path in sorted((trained / "reports/figures").glob("*.png")):
        with Image.open(path) as image:
            assert image.width >= 900, path.name
            assert min(image.info["dpi"]) >= 149.9, path.name


def test_a_test_image_that_is_also_a_training_image_is_warned_of(project, capsys):
    config = load_config()
    folder = project / config.data.folder
    first = sorted(folder.iterdir())[0]
    images = sorted(first.iterdir())
    for number, image in enumerate(images):  # every image of the class twice
        shutil.copy(image, first / f"copy-{number}{image.suffix}")
    build_dataset(config)
    out = capsys.readouterr().out
    assert "also appear in the training data" in out
    warnings = read(project / "reports/data_checks.json")["warnings"]
    assert any("also appear in the training data" in line for line in warnings)


def per_class(**rows):
    return {
        name: {"recall": found / support, "support": support}
        for name, (found, support) in rows.items()
    }


def test_a_class_with_fewer_than_five_errors_is_not_named_hardest():
    from {{ cookiecutter.package_name }}.reporting.evaluation import weakest_class

    found = weakest_class(per_class(**{"1": (20, 20), "2": (19, 20), "3": (18, 20)}))
    assert len(found) == 1 and not found[0].startswith("Hardest class")
    assert "too few to name a hardest class" in found[0]
    assert "`3`" in found[0] and "2 errors" in found[0]


def test_a_class_with_five_errors_or_more_is_named_hardest():
    from {{ cookiecutter.package_name }}.reporting.evaluation import weakest_class

    found = weakest_class(per_class(**{"1": (40, 40), "2": (33, 40), "3": (38, 40)}))
    assert found == [
        "Hardest class: `2`, 33 of its 40 test images recognised (7 errors; recall 0.8250)."
    ]


def test_every_image_right_gets_an_interval_of_some_width_named_on_the_page(tmp_path, monkeypatch):
    """30 of 30 right: Wilson's interval, not the bootstrap's [1.000, 1.000]."""
    import numpy as np

    from {{ cookiecutter.package_name }}.reporting.evaluation import write

    monkeypatch.chdir(tmp_path)
    labels = np.tile([0, 1, 2], 10)
    metrics = {
        "accuracy": 1.0,
        "per_class": per_class(**{str(name): (10, 10) for name in range(3)}),
    }
    evaluation = write(
        y_true=labels,
        y_pred=labels,
        classes=["0", "1", "2"],
        metrics=metrics,
        baselines=[],
        figures=[],
        seed=0,
    )
    low, high = evaluation["headline"]["interval"]
    assert 0.88 < low < 0.89 and high == 1.0
    assert evaluation["headline"]["interval_method"] == "95% Wilson score interval"


def test_a_lead_within_noise_of_the_strongest_baseline_is_not_called_ahead(tmp_path, monkeypatch):
    """80 images, the model 7 right answers ahead of the pixel model: the paired interval
    includes zero, so the headline's comparison and the finding say not distinguishable."""
    import numpy as np

    from {{ cookiecutter.package_name }}.classifier.comparisons import Answered
    from {{ cookiecutter.package_name }}.reporting.evaluation import write
    from {{ cookiecutter.package_name }}.reporting.evidence import Baseline

    monkeypatch.chdir(tmp_path)
    truth = np.tile([0, 1], 40)
    model = truth.copy()
    model[:27] = 1 - model[:27]  # 53 of 80 right
    pixels = truth.copy()
    pixels[10:44] = 1 - pixels[10:44]  # 46 of 80 right, its errors mostly elsewhere
    majority = np.ones_like(truth)  # 40 of 80

    def scores(accuracy):
        return {"accuracy": accuracy, "macro_precision": 0, "macro_recall": 0, "macro_f1": 0}

    evaluation = write(
        y_true=truth,
        y_pred=model,
        classes=["ants", "bees"],
        metrics={"accuracy": 53 / 80, "per_class": per_class(ants=(27, 40), bees=(26, 40))},
        baselines=[
            Answered(Baseline("majority class", "always `bees`", scores(0.5)), majority),
            Answered(Baseline("linear model on pixels", "pixels", scores(46 / 80)), pixels),
        ],
        figures=[],
        seed=0,
    )
    comparison = evaluation["comparison"]
    assert comparison["baseline"] == "linear model on pixels"
    assert comparison["difference"] == pytest.approx((53 - 46) / 80)
    low, high = comparison["interval"]
    assert low < 0 < high
    assert comparison["sentence"].endswith("not distinguishable on 80 held-out images.")
    said = [line for line in evaluation["findings"] if line.startswith("Against the")]
    assert len(said) == 2 and "not distinguishable from it: +8.8 points [" in said[0]
    assert "majority class" in said[1] and " is ahead: +16.2 points [" in said[1]
    assert not any("ahead of" in line for line in evaluation["findings"])


def test_confusions_under_five_each_are_listed_but_not_ranked():
    from {{ cookiecutter.package_name }}.classifier.findings import confusions

    truth = ["3"] * 2 + ["8"] * 1 + ["1"] * 7
    guess = ["5"] * 2 + ["1"] * 1 + ["1"] * 7
    found = confusions(truth, guess, "images")
    assert found == [
        "3 of 10 held-out images were misclassified, too few to rank the confusions (none "
        "occurs 5 times): `3` taken for `5` (2 times), `8` taken for `1` (1 time)."
    ]
    found = confusions(["3"] * 6 + ["1"], ["5"] * 6 + ["1"], "images")
    assert found == [
        "6 of 7 held-out images were misclassified; most confusions: `3` taken for `5` (6 times)."
    ]
