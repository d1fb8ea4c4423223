{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/classification.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Held-out classification metrics and the confusion matrix, the same in every classifier."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_ANNOTATED_CLASSES = 20  # beyond this the counts in the cells are unreadable


def classification_metrics(
    labels: Sequence[Any], probabilities: np.ndarray, classes: Sequence[Any], positive: Any | None
) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and ROC AUC of `probabilities` (a column per class).

    With a `positive` class: precision, recall, F1 and ROC AUC of that class. Without one (three
    or more classes): macro averages and one-vs-rest ROC AUC. ROC AUC is NaN when the labels do
    not hold every class it needs.
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

    classes = list(classes)
    labels = np.asarray(labels)
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    present = set(labels.tolist())
    if positive is None:
        precision, recall, f1, _ = precision_recall_fscore_support(
            labels, predicted, labels=classes, average="macro", zero_division=0
        )
        auc = (
            roc_auc_score(labels, probabilities, labels=classes, multi_class="ovr")
            if present == set(classes)
            else np.nan
        )
    else:
        precision, recall, f1, _ = precision_recall_fscore_support(
            labels, predicted, pos_label=positive, average="binary", zero_division=0
        )
        scores = probabilities[:, classes.index(positive)]
        auc = roc_auc_score(labels == positive, scores) if len(present) > 1 else np.nan
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "roc_auc": float(auc),
    }


def confusion_matrix_figure(
    labels: Sequence[Any],
    predicted: Sequence[Any],
    classes: Sequence[Any],
    path: Path,
    *,
    title: str,
    names: Sequence[str] | None = None,
) -> Path:
    """Counts of true (rows) against predicted (columns) labels, saved as a PNG at `path`."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window: scikit-learn's display imports pyplot
    from matplotlib.figure import Figure
    from sklearn.metrics import ConfusionMatrixDisplay

    from ..reporting.plotting import save_figure

    names = list(names if names is not None else classes)
    side = max(5.5, 0.5 * len(names) + 2.5)
    figure = Figure(figsize=(side + 0.5, side))  # no pyplot: no GUI backend, no global state
    ax = figure.subplots()
    ConfusionMatrixDisplay.from_predictions(
        labels,
        predicted,
        labels=list(classes),
        display_labels=names,
        ax=ax,
        cmap="Blues",
        colorbar=False,
        include_values=len(names) <= MAX_ANNOTATED_CLASSES,
        xticks_rotation=45 if len(names) > 4 else "horizontal",
    )
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return save_figure(figure, path)
