"""Precision, recall and misses of a binary classifier at several decision thresholds.

The model decides at one threshold (0.5: the more probable class wins); the table shows what
moving it would trade, for whoever deploys the model: fewer misses for more false alarms.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..reporting.markdown import literal

THRESHOLDS_JSON = Path("reports/thresholds.json")
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
OPERATING_POINT = 0.5  # argmax over two classes: the positive class wins above one half
DECIMALS = 4  # the JSON holds the numbers the model card shows, rounded once here


def threshold_table(
    labels: Sequence[Any], probabilities: np.ndarray, classes: Sequence[Any], positive: Any | None
) -> dict[str, Any]:
    """reports/thresholds.json's content: a row per threshold; no rows without a positive class."""
    if positive is None:
        return {"positive": None, "operating_point": None, "positives": None, "rows": []}
    classes = list(classes)
    index = classes.index(positive)
    scores = probabilities[:, index]
    truth = np.asarray(labels) == positive
    rows = []
    for threshold in THRESHOLDS:
        # As argmax decides: a tie goes to the class listed first.
        flagged = scores >= threshold if index == 0 else scores > threshold
        hits = int(np.sum(flagged & truth))
        false_alarms = int(np.sum(flagged & ~truth))
        rows.append(
            {
                "threshold": threshold,
                "precision": _share(hits, hits + false_alarms),
                "recall": _share(hits, int(truth.sum())),
                "misses": int(np.sum(~flagged & truth)),
                "false_alarms": false_alarms,
            }
        )
    return {
        "positive": str(positive),
        "operating_point": OPERATING_POINT,
        "positives": int(truth.sum()),
        "rows": rows,
    }


def _share(part: int, whole: int) -> float | None:
    """part / whole, rounded; None when nothing was counted (no precision without a flag)."""
    return round(part / whole, DECIMALS) if whole else None


def threshold_finding(table: dict[str, Any] | None, path: Path = THRESHOLDS_JSON) -> list[str]:
    """One line for the README pointing at the table in the model card."""
    if not table or not table["rows"]:
        return []
    return [
        f"What moving the decision threshold would trade (precision, recall and missed "
        f"{literal(table['positive'])} rows at thresholds from {THRESHOLDS[0]} to "
        f"{THRESHOLDS[-1]}; this model decides at {table['operating_point']}) is in the "
        f"[model card](MODEL_CARD.md) and `{path.as_posix()}`."
    ]


def threshold_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's table of thresholds, the operating point in bold; none without rows."""
    from ..reporting.report_blocks import markdown_table

    if not table or not table["rows"]:
        return []
    positive = literal(table["positive"])
    rows = [
        [
            f"**{row['threshold']}** (used)"
            if row["threshold"] == table["operating_point"]
            else str(row["threshold"]),
            "–" if row["precision"] is None else f"{row['precision']:.{DECIMALS}f}",
            f"{row['recall']:.{DECIMALS}f}",
            row["misses"],
            row["false_alarms"],
        ]
        for row in table["rows"]
    ]
    header = ["threshold", "precision", "recall", f"missed {positive}", "false alarms"]
    return [
        "### Decision thresholds",
        f"The model calls a row {positive} when that class's probability is above the threshold; "
        f"the test set holds {table['positives']} {positive} rows. Lower thresholds miss fewer "
        f"of them and raise more false alarms (`{THRESHOLDS_JSON.as_posix()}`).",
        markdown_table(header, rows),
    ]
