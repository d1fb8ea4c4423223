"""The evaluate stage: metrics.json, the figures, and both added to the training's run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from {{ cookiecutter.package_name }}.figures import MIN_GRID_WIDTH, plot_grid

from .tiny import CLASSES, draw

FIGURES = ("confusion_matrix", "learning_curves", "sample_predictions", "worst_mistakes")


def test_metrics_cover_the_test_images_and_every_class(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    assert 0 <= metrics["accuracy"] <= 1
    assert metrics["test_images"] == 6 and metrics["num_classes"] == 3
    assert all(not isinstance(value, dict) for value in metrics.values())  # flat for dvc
    per_class = json.loads((trained / "reports/per_class.json").read_text(encoding="utf-8"))
    assert list(per_class) == list(CLASSES)
    assert sum(row["support"] for row in per_class.values()) == 6
    for figure in FIGURES:
        assert (trained / f"reports/figures/{figure}.png").stat().st_size > 1000, figure


def test_the_test_metrics_and_figures_join_the_training_run(trained):
    from mlflow import MlflowClient

    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    run_id = json.loads((trained / "models/run.json").read_text(encoding="utf-8"))["run_id"]
    client = MlflowClient(tracking_uri=f"sqlite:///{trained / 'mlflow.db'}")
    run = client.get_run(run_id)
    assert run.data.metrics["test_accuracy"] == pytest.approx(metrics["accuracy"])
    logged = {item.path for item in client.list_artifacts(run_id, "figures")}
    assert logged == {f"figures/{figure}.png" for figure in FIGURES}


@pytest.mark.parametrize("mistakes", [0, 1, 2])
def test_a_grid_of_few_images_is_wide_enough_for_its_title(tmp_path, mistakes):
    images = [draw("cross", (12, 12), seed=n) for n in range(3)]
    probabilities = np.array([[0.2, 0.7, 0.1]] * 3)
    path = tmp_path / "worst_mistakes.png"
    plot_grid(
        images,
        np.arange(mistakes),
        np.zeros(3, dtype=int),
        probabilities,
        SimpleNamespace(classes=list(CLASSES)),
        "Most confident mistakes",
        path,
    )
    with Image.open(path) as figure:
        assert figure.width >= MIN_GRID_WIDTH * 100  # inches at the 110 dpi it is saved with


def test_each_mistake_shows_its_true_and_predicted_class_as_text_on_the_figure(
    tmp_path, monkeypatch
):
    from matplotlib.axes import Axes

    titles = []
    monkeypatch.setattr(Axes, "set_title", lambda ax, text, **_: titles.append(text))
    images = [draw("cross", (12, 12), seed=n) for n in range(2)]
    plot_grid(
        images,
        np.arange(2),
        np.zeros(2, dtype=int),
        np.array([[0.2, 0.7, 0.1], [0.9, 0.05, 0.05]]),
        SimpleNamespace(classes=list(CLASSES)),
        "mistakes",
        tmp_path / "grid.png",
    )
    assert titles == ["true: circle\npredicted: cross (0.70)", "circle (0.90)"]


def captions_for(accuracy, mistakes):
    from {{ cookiecutter.package_name }}.evaluate import FIGURES_PATHS
    from {{ cookiecutter.package_name }}.reporting.evaluation import Mistakes, captions

    found = Mistakes(shown=min(mistakes, 16), total=mistakes, images=359)
    return captions(FIGURES_PATHS, {"accuracy": accuracy}, {}, {}, found)


@pytest.mark.parametrize(
    ("accuracy", "mistakes", "first"),
    [
        (0.986, 5, "worst_mistakes"),  # a saturated diagonal: the mistakes say more
        (0.98, 7, "worst_mistakes"),
        (0.975, 9, "confusion_matrix"),
        (1.0, 0, "confusion_matrix"),  # nothing to show in the grid
    ],
)
def test_the_first_figure_is_the_mistakes_once_the_confusion_matrix_saturates(
    accuracy, mistakes, first
):
    figures = captions_for(accuracy, mistakes)
    assert figures[0][0].name == f"{first}.png"
    assert sorted(path.name for path, _ in figures) == sorted(f"{name}.png" for name in FIGURES)


def test_the_mistakes_caption_counts_them_and_says_why_they_come_first():
    (path, caption), *_ = captions_for(0.986, 5)
    assert caption == (
        "All 5 mistakes on the 359 test images, shown with the true class and the model's "
        "answer (probability); first, as the confusion matrix is nearly all diagonal"
    )
    caption = dict(captions_for(0.9, 36))[path]
    assert caption.startswith("The 16 most confident of 36 mistakes on the 359 test images, shown")
    assert "first" not in caption
    assert dict(captions_for(0.99, 1))[path].startswith("The only mistake on the 359 test images")
