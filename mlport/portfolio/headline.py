"""A project's headline result, read from reports/evaluation.json and said in one line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# Pieces of the line, joined by one space: (text, emphasised). Each renderer escapes them its way.
Segment = tuple[str, bool]


@dataclass(frozen=True)
class Baseline:
    """A simple rival's score on the headline metric, on the same held-out data."""

    name: str
    value: float


@dataclass(frozen=True)
class Headline:
    """The one number a project leads with, its uncertainty, and what it is compared with."""

    metric: str
    label: str
    value: float
    n: int
    unit: str
    interval: tuple[float, float] | None
    std: float | None
    target: float | None
    target_source: str
    baselines: tuple[Baseline, ...]

    def numbers(self) -> list[float]:
        """Every number the line shows, in order (for checks against the reports)."""
        shown = [self.value]
        if self.interval:
            shown += list(self.interval)
        if self.std is not None:
            shown.append(self.std)
        shown += [baseline.value for baseline in self.baselines]
        if self.target is not None:
            shown.append(self.target)
        return shown


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} is not a number")
    return float(value)


def parse_headline(evaluation: Any) -> Headline:
    """The headline of a parsed reports/evaluation.json; ValueError naming what is malformed."""
    if not isinstance(evaluation, dict) or not isinstance(evaluation.get("headline"), dict):
        raise ValueError("it has no headline")
    head = evaluation["headline"]
    metric, label = head.get("metric"), head.get("label") or head.get("metric")
    if not isinstance(metric, str) or not isinstance(label, str):
        raise ValueError("headline.metric is not a name")
    interval = head.get("interval")
    if interval is not None:
        if not isinstance(interval, list) or len(interval) != 2:
            raise ValueError("headline.interval is not a pair")
        interval = (_number(interval[0], "interval"), _number(interval[1], "interval"))
    std = None if head.get("std") is None else _number(head["std"], "headline.std")
    target = head.get("target") if isinstance(head.get("target"), dict) else {}
    baselines = []
    for item in evaluation.get("baselines") or []:
        score = item.get("metrics", {}).get(metric) if isinstance(item, dict) else None
        if isinstance(score, int | float) and not isinstance(score, bool):
            baselines.append(Baseline(str(item.get("name", "baseline")), float(score)))
    n = head.get("n")
    return Headline(
        metric=metric,
        label=label,
        value=_number(head.get("value"), "headline.value"),
        n=n if isinstance(n, int) and not isinstance(n, bool) else 0,
        unit=str(head.get("unit") or ""),
        interval=interval,
        std=std,
        target=None if target.get("value") is None else _number(target["value"], "target"),
        target_source=str(target.get("source") or ""),
        baselines=tuple(baselines),
    )


def places(value: float) -> int:
    """Decimals shown, as the projects' own pages show them: three for scores, two for returns."""
    return 3 if abs(value) <= 1 else 2


def segments(head: Headline) -> list[Segment]:
    """E.g. **0.965 accuracy**, then [0.930, 0.991] (95% interval) on 114 held-out rows; ..."""
    digits = places(head.value)

    def shown(value: float) -> str:
        return f"{value:.{digits}f}"

    parts: list[Segment] = [(f"{shown(head.value)} {head.label}", True)]
    rest = ""
    if head.interval:
        rest += f" [{shown(head.interval[0])}, {shown(head.interval[1])}] (95% interval)"
    if head.std is not None:
        rest += f" ± {shown(head.std)}"
    if head.n:
        rest += f" on {head.n} {head.unit}".rstrip()
    for baseline in head.baselines:
        rest += f"; {baseline.name} {shown(baseline.value)}"
    if head.target is not None:
        rest += f"; solved at {head.target:g}"
    if rest.strip():
        parts.append((rest.strip(), False))
    return parts


def plain(head: Headline) -> str:
    """The headline line as plain text."""
    return " ".join(text for text, _ in segments(head))
