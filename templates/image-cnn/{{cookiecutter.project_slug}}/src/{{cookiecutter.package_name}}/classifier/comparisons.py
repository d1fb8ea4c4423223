{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/comparisons.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The model against each baseline on the same held-out examples: the difference in accuracy,
its paired bootstrap interval, and a sentence that says no more than the interval does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..reporting.evidence import Baseline, Comparison
from .intervals import paired_difference_interval


@dataclass(frozen=True)
class Answered:
    """A baseline and its answer for each held-out example, for the paired comparison."""

    baseline: Baseline
    predicted: np.ndarray


def most_probable_class(probabilities: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """The class each example gets from its probabilities (one row per example)."""
    return np.asarray(classes)[probabilities.argmax(axis=1)]


def right_or_wrong(answers: Sequence[object] | np.ndarray, truth: Sequence[object]) -> np.ndarray:
    """1.0 where an answer is the true class, else 0.0: one value per held-out example."""
    return (np.asarray(answers) == np.asarray(truth)).astype(float)


def comparisons(
    correct: np.ndarray, rivals: Mapping[str, np.ndarray], *, unit: str, seed: int
) -> list[Comparison]:
    """The model against each baseline (its right-or-wrong per example), the strongest first."""
    found = [
        Comparison(
            baseline=name,
            metric="accuracy",
            difference=float(correct.mean() - rival.mean()),
            interval=paired_difference_interval(correct, rival, seed=seed),
            n=len(correct),
            unit=unit,
        )
        for name, rival in rivals.items()
    ]
    return sorted(found, key=lambda comparison: comparison.difference)


def comparison_finding(comparison: Comparison, baseline: Baseline) -> str:
    """One baseline, what it does, and whether the model is distinguishably ahead of it."""
    verdict = {"not distinguishable": "not distinguishable from it"}.get(
        comparison.verdict, comparison.verdict
    )
    examples = comparison.unit.removeprefix("held-out ")  # "rows", "images", "texts"
    return (
        # Its score stands apart from the word "accuracy": the README audit reads
        # "accuracy 0.8772" as the model's own.
        f"Against the {baseline.name} baseline ({baseline.description}; it scores "
        f"{baseline.metrics['accuracy']:.4f} on the same {examples}) the model is {verdict}: "
        f"{comparison.points()}."
    )


def answered_findings(
    predicted: Sequence[object] | np.ndarray,
    truth: Sequence[object],
    baselines: Sequence[Answered],
    *,
    unit: str,
    seed: int,
) -> tuple[list[str], Comparison | None]:
    """A sentence per baseline, and the comparison with the strongest (the headline's)."""
    correct = right_or_wrong(predicted, truth)
    scored = {one.baseline.name: right_or_wrong(one.predicted, truth) for one in baselines}
    compared = comparisons(correct, scored, unit=unit, seed=seed)
    by_name = {one.baseline.name: one.baseline for one in baselines}
    return [comparison_finding(one, by_name[one.baseline]) for one in compared], (
        compared[0] if compared else None
    )
