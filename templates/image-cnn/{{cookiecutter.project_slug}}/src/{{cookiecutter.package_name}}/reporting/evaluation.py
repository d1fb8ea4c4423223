"""reports/evaluation.json of the image classifier: headline, baselines, findings, figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..classifier.comparisons import Answered, answered_findings
from ..classifier.findings import confusions, hardest_class
from ..classifier.intervals import accuracy_interval
from ..classifier.majority import majority_label, prior_probabilities
from ..metrics import classification_metrics
from .evidence import Baseline, FigureEntry, Headline, read_data_checks, write_evaluation
from .markdown import literal

UNIT = "held-out images"
# From this held-out accuracy the confusion matrix is a near-perfect diagonal: the page then opens
# with the mistakes themselves (docs/pipeline.md states the rule).
SATURATED_ACCURACY = 0.98
MAX_LINEAR_TRAIN = 5000  # training images for the pixel baseline: a few seconds at most


def _scores(y_true: np.ndarray, y_pred: np.ndarray, classes: list[str]) -> dict[str, float]:
    """The model's metric keys that apply to a baseline (no per-class detail, no counts)."""
    metrics = classification_metrics(y_true, y_pred, classes)
    return {
        key: metrics[key] for key in ("accuracy", "macro_precision", "macro_recall", "macro_f1")
    }


def majority_baseline(y_train: np.ndarray, y_true: np.ndarray, classes: list[str]) -> Answered:
    """Always the class with the most training images."""
    indices = list(range(len(classes)))
    predicted = prior_probabilities(list(y_train), indices, len(y_true)).argmax(axis=1)
    label = classes[majority_label(list(y_train), indices)]
    baseline = Baseline(
        "majority class", f"always answers {literal(label)}", _scores(y_true, predicted, classes)
    )
    return Answered(baseline, predicted)


def linear_baseline(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_true: np.ndarray,
    classes: list[str],
    seed: int,
) -> Answered:
    """Logistic regression on the raw pixels (scaled to 0-1) of the training images."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    chosen = np.arange(len(x_train))
    if len(chosen) > MAX_LINEAR_TRAIN:
        chosen = np.sort(rng.choice(len(chosen), MAX_LINEAR_TRAIN, replace=False))
    model = LogisticRegression(max_iter=500, random_state=seed)
    # One thread: on a busy machine BLAS threads fighting each other cost 50 times the time.
    with threadpool_limits(limits=1):
        model.fit(x_train[chosen], y_train[chosen])
        predicted = model.classes_[model.predict_proba(x_test).argmax(axis=1)]
    used = f"{len(chosen):,} of the {len(x_train):,}" if len(chosen) < len(x_train) else "the"
    baseline = Baseline(
        "linear model on pixels",
        f"logistic regression on the raw pixels of {used} training images",
        _scores(y_true, predicted, classes),
    )
    return Answered(baseline, predicted)


def weakest_class(per_class: dict[str, dict[str, Any]]) -> list[str]:
    """The class the model finds hardest, by recall, when its errors are enough to say so."""
    recognised = {
        name: (round(row["recall"] * row["support"]), int(row["support"]))
        for name, row in per_class.items()
    }
    return hardest_class(recognised, "images")


def write(
    *,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    classes: list[str],
    metrics: dict[str, Any],
    baselines: list[Answered],
    figures: list[tuple[Path, str]],
    seed: int,
) -> dict[str, Any]:
    """Write reports/evaluation.json for this run."""
    interval, method = accuracy_interval(y_pred == y_true, seed=seed)
    headline = Headline(
        metric="accuracy",
        label="accuracy",
        value=metrics["accuracy"],
        n=len(y_true),
        unit=UNIT,
        interval=interval,
        interval_method=method,
    )
    names = np.asarray(classes)
    findings = confusions(list(names[y_true]), list(names[y_pred]), "images")
    findings += weakest_class(metrics["per_class"])
    said, strongest = answered_findings(y_pred, y_true, baselines, unit=UNIT, seed=seed)
    findings += said
    entries = [FigureEntry(path.as_posix(), caption) for path, caption in figures]
    return write_evaluation(
        headline,
        [one.baseline for one in baselines],
        findings,
        read_data_checks(),
        entries,
        comparison=strongest,
    )


@dataclass(frozen=True)
class Mistakes:
    """How many mistakes the grid shows, out of how many, on how many test images."""

    shown: int
    total: int
    images: int

    def title(self) -> str:
        """E.g. "All 5 mistakes on the 359 test images"."""
        if self.total == 0:
            return f"No mistakes on the {self.images} test images"
        if self.total == 1:
            return f"The only mistake on the {self.images} test images"
        if self.shown == self.total:
            return f"All {self.total} mistakes on the {self.images} test images"
        return (
            f"The {self.shown} most confident of {self.total} mistakes on the {self.images} "
            "test images"
        )


def mistakes_first(accuracy: float, mistakes: Mistakes) -> bool:
    """The first figure's rule: the mistakes once the confusion matrix is a saturated diagonal."""
    return mistakes.total > 0 and accuracy >= SATURATED_ACCURACY


def captions(
    figure: dict[str, Path],
    metrics: dict[str, Any],
    history: dict[str, list[float]],
    saved: dict[str, float],
    mistakes: Mistakes,
) -> list[tuple[Path, str]]:
    """Each figure of `figure` (by its key in evaluate.py's FIGURES) with what it shows, the most
    telling first (`mistakes_first`)."""
    logged = history.get("val_acc") or []
    curves = "Loss and accuracy per epoch, as logged while training"
    validation = saved.get("validation, saved model")
    if validation is not None and logged and abs(validation - max(logged)) > 5e-4:
        curves += (
            f". The markers are the saved model, the tables' numbers (validation {validation:.4f}, "
            f"test {metrics['accuracy']:.4f}); the logged curve peaks at {max(logged):.4f} because "
            "during training the batch-norm layers use statistics averaged over earlier weights "
            "and augmented images, which train.py recomputes once over the training images for "
            "the saved model"
        )
    else:
        curves += "; the markers are the saved model, the tables' numbers"
    images = mistakes.images
    matrix = (figure["confusion_matrix"], f"Confusion matrix on the {images} held-out images")
    about = mistakes.title()
    if mistakes.total:
        about += ", shown with the true class and the model's answer (probability)"
    if mistakes_first(metrics["accuracy"], mistakes):
        about += "; first, as the confusion matrix is nearly all diagonal"
        leading = [(figure["mistakes"], about), matrix]
    else:
        leading = [matrix, (figure["mistakes"], about)]
    return [
        *leading,
        (
            figure["samples"],
            "Sample test predictions: predicted class (probability), "
            "green when right, red with the true class when wrong",
        ),
        (figure["learning_curves"], curves),
    ]
