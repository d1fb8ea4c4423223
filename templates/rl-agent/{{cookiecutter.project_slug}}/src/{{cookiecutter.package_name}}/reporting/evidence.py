{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/evidence.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""reports/evaluation.json: the headline and its uncertainty, baselines, findings, figures.

The report stage writes the README's first screen from this file; the data stage's checks reach it
through reports/data_checks.json.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..core.stage import write_atomically

EVALUATION_JSON = Path("reports/evaluation.json")
DATA_CHECKS_JSON = Path("reports/data_checks.json")


@dataclass(frozen=True)
class Headline:
    """The one number the README leads with, and how sure it is."""

    metric: str  # its key in reports/metrics.json
    label: str  # how a sentence says it
    value: float
    n: int
    unit: str  # what n counts: "held-out rows", "evaluation episodes", ...
    interval: tuple[float, float] | None = None  # 95%: bootstrap percentile, unless named below
    std: float | None = None  # spread of the episode returns (reinforcement learning)
    target: dict[str, Any] | None = None  # what counts as solved, and who says so
    interval_method: str | None = None  # how the interval was found, as the page says it


@dataclass(frozen=True)
class Baseline:
    """A simple rival scored on the same held-out data, with the same metric keys."""

    name: str
    description: str
    metrics: dict[str, float]


@dataclass(frozen=True)
class Comparison:
    """The model against its strongest baseline on the same examples: difference and interval."""

    baseline: str
    metric: str  # a proportion, such as accuracy: the difference is in points
    difference: float
    interval: tuple[float, float]  # 95% paired bootstrap interval of the difference
    n: int
    unit: str

    @property
    def verdict(self) -> str:
        """Ahead or behind only when the whole interval says so."""
        low, high = self.interval
        if low > 0:
            return "ahead"
        if high < 0:
            return "behind"
        return "not distinguishable"

    def points(self) -> str:
        """The difference and its interval in points, e.g. "+2.7 points [-3.1, +8.4]"."""
        low, high = (100 * bound for bound in self.interval)
        return f"{100 * self.difference:+.1f} points [{low:+.1f}, {high:+.1f}]"

    def sentence(self) -> str:
        """E.g. "+2.7 points of accuracy over the one-column rule [-3.1, +8.4]: not ..."."""
        low, high = (100 * bound for bound in self.interval)
        return (
            f"{100 * self.difference:+.1f} points of {self.metric} over the {self.baseline} "
            f"baseline [{low:+.1f}, {high:+.1f}] (paired bootstrap, 95%): "
            f"{self.verdict} on {self.n} {self.unit}."
        )


@dataclass(frozen=True)
class FigureEntry:
    """A figure of the run and the caption saying what it shows."""

    path: str
    caption: str


def warn(message: str) -> str:
    """Print a data or evaluation warning the way every stage does, and return it."""
    print(f"warning: {message}")
    return message


def write_data_checks(warnings: Sequence[str], path: Path = DATA_CHECKS_JSON) -> None:
    """Keep the data stage's warnings for the evaluation (and so for the README)."""
    write_atomically(path, json.dumps({"warnings": list(warnings)}, indent=2) + "\n")


def read_data_checks(path: Path = DATA_CHECKS_JSON) -> list[str]:
    """The data stage's warnings; none when the file is missing (data from an older run)."""
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("warnings", []))


def perfect_score_warning(headline: Headline, warnings: Sequence[str]) -> list[str]:
    """A warning for a perfect held-out score that no data check explains; else none.

    Only scores bounded by 1 (the classifiers', which carry an interval) can be perfect.
    """
    if headline.interval is None or warnings or not math.isclose(headline.value, 1.0):
        return []
    return [
        f"{headline.label.capitalize()} is a perfect 1.0000 on {headline.n} {headline.unit} and "
        "no data check fired: the test set may be too small or too easy, or a feature may leak "
        "the answer in a way the checks cannot see."
    ]


def write_evaluation(
    headline: Headline,
    baselines: Sequence[Baseline],
    findings: Sequence[str],
    warnings: Sequence[str],
    figures: Sequence[FigureEntry],
    path: Path = EVALUATION_JSON,
    comparison: Comparison | None = None,
    own: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write reports/evaluation.json; a perfect score without a warning gets one. `own`: the
    template's own keys (an agent's scores per training seed)."""
    extra = [warn(message) for message in perfect_score_warning(headline, warnings)]
    warnings = [*warnings, *extra]
    content = {
        "headline": asdict(headline) | {"interval": _pair(headline.interval)},
        "baselines": [asdict(baseline) for baseline in baselines],
        "findings": list(findings),
        "warnings": warnings,
        "figures": [asdict(figure) | {"path": project_path(figure.path)} for figure in figures],
    }
    if comparison is not None:
        content["comparison"] = asdict(comparison) | {
            "interval": _pair(comparison.interval),
            "verdict": comparison.verdict,
            "sentence": comparison.sentence(),
        }
    content |= own or {}
    write_atomically(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    print(f"evaluation: {summary(headline, baselines)} -> {path}")
    return content


def summary(headline: Headline, baselines: Sequence[Baseline]) -> str:
    """The headline in one line, e.g. `accuracy 0.9649 [0.9298, 0.9912] on 114 held-out rows`."""
    spread = ""
    if headline.interval is not None:
        spread = f" [{headline.interval[0]:.4f}, {headline.interval[1]:.4f}]"
    elif headline.std is not None:
        spread = f" ± {headline.std:.4f}"
    line = f"{headline.label} {headline.value:.4f}{spread} on {headline.n} {headline.unit}"
    for baseline in baselines:
        value = baseline.metrics.get(headline.metric)
        if value is not None:
            line += f"; {baseline.name} {value:.4f}"
    return line


def project_path(path: str | Path) -> str:
    """`path` relative to the project root (the working directory), as the README links it."""
    path = Path(path)
    root = Path.cwd().resolve()
    if path.is_absolute() and path.resolve().is_relative_to(root):  # else outside: kept whole
        path = path.resolve().relative_to(root)
    return path.as_posix()


def _pair(interval: tuple[float, float] | None) -> list[float] | None:
    return None if interval is None else [float(interval[0]), float(interval[1])]
