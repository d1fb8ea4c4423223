"""Behavioural probes: short texts with the answer a sound model gives, sent as the API sends them.

Accuracy on the test split says how often the model is right; probes say where it goes wrong, one
kind of text at a time (negation, intensifiers, neutral facts, typos), in the spirit of CheckList's
minimum-functionality tests (Ribeiro et al., 2020). The probes live in a CSV file a learner edits
(evaluate.probes in params.yaml). A probe passes when:

- its expected answer is a label, and the model answers that label;
- its expected answer is `unsure`, and the model's top probability is below evaluate.unsure_below.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api.limits import ServeSettings
from .core.errors import DataError
from .predict import load_predictor

UNSURE = "unsure"
HEADER = ["type", "text", "expected"]
PROBES_JSON = "probes.json"

Predict = Callable[[Sequence[str]], list[dict[str, Any]]]  # as the API's predictor.predict


@dataclass(frozen=True)
class Probe:
    """One line of the probe file."""

    kind: str
    text: str
    expected: str
    line: int  # in the file, for error messages


def read_probes(path: str | Path) -> list[Probe]:
    """The probes of a CSV file; DataError names the file and the line of the first bad one."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: probe file not found (set evaluate.probes in params.yaml)")
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    # A comment becomes an empty line, not nothing, so csv's line numbers are the file's.
    lines = ("\n" if line.lstrip().startswith("#") else line for line in lines)
    # strict: an open quote is an error, not a field; a space may come before a quoted text.
    reader = csv.reader(lines, strict=True, skipinitialspace=True)
    probes: list[Probe] = []
    header_seen = False
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            where = f"{path}: line {reader.line_num}"
            if not header_seen:
                if cells != HEADER:
                    raise DataError(f"{where}: the header must be {','.join(HEADER)}")
                header_seen = True
                continue
            if len(cells) != len(HEADER):
                raise DataError(
                    f"{where}: {len(cells)} fields, expected 3 ({','.join(HEADER)}); "
                    'put a text holding a comma in "double quotes"'
                )
            for name, cell in zip(HEADER, cells, strict=True):
                if not cell:
                    raise DataError(f"{where}: the {name} is empty")
            probes.append(Probe(cells[0], cells[1], cells[2], reader.line_num))
    except csv.Error as error:
        raise DataError(f"{path}: line {reader.line_num}: {error}") from None
    if not probes:
        raise DataError(f"{path}: holds no probe (one line per probe: {','.join(HEADER)})")
    return probes


def check_expected(probes: Sequence[Probe], classes: Sequence[str], path: str | Path) -> bool:
    """Whether the probes can run against a model of `classes`.

    False when no probe names any of the classes: the file was written for other labels (your own
    data with its own names), so the probes are left out and the report says why. A probe naming
    an unknown label among others that match is a typo: DataError names its line.
    """
    named = {probe.expected for probe in probes if probe.expected != UNSURE}
    if named and not named & set(classes):
        return False
    for probe in probes:
        if probe.expected != UNSURE and probe.expected not in classes:
            known = ", ".join(classes)
            raise DataError(
                f"{path}: line {probe.line}: expected {probe.expected!r} is neither a class of "
                f"the model ({known}) nor {UNSURE!r}"
            )
    return True


def passes(probe: Probe, answer: dict[str, Any], unsure_below: float) -> bool:
    """Whether the model's answer is the one the probe expects."""
    if probe.expected == UNSURE:
        return answer["probability"] < unsure_below
    return answer["label"] == probe.expected


def run_probes(probes: Sequence[Probe], predict: Predict, unsure_below: float) -> dict[str, Any]:
    """Pass counts and rate per type, in the file's order, with every failure and its answer."""
    answers = predict([probe.text for probe in probes])
    types: dict[str, dict[str, Any]] = {}
    for probe, answer in zip(probes, answers, strict=True):
        result = types.setdefault(probe.kind, {"passed": 0, "total": 0, "failures": []})
        result["total"] += 1
        if passes(probe, answer, unsure_below):
            result["passed"] += 1
        else:
            result["failures"].append(
                {
                    "text": probe.text,
                    "expected": probe.expected,
                    "got": answer["label"],
                    "probability": round(float(answer["probability"]), 4),
                }
            )
    return {
        kind: {
            "passed": result["passed"],
            "total": result["total"],
            "rate": round(result["passed"] / result["total"], 3),
            "failures": result["failures"],
        }
        for kind, result in types.items()
    }


def probe_served_model(path: str | Path, model_dir: str | Path, unsure_below: float) -> dict:
    """reports/probes.json: the probes of `path` sent to the model the API serves, as it serves it.

    The model is loaded by the API's own loader with the API's runtime (serve.runtime, or
    $SERVE_RUNTIME): the ONNX export when the API runs it, so the answers are the API's.
    """
    probes = read_probes(path)
    runtime = ServeSettings.load().runtime
    predictor = load_predictor(model_dir, runtime=runtime)
    classes = predictor.model.classes
    report: dict[str, Any] = {
        "file": str(path),
        "model": predictor.name,
        "runtime": runtime,
        "unsure_below": unsure_below,
    }
    if not check_expected(probes, classes, path):
        reason = f"no probe expects a class of this model ({', '.join(classes)})"
        return report | {"skipped": reason, "types": {}}
    return report | {"skipped": None, "types": run_probes(probes, predictor.predict, unsure_below)}


def summary_line(report: dict) -> str:
    """E.g. "negation 6/10, typo 9/10", or why the probes were left out."""
    if report["skipped"]:
        return f"left out: {report['skipped']}"
    return ", ".join(
        f"{kind} {result['passed']}/{result['total']}" for kind, result in report["types"].items()
    )
