"""Mean absolute error on each slice of the held-out rows, by the shared rules of
`reporting/slices.py`: the error in the target's units, comparable from one slice to the next
(R² within a slice would measure against that slice's own spread)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..reporting import slices
from ..reporting.slices import MIN_ROWS, SLICES_JSON, SliceMetric, check_columns
from .intervals import RESAMPLES, bootstrap_interval, mae_rows

__all__ = ["MIN_ROWS", "SLICES_JSON", "check_columns", "slice_finding", "slice_section"]

MAE = SliceMetric(key="mae", title="Mean absolute error", column="MAE")
BOOTSTRAP = "95% bootstrap percentile interval"


def slice_table(
    features: pd.DataFrame,
    truth: np.ndarray,
    predicted: np.ndarray,
    columns: Sequence[str],
    *,
    seed: int,
    resamples: int = RESAMPLES,
) -> dict[str, Any]:
    """reports/slices.json's content: for each column, the MAE per value (or quantile bin)."""
    errors = np.abs(np.asarray(truth, float) - np.asarray(predicted, float))

    def interval(values: np.ndarray) -> tuple[tuple[float, float], str]:
        found = bootstrap_interval(
            values, np.zeros_like(values), seed=seed, score=mae_rows, resamples=resamples
        )
        return found, BOOTSTRAP

    return slices.slice_table(features, columns, MAE, slices.rate_mean(errors, interval))


def slice_finding(table: dict[str, Any] | None, path: Path = SLICES_JSON) -> list[str]:
    """One line for the README pointing at the slices in the model card; none without slices."""
    return slices.slice_finding(table, MAE, path)


def slice_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's tables of the MAE per slice; none without slices."""
    return slices.slice_section(table, MAE)
