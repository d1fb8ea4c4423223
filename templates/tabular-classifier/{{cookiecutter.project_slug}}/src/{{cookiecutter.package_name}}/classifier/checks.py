{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/checks.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Sanity checks the data stage runs before training: classes with too few examples, test
examples that also sit in the training data. Each finding is a `warning:` line and goes into
reports/data_checks.json, from there into reports/evaluation.json and the README."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path

from ..reporting.evidence import DATA_CHECKS_JSON, warn, write_data_checks
from ..reporting.markdown import literal

MIN_CLASS_EXAMPLES = 5  # fewer and a class's scores rest on one or two test examples


def tiny_classes(counts: Mapping[str, int], noun: str) -> list[str]:
    """A warning for each class with fewer than MIN_CLASS_EXAMPLES examples."""
    return [
        f"Class {literal(label)} has only {count} "
        f"{noun if count != 1 else noun.removesuffix('s')}: "
        "its scores rest on too few examples; "
        "collect more or merge it with a related class."
        for label, count in sorted(counts.items())
        if count < MIN_CLASS_EXAMPLES
    ]


def shared_examples(
    train: Iterable[Hashable], test: Sequence[Hashable], noun: str, what: str
) -> list[str]:
    """A warning when test examples also appear in the training data (compared by `what`)."""
    seen = set(train)
    repeated = sum(key in seen for key in test)
    if not repeated:
        return []
    return [
        f"{repeated} of {len(test)} test {noun} also appear in the training data ({what}): "
        "the test score rewards memory; remove the duplicates from the data."
    ]


def class_counts(labels: Iterable[Hashable]) -> dict[str, int]:
    """How many examples each class has."""
    return {str(label): count for label, count in Counter(labels).items()}


def report(warnings: Sequence[str], path: Path = DATA_CHECKS_JSON) -> list[str]:
    """Print each warning and keep them all in `path` for the evaluation; returns them."""
    for message in warnings:
        warn(message)
    write_data_checks(warnings, path)
    return list(warnings)
