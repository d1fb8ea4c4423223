"""The held-out metrics: accuracy, precision, recall, F1 and ROC AUC, for two classes or more."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

from .errors import ConfigError


def positive_class(classes: Sequence[str], configured: str | None) -> str | None:
    """The class binary precision/recall/F1 are about; None with more than two classes."""
    if len(classes) != 2:
        return None
    if configured is None:
        return classes[-1]  # scikit-learn's convention: the greater label is positive
    if configured not in classes:
        raise ConfigError(
            f"evaluate.positive_class {configured!r} is not one of the classes {list(classes)}"
        )
    return configured


def averaging(positive: str | None) -> str:
    """How precision, recall and F1 were computed, in words for the report."""
    if positive is None:
        return "macro averages over the classes; ROC AUC one-vs-rest, macro-averaged"
    return f"for the positive class `{positive}`"


def classification_metrics(
    labels: pd.Series, probabilities: np.ndarray, classes: Sequence[str], positive: str | None
) -> dict[str, float]:
    """Metrics of predicted `probabilities` (one column per class, in `classes` order)."""
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    if positive is None:
        precision, recall, f1, _ = precision_recall_fscore_support(
            labels, predicted, average="macro", zero_division=0
        )
        auc = roc_auc_score(labels, probabilities, multi_class="ovr", labels=list(classes))
    else:
        precision, recall, f1, _ = precision_recall_fscore_support(
            labels, predicted, average="binary", pos_label=positive, zero_division=0
        )
        auc = roc_auc_score(labels == positive, probabilities[:, list(classes).index(positive)])
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "roc_auc": float(auc),
    }
