"""The evaluation figures as PNGs: predicted against actual, residuals, error by target range,
permutation importance, the CV comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .reporting.plotting import save_figure

# Files only, never a window.
matplotlib.use("Agg")

TOP_FEATURES = 15  # more bars than this stop being readable
POINTS = "#4c72b0"


def predicted_vs_actual(
    truth: np.ndarray,
    predicted: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray] | None,
    target: str,
    path: Path,
) -> Path:
    """Each held-out row's prediction against its true value, with its prediction interval;
    on the diagonal the model is exactly right."""
    figure = Figure(figsize=(6.5, 6))
    ax = figure.subplots()
    if bounds is not None:
        low, high = bounds
        ax.vlines(truth, low, high, color="#a1a9b4", alpha=0.45, linewidth=1, label="interval")
    ax.scatter(truth, predicted, s=18, color=POINTS, alpha=0.8, label="held-out row")
    ends = [min(np.min(truth), np.min(predicted)), max(np.max(truth), np.max(predicted))]
    ax.plot(ends, ends, linestyle="--", color="grey", linewidth=1, label="perfect prediction")
    ax.set(xlabel=f"actual {target}", ylabel=f"predicted {target}")
    ax.set_title("Predicted against actual (held-out test set)")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return save_figure(figure, path)


def residuals_vs_predicted(truth: np.ndarray, predicted: np.ndarray, path: Path) -> Path:
    """Residuals (actual - predicted) against the prediction: a funnel means the error size
    depends on the prediction, a curve means the model misses a trend."""
    residuals = np.asarray(truth) - np.asarray(predicted)
    figure = Figure(figsize=(7, 4.8))
    ax = figure.subplots()
    ax.scatter(predicted, residuals, s=18, color=POINTS, alpha=0.8)
    ax.axhline(0, color="grey", linestyle="--", linewidth=1)
    ax.set(xlabel="predicted", ylabel="residual (actual - predicted)")
    ax.set_title("Residuals against predictions (held-out test set)")
    ax.grid(alpha=0.3)
    return save_figure(figure, path)


def error_by_range(table: pd.DataFrame, target: str, path: Path) -> Path:
    """Mean absolute error per range of the true target (table: index range; mae, rows)."""
    figure = Figure(figsize=(7, 4.5))
    ax = figure.subplots()
    bars = ax.bar(table.index.astype(str), table["mae"], color="#dd8452")
    for bar, rows in zip(bars, table["rows"], strict=True):
        ax.annotate(
            f"{rows} rows",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=10,
        )
    ax.set(xlabel=f"actual {target} (quartile ranges)", ylabel="mean absolute error")
    ax.set_title("Error by target range (held-out test set)")
    ax.margins(y=0.15)
    return save_figure(figure, path)


def permutation_importance(importances: pd.DataFrame, scoring: str, path: Path) -> Path:
    """Bars of `importances` (index: feature; columns: mean, std): the mean drop in score over
    the shuffles, whiskers ± one standard deviation; the largest on top."""
    top = importances.sort_values("mean", ascending=False).head(TOP_FEATURES).iloc[::-1]
    figure = Figure(figsize=(7, 0.35 * len(top) + 1.8))
    ax = figure.subplots()
    ax.barh(top.index.astype(str), top["mean"], xerr=top["std"], color=POINTS, capsize=3)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel(f"drop in test {scoring} when the feature is shuffled (mean ± std)")
    ax.set_title("Permutation importance (held-out test set)")
    return save_figure(figure, path)


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
    ax.set_ylim(low - margin, high + margin)  # zoomed: a full axis would hide the gaps
    ax.set_ylabel(f"CV {summary['scoring']} (mean ± std over folds)")
    ax.set_title("Model selection: cross-validated candidates")
    return save_figure(figure, path)
