"""Plain sentences about a regressor's held-out errors, in the target's own units."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .intervals import PairedComparison

RANGES = 4  # target quartiles: where the errors are largest
MIN_ROWS_FOR_TRENDS = 20  # fewer held-out rows cannot show a trend in the residuals


def error_by_range(truth: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Mean absolute error and row count per range of the true target, in order."""
    truth, predicted = np.asarray(truth, float), np.asarray(predicted, float)
    bins = pd.qcut(pd.Series(truth), q=RANGES, duplicates="drop")
    frame = pd.DataFrame({"range": bins, "error": np.abs(truth - predicted)})
    grouped = frame.groupby("range", observed=True)["error"]
    table = pd.DataFrame({"mae": grouped.mean(), "rows": grouped.size()})
    table.index = [f"{item.left:.4g} to {item.right:.4g}" for item in table.index]
    return table


def largest_errors(truth: np.ndarray, predicted: np.ndarray, target: str) -> list[str]:
    """Which range of the target the model gets most wrong, against its error overall."""
    if len(truth) < MIN_ROWS_FOR_TRENDS:
        return []
    table = error_by_range(truth, predicted)
    worst = table["mae"].idxmax()
    overall = float(np.mean(np.abs(np.asarray(truth) - np.asarray(predicted))))
    return [
        f"Errors are largest where `{target}` is {worst}: mean absolute error "
        f"{table.loc[worst, 'mae']:.4g} on those {table.loc[worst, 'rows']} rows, against "
        f"{overall:.4g} overall."
    ]


def heteroscedasticity(truth: np.ndarray, predicted: np.ndarray, log_target: bool) -> list[str]:
    """Whether the size of the errors grows (or shrinks) with the prediction (Spearman)."""
    from scipy.stats import spearmanr

    if len(truth) < MIN_ROWS_FOR_TRENDS:
        return []
    errors = np.abs(np.asarray(truth) - np.asarray(predicted))
    rho, p_value = spearmanr(predicted, errors)
    if not np.isfinite(rho) or p_value >= 0.05:
        return [
            f"The size of the errors does not change clearly with the prediction (Spearman "
            f"ρ = {rho:.2f}, p = {p_value:.2f}): one interval width fits every prediction."
        ]
    grows = "grows" if rho > 0 else "shrinks"
    advice = (
        " A log target (train.log_target: true) often evens this out."
        if rho > 0 and not log_target and np.min(truth) >= 0
        else ""
    )
    return [
        f"The errors are heteroscedastic: their size {grows} with the prediction (Spearman "
        f"ρ = {rho:.2f}, p = {p_value:.3f}), so a fixed-width interval is too wide at one end "
        f"and too narrow at the other.{advice}"
    ]


def versus_baseline(name: str, description: str, comparison: PairedComparison) -> str:
    """The paired comparison with one baseline, in one sentence."""
    low, high = comparison.interval
    if comparison.clear and comparison.difference > 0:
        verdict = "clearly ahead of"
    elif comparison.clear:
        verdict = "clearly behind"
    else:
        verdict = "not clearly ahead of"
    return (
        f"The model is {verdict} the {name} baseline ({description}): R² "
        f"{comparison.difference:+.4f} [{low:+.4f}, {high:+.4f}] on the same held-out rows "
        f"(paired bootstrap; the model scores higher in {comparison.share_better:.1%} of "
        "resamples)."
    )


def interval_coverage(
    truth: np.ndarray, low: np.ndarray, high: np.ndarray, level: float
) -> list[str]:
    """How many held-out rows the prediction intervals actually cover."""
    inside = (np.asarray(truth) >= low) & (np.asarray(truth) <= high)
    widths = np.asarray(high) - np.asarray(low)
    return [
        f"The {level:.0%} prediction intervals cover {inside.mean():.1%} of the {len(truth)} "
        f"held-out rows (median width {np.median(widths):.4g}); they were set from "
        "cross-validation residuals on the training rows only."
    ]


def sentences_for(comparisons: Sequence[tuple[str, str, PairedComparison]]) -> list[str]:
    """One sentence per baseline comparison."""
    return [versus_baseline(*item) for item in comparisons]
