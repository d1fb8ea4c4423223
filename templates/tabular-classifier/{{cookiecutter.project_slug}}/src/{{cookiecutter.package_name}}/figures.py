"""The evaluation figures as PNGs: ROC/PR curves, importance, CV comparison (the confusion
matrix is classification.py's, shared by the classifiers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_curve

from .reporting.plotting import save_figure

# Files only, never a window.
matplotlib.use("Agg")

TOP_FEATURES = 15  # more bars than this stop being readable


def _save(figure: Figure, path: Path) -> Path:
    return save_figure(figure, path)


def _one_vs_rest(classes: Sequence[str], positive: str | None) -> list[str]:
    """The classes to draw a curve for: the positive one, or each class against the rest."""
    return [positive] if positive is not None else list(classes)


def _curve_name(label: str, positive: str | None) -> str:
    return label if positive is None else f"{label} (positive)"


def roc_curves(
    labels: pd.Series,
    probabilities: np.ndarray,
    classes: Sequence[str],
    positive: str | None,
    path: Path,
) -> Path:
    """ROC curve of the positive class, or one per class against the rest (AUC to 4 decimals,
    as in the metrics table)."""
    figure = Figure(figsize=(6, 5))
    ax = figure.subplots()
    for label in _one_vs_rest(classes, positive):
        # One class against the rest: works for two classes or more.
        fpr, tpr, _ = roc_curve(labels == label, probabilities[:, list(classes).index(label)])
        ax.plot(
            fpr,
            tpr,
            linewidth=2,
            label=f"{_curve_name(label, positive)} (AUC = {auc(fpr, tpr):.4f})",
        )
    ax.plot(
        [0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="chance (AUC = 0.5000)"
    )
    ax.set(xlabel="False positive rate", ylabel="True positive rate")
    ax.set_title("ROC curve (held-out test set)")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return _save(figure, path)


def precision_recall_curves(
    labels: pd.Series,
    probabilities: np.ndarray,
    classes: Sequence[str],
    positive: str | None,
    path: Path,
) -> Path:
    """Precision-recall curve of the positive class, or one per class against the rest, with
    the average precision (AP) to 4 decimals."""
    figure = Figure(figsize=(6, 5))
    ax = figure.subplots()
    for label in _one_vs_rest(classes, positive):
        truth = labels == label  # one class against the rest: works for two classes or more
        scores = probabilities[:, list(classes).index(label)]
        precision, recall, _ = precision_recall_curve(truth, scores)
        ap = average_precision_score(truth, scores)
        ax.step(
            recall,
            precision,
            where="post",
            linewidth=2,
            label=f"{_curve_name(label, positive)} (AP = {ap:.4f})",
        )
    ax.set(xlabel="Recall", ylabel="Precision")
    ax.set_title("Precision-recall curve (held-out test set)")
    ax.legend(loc="lower left")
    ax.grid(alpha=0.3)
    return _save(figure, path)


def permutation_importance(importances: pd.DataFrame, scoring: str, path: Path) -> Path:
    """Bars of `importances` (index: feature; columns: mean, std), the largest on top."""
    top = importances.sort_values("mean", ascending=False).head(TOP_FEATURES).iloc[::-1]
    figure = Figure(figsize=(7, 0.35 * len(top) + 1.8))
    ax = figure.subplots()
    ax.barh(top.index.astype(str), top["mean"], xerr=top["std"], color="#4c72b0")
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel(f"drop in test {scoring} when the feature is shuffled")
    ax.set_title("Permutation importance (held-out test set)")
    return _save(figure, path)


def cv_comparison(summary: dict[str, Any], path: Path) -> Path:
    """Mean ± std of each candidate's CV score (reports/cv_results.json), the winner in colour."""
    names = list(summary["candidates"])
    means = np.array([summary["candidates"][name]["mean"] for name in names])
    stds = np.array([summary["candidates"][name]["std"] for name in names])
    colours = ["#dd8452" if name == summary["best"] else "#a1a9b4" for name in names]
    figure = Figure(figsize=(7, 4.5))
    ax = figure.subplots()
    # The score under each name: the bars may differ only in the third decimal.
    ax.bar(
        [f"{name}\n{mean:.4f}" for name, mean in zip(names, means, strict=True)],
        means,
        yerr=stds,
        color=colours,
        capsize=6,
    )
    low, high = (means - stds).min(), (means + stds).max()
    margin = max(high - low, 1e-3) * 0.5
    ax.set_ylim(low - margin, high + margin)  # zoomed: a full 0-1 axis would hide the gaps
    ax.set_ylabel(f"CV {summary['scoring']} (mean ± std over folds)")
    ax.set_title("Model selection: cross-validated candidates")
    return _save(figure, path)
