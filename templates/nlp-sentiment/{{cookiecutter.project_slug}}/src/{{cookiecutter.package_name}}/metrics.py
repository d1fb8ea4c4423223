"""The metrics training (validation split) and evaluation (test split) report, rounded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .classifier.classification import classification_metrics as shared_metrics

POSITIVE_NAMES = ("positive", "pos", "1", "true", "yes")


def positive_class(classes: Sequence[str]) -> str | None:
    """The class whose precision/recall/ROC are reported in a binary task; None with 3+ classes."""
    if len(classes) != 2:
        return None
    for name in POSITIVE_NAMES:
        for cls in classes:
            if cls.lower() == name:
                return cls
    return classes[1]


def classification_metrics(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]
) -> dict[str, float]:
    """The shared classifier metrics for this task's positive class, to four decimals."""
    scores = shared_metrics(y_true, proba, classes, positive_class(classes))
    return {name: round(value, 4) for name, value in scores.items()}
