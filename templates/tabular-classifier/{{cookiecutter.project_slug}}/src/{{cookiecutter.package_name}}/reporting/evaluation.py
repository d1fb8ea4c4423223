"""reports/evaluation.json of the tabular classifier: headline, majority baseline, findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..classifier.classification import classification_metrics
from ..classifier.comparisons import (
    Answered,
    answered_findings,
    most_probable_class,
    right_or_wrong,
)
from ..classifier.findings import confusions, missed, named, tied_with_top
from ..classifier.intervals import accuracy_interval
from ..classifier.majority import majority_label, prior_probabilities
from ..classifier.rivals import Rival
from ..classifier.seeds import seed_finding
from ..classifier.slices import slice_finding
from ..classifier.thresholds import THRESHOLDS_JSON, threshold_finding
from .evidence import (
    Baseline,
    FigureEntry,
    Headline,
    read_data_checks,
    write_evaluation,
)
from .markdown import literal

UNIT = "held-out rows"
CV_SPREADS = 2  # a held-out score this many CV standard deviations under the CV mean is a drop


def majority_rival(train_labels: pd.Series, classes: list[str], rows: int) -> Rival:
    """Always the most frequent training class."""
    return Rival(
        name="majority class",
        description=f"always answers {literal(majority_label(list(train_labels), classes))}",
        probabilities=prior_probabilities(list(train_labels), classes, rows),
    )


def rival_baseline(
    rival: Rival, labels: pd.Series, classes: list[str], positive: str | None
) -> Baseline:
    """A baseline's held-out answers, scored like the model."""
    return Baseline(
        name=rival.name,
        description=rival.description,
        metrics=classification_metrics(labels, rival.probabilities, classes, positive),
    )


def captions(paths: list[Path], rows: int, scoring: str, folds: int) -> list[FigureEntry]:
    """Each figure with what it shows, the confusion matrix first."""
    said = {
        "confusion_matrix": f"Confusion matrix on the {rows} {UNIT}: true class (rows) "
        "against predicted class (columns)",
        "roc_curve": f"ROC curve on the {rows} {UNIT}; the AUC in the legend is the table's",
        "precision_recall_curve": f"Precision-recall curve on the {rows} {UNIT}",
        "permutation_importance": f"Permutation importance: how much the held-out {scoring} "
        "drops when one column is shuffled",
        "cv_comparison": f"Model selection: each candidate's {folds}-fold cross-validated "
        f"{scoring} on the training rows (mean ± std)",
    }
    return [FigureEntry(path.as_posix(), said.get(path.stem, path.stem)) for path in paths]


def importance_finding(importances: pd.DataFrame, scoring: str) -> list[str]:
    """The column whose shuffling hurts the held-out score most, or the columns tied for it."""
    if importances.empty:
        return []
    leaders = tied_with_top(importances["mean"].to_dict(), importances["std"].to_dict())
    top = importances.loc[leaders[0]]
    if top["mean"] <= 0:
        return [f"Shuffling no single column lowers the held-out {scoring}: no column stands out."]
    if len(leaders) == 1:
        return [
            f"Shuffling {literal(leaders[0])} costs the model most: held-out {scoring} drops by "
            f"{top['mean']:.4f} (± {top['std']:.4f})."
        ]
    drops = "; ".join(
        f"{literal(name)} {importances.loc[name, 'mean']:.4f} ± {importances.loc[name, 'std']:.4f}"
        for name in leaders[:5]
    )
    return [
        f"{named([str(name) for name in leaders])} matter most; their permutation importances "
        f"overlap within one standard deviation (held-out {scoring} drops by {drops})."
    ]


def generalisation_finding(summary: dict[str, Any], held_out: float | None) -> list[str]:
    """A held-out score more than CV_SPREADS standard deviations under the CV mean, said."""
    if held_out is None:
        return []
    best = summary["candidates"][summary["best"]]
    mean, std = best["mean"], best["std"]
    if held_out >= mean - CV_SPREADS * std:
        return []
    return [
        # "held-out roc_auc 0.9512" is reports/metrics.json's number (mlport check reads it so)
        f"The held-out {summary['scoring']} {held_out:.4f} falls below the "
        f"{summary['cv_folds']}-fold cross-validated mean of {mean:.4f} by more than "
        f"{CV_SPREADS} standard deviations of the folds (std {std:.4f}): the test rows may "
        "differ from the training rows, or the selection may have fitted the folds."
    ]


def selection_finding(summary: dict[str, Any]) -> list[str]:
    """Which candidate won the cross-validation, and the runner-up."""
    candidates, best = summary["candidates"], summary["best"]
    sentence = (
        # "a mean ... of": the held-out number of the same name is another one (mlport check)
        f"{literal(best)} won the {summary['cv_folds']}-fold cross-validation with a mean "
        f"{summary['scoring']} of {candidates[best]['mean']:.4f}"
    )
    others = {name: result for name, result in candidates.items() if name != best}
    if others:
        second = max(others, key=lambda name: others[name]["mean"])
        sentence += f", ahead of {literal(second)} at {others[second]['mean']:.4f}"
    return [sentence + "."]


def write(
    *,
    labels: pd.Series,
    probabilities: np.ndarray,
    classes: list[str],
    positive: str | None,
    metrics: dict[str, float],
    train_labels: pd.Series,
    importances: pd.DataFrame,
    cv_summary: dict[str, Any],
    figures: list[Path],
    scoring: str,
    seed: int,
    rivals: list[Rival] | None = None,
    held_out_score: float | None = None,
    thresholds: dict[str, Any] | None = None,
    slices: dict[str, Any] | None = None,
    seeds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write reports/evaluation.json for this run."""
    predicted = most_probable_class(probabilities, classes)
    correct = right_or_wrong(predicted, labels)
    interval, method = accuracy_interval(correct, seed=seed)
    headline = Headline(
        metric="accuracy",
        label="accuracy",
        value=metrics["accuracy"],
        n=len(labels),
        unit=UNIT,
        interval=interval,
        interval_method=method,
    )
    every = [majority_rival(train_labels, classes, len(labels)), *(rivals or [])]
    answered = [
        Answered(
            rival_baseline(rival, labels, classes, positive),
            most_probable_class(rival.probabilities, classes),
        )
        for rival in every
    ]
    said, strongest = answered_findings(predicted, labels, answered, unit=UNIT, seed=seed)
    findings = (
        missed(list(labels), list(predicted), positive, "rows")
        if positive is not None
        else confusions(list(labels), list(predicted), "rows")
    )
    findings += said
    findings += threshold_finding(thresholds, THRESHOLDS_JSON)
    findings += slice_finding(slices)
    findings += importance_finding(importances, scoring)
    findings += selection_finding(cv_summary)
    findings += generalisation_finding(cv_summary, held_out_score)
    findings += seed_finding(seeds)
    return write_evaluation(
        headline,
        [one.baseline for one in answered],
        findings,
        read_data_checks(),
        captions(figures, len(labels), scoring, cv_summary["cv_folds"]),
        comparison=strongest,  # the strongest baseline: the one the headline answers to
    )
