{# generated from templates/_slices/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/slices.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""A metric on each slice of the held-out rows: per value of the columns `evaluate.slices` names.

One score can hide a group the model serves badly. Each slice gets its row count and a 95%
interval; a numeric column with many values is cut into quantile bins, missing values are a slice
of their own, and a slice of fewer than MIN_ROWS rows is reported as too few to rate rather than
given a score that means nothing. The project names its own metric (`SliceMetric`) and passes how
a slice's rows are rated (`Rate`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import ConfigError
from .markdown import literal

SLICES_JSON = Path("reports/slices.json")
MIN_ROWS = 10  # fewer rows than this: a score so uncertain that it rates nothing
MAX_VALUES = 10  # a numeric column with more distinct values is binned into quantiles
BINS = 4  # quartiles
MISSING = "missing"
DECIMALS = 4

# The rows of one slice (a mask over the held-out rows) -> (score, (low, high), interval's name)
Rate = Callable[[np.ndarray], tuple[float, tuple[float, float], str]]
# Per-row values of one slice -> ((low, high), the interval's name)
Interval = Callable[[np.ndarray], tuple[tuple[float, float], str]]


@dataclass(frozen=True)
class SliceMetric:
    """What each slice is scored by: its key in reports/slices.json and its names on the page."""

    key: str  # e.g. "accuracy", "mae"
    title: str  # the model card's heading and the README's line start with it: "Accuracy"
    column: str  # the model card table's column header: "accuracy"


ACCURACY = SliceMetric(key="accuracy", title="Accuracy", column="accuracy")  # the classifiers'


def rate_mean(values: np.ndarray, interval: Interval) -> Rate:
    """Rate a slice by the mean of per-row values: 1 or 0 for right or wrong, absolute errors."""
    values = np.asarray(values, dtype=float)

    def rate(rows: np.ndarray) -> tuple[float, tuple[float, float], str]:
        (low, high), method = interval(values[rows])
        return float(values[rows].mean()), (low, high), method

    return rate


def check_columns(
    columns: Sequence[str], known: Sequence[str], where: str = "the held-out rows"
) -> None:
    """Stop with one line when `evaluate.slices` names a column the held-out rows lack."""
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise ConfigError(
            f"evaluate.slices names {', '.join(map(repr, unknown))}, which {where} do "
            f"not have; known columns: {', '.join(known) or '(none)'}"
        )


def slice_table(
    features: pd.DataFrame, columns: Sequence[str], metric: SliceMetric, rate: Rate
) -> dict[str, Any]:
    """reports/slices.json's content: for each column, the metric per value (or quantile bin)."""
    check_columns(columns, list(features.columns))
    return {
        "metric": metric.key,
        "min_rows": MIN_ROWS,
        "columns": [_column(features[name], metric.key, rate) for name in columns],
    }


def _column(values: pd.Series, key: str, rate: Rate) -> dict[str, Any]:
    groups, binned = _groups(values)
    return {
        "column": str(values.name),
        "binned": binned,
        "slices": [_slice(label, mask, key, rate) for label, mask in groups],
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


def _slice(label: str, mask: np.ndarray, key: str, rate: Rate) -> dict[str, Any]:
    rows = int(mask.sum())
    if rows < MIN_ROWS:
        return {"value": label, "rows": rows, key: None, "interval": None}
    score, (low, high), method = rate(mask)
    return {
        "value": label,
        "rows": rows,
        key: round(float(score), DECIMALS),
        "interval": [round(float(low), DECIMALS), round(float(high), DECIMALS)],
        "interval_method": method,
    }


def slice_finding(
    table: dict[str, Any] | None, metric: SliceMetric, path: Path = SLICES_JSON
) -> list[str]:
    """One line for the README pointing at the slices in the model card; none without slices."""
    if not table or not table["columns"]:
        return []
    names = ", ".join(literal(column["column"]) for column in table["columns"])
    where = f"[model card](MODEL_CARD.md), `{path.as_posix()}`"
    return [f"{metric.title} per value of {names}: {where}."]


def slice_section(table: dict[str, Any] | None, metric: SliceMetric) -> list[str]:
    """The model card's tables of the metric per slice; none without slices."""
    from .report_blocks import markdown_table

    if not table or not table["columns"]:
        return []
    sections = [
        f"### {metric.title} by slice",
        f"The held-out rows split by the values of the columns `evaluate.slices` names (a numeric "
        f"column with more than {MAX_VALUES} values in {BINS} quantile bins); a slice under "
        f"{table['min_rows']} rows is too few to rate (`{SLICES_JSON.as_posix()}`).",
    ]
    for column in table["columns"]:
        rows = [
            [literal(item["value"]), item["rows"], *_shown(item, metric.key)]
            for item in column["slices"]
        ]
        name = literal(column["column"]).replace("|", "\\|")
        sections.append(markdown_table([name, "rows", metric.column, "95% interval"], rows))
    return sections


def _shown(item: dict[str, Any], key: str) -> list[str]:
    if item[key] is None:
        return ["too few to rate", "–"]
    low, high = item["interval"]
    return [f"{item[key]:.{DECIMALS}f}", f"[{low:.{DECIMALS}f}, {high:.{DECIMALS}f}]"]
