"""Accuracy on each slice of the held-out rows: per value of the columns `evaluate.slices` names.

One score can hide a group the model serves badly. Each slice gets its row count and a 95%
interval; a numeric column with many values is cut into quantile bins, and a slice of fewer than
MIN_ROWS rows is reported as too few to rate rather than given a score that means nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ConfigError
from ..reporting.markdown import literal
from .intervals import accuracy_interval

SLICES_JSON = Path("reports/slices.json")
MIN_ROWS = 10  # fewer rows than this: an accuracy so uncertain that it rates nothing
MAX_VALUES = 10  # a numeric column with more distinct values is binned into quantiles
BINS = 4  # quartiles
MISSING = "missing"
DECIMALS = 4


def check_columns(columns: Sequence[str], known: Sequence[str]) -> None:
    """Stop with one line when `evaluate.slices` names a column the held-out rows lack."""
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise ConfigError(
            f"evaluate.slices names {', '.join(map(repr, unknown))}, which the held-out rows do "
            f"not have; known columns: {', '.join(known)}"
        )


def slice_table(
    features: pd.DataFrame, correct: np.ndarray, columns: Sequence[str], *, seed: int
) -> dict[str, Any]:
    """reports/slices.json's content: for each column, accuracy per value (or quantile bin)."""
    check_columns(columns, list(features.columns))
    correct = np.asarray(correct, dtype=float)
    return {
        "metric": "accuracy",
        "min_rows": MIN_ROWS,
        "columns": [_column(features[name], correct, seed) for name in columns],
    }


def _column(values: pd.Series, correct: np.ndarray, seed: int) -> dict[str, Any]:
    groups, binned = _groups(values)
    return {
        "column": str(values.name),
        "binned": binned,
        "slices": [_slice(label, correct[mask], seed) for label, mask in groups],
    }


def _groups(values: pd.Series) -> tuple[list[tuple[str, np.ndarray]], bool]:
    """(label, row mask) per value, or per quantile bin of a many-valued numeric column."""
    present = values.notna().to_numpy()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    groups: list[tuple[str, np.ndarray]] = []
    binned = numeric and values.nunique() > MAX_VALUES
    if binned:
        bins, edges = pd.qcut(values, q=BINS, retbins=True, labels=False, duplicates="drop")
        for index in range(len(edges) - 1):
            label = f"{edges[index]:.4g} to {edges[index + 1]:.4g}"
            groups.append((label, (bins == index).to_numpy()))
    else:
        for value in sorted(values[present].unique(), key=str):
            groups.append((str(value), (values == value).to_numpy() & present))
    if not present.all():
        groups.append((MISSING, ~present))
    return groups, bool(binned)


def _slice(label: str, correct: np.ndarray, seed: int) -> dict[str, Any]:
    rows = int(correct.size)
    if rows < MIN_ROWS:
        return {"value": label, "rows": rows, "accuracy": None, "interval": None}
    (low, high), method = accuracy_interval(correct, seed=seed)
    return {
        "value": label,
        "rows": rows,
        "accuracy": round(float(correct.mean()), DECIMALS),
        "interval": [round(low, DECIMALS), round(high, DECIMALS)],
        "interval_method": method,
    }


def slice_finding(table: dict[str, Any] | None, path: Path = SLICES_JSON) -> list[str]:
    """One line for the README pointing at the slices in the model card; none without slices."""
    if not table or not table["columns"]:
        return []
    names = ", ".join(literal(column["column"]) for column in table["columns"])
    return [f"Accuracy per value of {names}: [model card](MODEL_CARD.md), `{path.as_posix()}`."]


def slice_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's tables of accuracy per slice; none without slices."""
    from ..reporting.report_blocks import markdown_table

    if not table or not table["columns"]:
        return []
    sections = [
        "### Accuracy by slice",
        f"The held-out rows split by the values of the columns `evaluate.slices` names (a numeric "
        f"column with more than {MAX_VALUES} values in {BINS} quantile bins); a slice under "
        f"{table['min_rows']} rows is too few to rate (`{SLICES_JSON.as_posix()}`).",
    ]
    for column in table["columns"]:
        rows = [[literal(item["value"]), item["rows"], *_shown(item)] for item in column["slices"]]
        sections.append(
            markdown_table(
                [literal(column["column"]).replace("|", "\\|"), "rows", "accuracy", "95% interval"],
                rows,
            )
        )
    return sections


def _shown(item: dict[str, Any]) -> list[str]:
    if item["accuracy"] is None:
        return ["too few to rate", "–"]
    low, high = item["interval"]
    return [f"{item['accuracy']:.{DECIMALS}f}", f"[{low:.{DECIMALS}f}, {high:.{DECIMALS}f}]"]
