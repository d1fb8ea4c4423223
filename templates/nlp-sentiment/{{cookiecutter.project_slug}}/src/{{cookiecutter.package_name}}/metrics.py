"""The metrics training (validation split) and evaluation (test split) report, rounded; how far
the served model is ahead of the runner-up on the validation texts that chose it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from .classifier.classification import classification_metrics as shared_metrics
from .classifier.intervals import paired_difference_interval
from .reporting.evidence import Comparison
from .reporting.markdown import literal

POSITIVE_NAMES = ("positive", "pos", "1", "true", "yes")
UNIT = "validation texts"
SIMPLEST_FIRST = ("baseline", "neural", "transformer")  # the keys of train.models


def positive_class(classes: Sequence[str]) -> str | None:
    """The class whose precision/recall/ROC are reported in a binary task; None with 3+ classes."""
    if len(classes) != 2:
        return None
    for name in POSITIVE_NAMES:
        for cls in classes:
            if cls.lower() == name:
                return cls
    return classes[1]


def classification_metrics(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]
) -> dict[str, float]:
    """The shared classifier metrics for this task's positive class, to four decimals."""
    scores = shared_metrics(y_true, proba, classes, positive_class(classes))
    return {name: round(value, 4) for name, value in scores.items()}


def correct(labels: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """1 where the most probable class is the label, else 0, one value per text."""
    predicted = np.asarray(classes)[np.asarray(proba).argmax(axis=1)]
    return (predicted == np.asarray(labels)).astype(float)


def selection_evidence(
    best: str, rival: str, best_correct: np.ndarray, rival_correct: np.ndarray, *, seed: int
) -> dict:
    """The served model's accuracy minus the rival's on the same texts, its paired bootstrap
    interval and verdict, as models/best.json and reports/summary.json keep them."""
    best_correct = np.asarray(best_correct, dtype=float)
    rival_correct = np.asarray(rival_correct, dtype=float)
    interval = paired_difference_interval(best_correct, rival_correct, seed=seed)
    comparison = Comparison(
        baseline=rival,
        metric="accuracy",
        difference=float(best_correct.mean() - rival_correct.mean()),
        interval=interval,
        n=int(best_correct.size),
        unit=UNIT,
    )
    return asdict(comparison) | {
        "interval": [float(interval[0]), float(interval[1])],
        "verdict": comparison.verdict,
        "points": comparison.points(),
    }


def _comparison(selection: dict) -> Comparison:
    fields = {key: selection[key] for key in ("baseline", "metric", "difference", "n", "unit")}
    return Comparison(**fields, interval=tuple(selection["interval"]))


def choice_phrase(best: str, selection: dict | None, models: int) -> str:
    """What the page says of the served model's lead: "ahead of" only when the interval says so."""
    if selection is None:  # a single model: nothing was chosen
        return f"{literal(best)}, the only model trained"
    comparison = _comparison(selection)
    rival, shown = literal(comparison.baseline), comparison.points()
    evidence = f"{comparison.metric} on {comparison.n} {comparison.unit} ({shown})"
    if comparison.verdict == "ahead":
        return f"{literal(best)}, ahead of {rival} (of {models} models) in {evidence}"
    if comparison.verdict == "behind":  # chosen by another metric than accuracy
        return f"{literal(best)}, chosen by validation score although behind {rival} in {evidence}"
    phrase = (
        f"{literal(best)}, chosen by validation score but not distinguishable from {rival} in "
        f"{evidence}"
    )
    if _rank(comparison.baseline) < _rank(best):
        phrase += f"; the simpler {rival} would serve as well"
    return phrase


def _rank(name: str) -> int:
    return SIMPLEST_FIRST.index(name) if name in SIMPLEST_FIRST else len(SIMPLEST_FIRST)
