"""Do the numbers a README shows agree with the metrics files the pipeline wrote?"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

RESULTS_BLOCK = re.compile(r"<!-- results:start -->(.*?)<!-- results:end -->", re.S)
DECIMAL = re.compile(r"[-+]?\d+\.\d+%?")
DEFAULT_METRICS = ("reports/metrics.json",)
# Where the evaluate stage keeps data.about's published figure, which the headline shows beside
# the model's own score.
EVALUATION_JSON = "reports/evaluation.json"


@dataclass(frozen=True)
class Mismatch:
    """A number the README shows for a metric, and the value the metrics file holds."""

    metric: str
    shown: str
    actual: float
    source: str

    def __str__(self) -> str:
        return f"README shows {self.metric} {self.shown}, {self.source} has {self.actual:.6g}"


def metrics_files(root: Path) -> list[str]:
    """The metrics files dvc.yaml declares, else the conventional reports/metrics.json."""
    declared: list[str] = []
    dvc_yaml = root / "dvc.yaml"
    if dvc_yaml.is_file():
        try:
            stages = (yaml.safe_load(dvc_yaml.read_text(encoding="utf-8")) or {}).get("stages", {})
        except yaml.YAMLError:
            stages = {}
        for stage in stages.values():
            for entry in (stage or {}).get("metrics", []) if isinstance(stage, dict) else []:
                declared.extend([entry] if isinstance(entry, str) else list(entry))
    candidates = declared or list(DEFAULT_METRICS)
    return [path for path in candidates if (root / path).is_file()]


def _flatten(values: object, prefix: str = "") -> dict[str, float]:
    """Numeric leaves two levels deep: {"accuracy": 0.9, "tfidf.f1": 0.8}."""
    flat: dict[str, float] = {}
    if not isinstance(values, dict):
        return flat
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            flat[name] = float(value)
        elif isinstance(value, dict) and not prefix:
            flat.update(_flatten(value, f"{name}."))
    return flat


def load_metrics(root: Path, files: list[str]) -> dict[str, tuple[float, str]]:
    """Every numeric metric, with the file it comes from."""
    found: dict[str, tuple[float, str]] = {}
    for relative in files:
        try:
            text = (root / relative).read_text(encoding="utf-8")
            data = json.loads(text) if relative.endswith(".json") else yaml.safe_load(text)
        except (OSError, ValueError, yaml.YAMLError):
            continue
        for name, value in _flatten(data).items():
            found.setdefault(name, (value, relative))
    return found


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[*`_]", " ", text).lower().split())


def _agrees(shown: str, actual: float) -> bool:
    number = float(shown.rstrip("%"))
    if shown.endswith("%"):
        number /= 100
    decimals = len(shown.rstrip("%").split(".")[1])
    scale = 100 if shown.endswith("%") else 1
    return abs(number - actual) <= 0.5 * 10 ** (-decimals) / scale + 1e-12


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _shown_in_tables(text: str, metrics: dict[str, tuple[float, str]]) -> list[tuple[str, str]]:
    """(metric, number) pairs from markdown tables: name|value rows, or model rows by column."""
    pairs: list[tuple[str, str]] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = [_normal(cell) for cell in cells]
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue
        label = _normal(cells[0])
        for name in metrics:
            parent, _, leaf = name.rpartition(".")
            for column, cell in enumerate(cells[1:], start=1):
                number = DECIMAL.search(cell)
                if number is None:
                    continue
                by_row = not parent and label == _normal(name) and column == 1
                by_column = (
                    parent
                    and column < len(header)
                    and header[column] == _normal(leaf)
                    and _normal(parent) in label
                )
                if by_row or by_column:
                    pairs.append((name, number.group()))
    return pairs


def _shown_inline(text: str, metrics: dict[str, tuple[float, str]]) -> list[tuple[str, str]]:
    """(metric, number) pairs from prose such as "**0.9950 accuracy**" or "mean return 500.00"."""
    pairs: list[tuple[str, str]] = []
    prose = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    prose = prose.replace("*", "")
    for name in metrics:
        if "." in name:
            continue
        words = r"[ _]".join(map(re.escape, name.split("_")))
        number = r"([-+]?\d+\.\d+%?)"
        for pattern in (rf"{number}\s+{words}\b", rf"\b{words}:?\s+{number}"):
            pairs.extend((name, found) for found in re.findall(pattern, prose, flags=re.I))
    return pairs


def published_reference(root: Path) -> tuple[str, float] | None:
    """The metric and value of the published figure params.yaml's data.about.reference names
    (the report stage quotes it beside the result), if any."""
    try:
        params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    data = params.get("data") if isinstance(params, dict) else None
    about = data.get("about") if isinstance(data, dict) else None
    reference = about.get("reference") if isinstance(about, dict) else None
    if not isinstance(reference, dict):
        return None
    metric, value = reference.get("metric"), reference.get("value")
    if not isinstance(metric, str) or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _normal(metric), float(value)


def compare(root: Path, readme: str) -> tuple[list[str], int, list[Mismatch]]:
    """The metrics files, how many README numbers were compared, and those that disagree.

    A number that is the published figure for its metric, as params.yaml's data.about.reference
    names it, is the data set's reference, not a claim about this model.
    """
    files = metrics_files(root)
    metrics = load_metrics(root, files)
    reference = published_reference(root)
    block = RESULTS_BLOCK.search(readme)
    text = block.group(1) if block else readme
    pairs = _shown_in_tables(text, metrics) + _shown_inline(text, metrics)
    mismatches = [
        Mismatch(name, shown, metrics[name][0], metrics[name][1])
        for name, shown in pairs
        if not _agrees(shown, metrics[name][0])
        and not (reference and reference[0] == _normal(name) and _agrees(shown, reference[1]))
    ]
    return files, len(pairs), mismatches
