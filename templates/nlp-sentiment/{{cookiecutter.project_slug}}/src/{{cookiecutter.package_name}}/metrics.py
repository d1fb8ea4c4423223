"""Classification metrics shared by training (validation split) and evaluation (test split)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
    """Accuracy, precision, recall, F1 and ROC AUC.

    Binary: precision, recall, F1 and ROC AUC of the positive class. More classes: macro averages
    and one-vs-rest ROC AUC.
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

    classes = list(classes)
    y_true = np.asarray(y_true)
    y_pred = np.asarray(classes)[proba.argmax(axis=1)]
    positive = positive_class(classes)
    if positive is not None:
        precision, recall, f1, _ = precision_recall_fscore_support(
            y_true, y_pred, pos_label=positive, average="binary", zero_division=0
        )
    else:
        precision, recall, f1, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=classes, average="macro", zero_division=0
        )
    present = set(y_true)
    if len(present) < 2:
        roc_auc = float("nan")
    elif positive is not None:
        roc_auc = roc_auc_score(y_true == positive, proba[:, classes.index(positive)])
    elif present == set(classes):
        roc_auc = roc_auc_score(y_true, proba, labels=classes, multi_class="ovr")
    else:
        roc_auc = float("nan")
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "roc_auc": round(float(roc_auc), 4),
    }
