"""reports/evaluation.json and the checks before training: the numbers behind the README."""

from __future__ import annotations

import json
import shutil

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
    assert paths[0] == "reports/figures/confusion_matrix.png"
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
