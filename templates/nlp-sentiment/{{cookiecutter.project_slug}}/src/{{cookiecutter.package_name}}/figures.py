"""The evaluation figures besides the confusion matrix: the models' ROC curves side by side."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .metrics import positive_class
from .reporting.plotting import save_figure


def roc_figure(
    y_true: list[str],
    probas: dict[str, np.ndarray],
    classes: list[str],
    scores: dict[str, dict],
    path: Path,
) -> None:
    """Each model's ROC curve on the test split (one-vs-rest curves with three or more classes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve
    from sklearn.preprocessing import label_binarize

    positive = positive_class(classes)
    fig, ax = plt.subplots(figsize=(6, 5))
    for name, proba in probas.items():
        if positive is not None:
            fpr, tpr, _ = roc_curve(
                np.asarray(y_true) == positive, proba[:, classes.index(positive)]
            )
        else:  # micro-average over one-vs-rest curves
            truth = label_binarize(y_true, classes=classes)
            fpr, tpr, _ = roc_curve(truth.ravel(), proba.ravel())
        # The table's AUC: the positive class's, or the macro average over one-vs-rest curves.
        kind = "AUC" if positive is not None else "macro AUC"
        ax.plot(fpr, tpr, label=f"{name} ({kind} = {scores[name]['roc_auc']:.4f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    target = f"class {positive!r}" if positive is not None else "micro-averaged curve, one vs rest"
    ax.set_title(f"ROC curve on the test split\n({target})")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    save_figure(fig, path)
    plt.close(fig)
