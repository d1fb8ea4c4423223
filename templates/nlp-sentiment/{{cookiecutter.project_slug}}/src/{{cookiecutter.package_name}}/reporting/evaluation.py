"""reports/evaluation.json of the text classifier: headline, baselines, findings, figures."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..classifier.comparisons import Answered, answered_findings, most_probable_class
from ..classifier.findings import confusions, missed
from ..classifier.intervals import accuracy_interval
from ..classifier.majority import majority_label, prior_probabilities
from ..classifier.textchecks import CHECKS_FILE
from ..metrics import classification_metrics, positive_class
from .evidence import Baseline, FigureEntry, Headline, read_data_checks, write_evaluation
from .markdown import literal
from .slices import ACCURACY, rate_mean, slice_finding, slice_table

BAG_OF_WORDS = "baseline"  # the TF-IDF model train.py fits: the bag-of-words baseline


def unit(source: str) -> str:
    """What the test rows are, in the words of the data used."""
    return "held-out reviews" if source == "imdb" else "held-out texts"


def baselines(
    train_labels: list[str],
    y_true: list[str],
    classes: list[str],
    metrics: dict[str, Any],
    best: str,
    probas: dict[str, np.ndarray],
) -> list[Answered]:
    """The majority class, and the TF-IDF model when it was trained and is not the one served,
    each with its answers to the test texts (`probas`: each trained model's probabilities)."""
    prior = prior_probabilities(train_labels, classes, len(y_true))
    found = [
        Answered(
            Baseline(
                "majority class",
                f"always answers {literal(majority_label(train_labels, classes))}",
                classification_metrics(y_true, prior, classes),
            ),
            most_probable_class(prior, classes),
        )
    ]
    if BAG_OF_WORDS in metrics and best != BAG_OF_WORDS:
        scores = {k: v for k, v in metrics[BAG_OF_WORDS].items() if k != "train_seconds"}
        found.append(
            Answered(
                Baseline(
                    "bag of words",
                    "TF-IDF word and character n-grams with logistic regression, trained by "
                    "this pipeline",
                    scores,
                ),
                most_probable_class(probas[BAG_OF_WORDS], classes),
            )
        )
    return found


def ngram_finding(ngrams: dict[str, list[dict]], shown: int = 5) -> list[str]:
    """The n-grams that push hardest towards each class (from the TF-IDF model's weights)."""
    return [
        f"Words that push the bag-of-words model hardest towards {literal(label)}: "
        + ", ".join(literal(row["ngram"]) for row in rows[:shown])
        + "."
        for label, rows in ngrams.items()
        if rows
    ]


def slices_of(
    columns: pd.DataFrame,
    names: Sequence[str],
    y_true: list[str],
    proba: np.ndarray,
    classes: list[str],
    seed: int,
) -> dict[str, Any]:
    """reports/slices.json: the served model's accuracy per value of the file's columns `names`."""
    predicted = np.asarray(classes)[proba.argmax(axis=1)]
    correct = predicted == np.asarray(y_true)
    rate = rate_mean(correct, partial(accuracy_interval, seed=seed))
    return slice_table(columns, names, ACCURACY, rate)


def write(
    *,
    y_true: list[str],
    proba: np.ndarray,
    classes: list[str],
    metrics: dict[str, Any],
    best: str,
    train_labels: list[str],
    ngrams: dict[str, list[dict]],
    figures: list[tuple[Path, str]],
    source: str,
    processed_dir: str,
    seed: int,
    probas: dict[str, np.ndarray],
    slices: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write reports/evaluation.json for the model the API serves (`best`); `probas`: every
    trained model's test probabilities, for the paired comparison with the bag of words."""
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    correct = np.asarray(predicted) == np.asarray(y_true)
    interval, method = accuracy_interval(correct, seed=seed)
    headline = Headline(
        metric="accuracy",
        label="accuracy",
        value=metrics[best]["accuracy"],
        n=len(y_true),
        unit=unit(source),
        interval=interval,
        interval_method=method,
    )
    rivals = baselines(train_labels, y_true, classes, metrics, best, probas)
    noun = unit(source).removeprefix("held-out ")
    positive = positive_class(classes)
    findings = (
        missed(y_true, predicted, positive, noun)
        if positive is not None
        else confusions(y_true, predicted, noun)
    )
    said, strongest = answered_findings(predicted, y_true, rivals, unit=unit(source), seed=seed)
    findings += said
    findings += ngram_finding(ngrams)
    findings += slice_finding(slices, ACCURACY)
    entries = [FigureEntry(path.as_posix(), caption) for path, caption in figures]
    return write_evaluation(
        headline,
        [one.baseline for one in rivals],
        findings,
        read_data_checks(Path(processed_dir) / CHECKS_FILE),
        entries,
        comparison=strongest,
    )
