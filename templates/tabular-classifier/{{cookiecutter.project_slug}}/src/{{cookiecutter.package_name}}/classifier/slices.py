"""Accuracy on each slice of the held-out rows, by the shared rules of `reporting/slices.py`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..reporting import slices
from ..reporting.slices import ACCURACY, MIN_ROWS, SLICES_JSON, check_columns
from .intervals import accuracy_interval

__all__ = ["MIN_ROWS", "SLICES_JSON", "check_columns", "slice_finding", "slice_section"]


def slice_table(
    features: pd.DataFrame, correct: np.ndarray, columns: Sequence[str], *, seed: int
) -> dict[str, Any]:
    """reports/slices.json's content: for each column, accuracy per value (or quantile bin)."""
    rate = slices.rate_mean(correct, partial(accuracy_interval, seed=seed))
    return slices.slice_table(features, columns, ACCURACY, rate)


def slice_finding(table: dict[str, Any] | None, path: Path = SLICES_JSON) -> list[str]:
    """One line for the README pointing at the slices in the model card; none without slices."""
    return slices.slice_finding(table, ACCURACY, path)


def slice_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's tables of accuracy per slice; none without slices."""
    return slices.slice_section(table, ACCURACY)
