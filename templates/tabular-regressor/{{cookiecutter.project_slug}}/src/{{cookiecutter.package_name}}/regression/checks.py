"""Checks of the split tables before training: a column that alone gives the answer away, rows
shared by the training and test splits, a skewed target. Each finding is a `warning:` line and
goes into reports/data_checks.json, from there into reports/evaluation.json and the README."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..reporting.evidence import DATA_CHECKS_JSON, warn, write_data_checks
from .baselines import single_feature_scores

LEAK_R2 = 0.99  # one column alone explaining this much is almost surely a restatement of the target
SKEW = 1.0  # a target skewed more than this is what train.log_target is for
MAX_CHECKED_ROWS = 20_000  # a seeded sample beyond this: the check stays a second or two


def leaking_columns(features: pd.DataFrame, target: pd.Series, seed: int) -> dict[str, float]:
    """Columns that alone predict the target with a cross-fitted R² of LEAK_R2 or more."""
    if len(features) > MAX_CHECKED_ROWS:
        chosen = features.sample(MAX_CHECKED_ROWS, random_state=seed).index
        features, target = features.loc[chosen], target.loc[chosen]
    scores = single_feature_scores(features, target, seed)
    return {name: r2 for name, (_, r2) in scores.items() if r2 >= LEAK_R2}


def shared_rows(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
    """A warning when test rows repeat training rows in every feature column."""
    seen = set(train.astype(str).itertuples(index=False))
    repeated = sum(row in seen for row in test.astype(str).itertuples(index=False))
    if not repeated:
        return []
    return [
        f"{repeated} of {len(test)} test rows also appear in the training data (the same values "
        "in every feature column): the test score rewards memory; remove the duplicates."
    ]


def skewed_target(target: pd.Series, log_target: bool) -> list[str]:
    """A warning when a positive target is strongly right-skewed and is fitted as it is."""
    skew = float(target.skew())
    if log_target or skew <= SKEW or target.min() < 0:
        return []
    return [
        f"The target `{target.name}` is right-skewed (skewness {skew:.2f}): a few large values "
        "dominate the squared error; try train.log_target: true."
    ]


def check_splits(
    train: pd.DataFrame, test: pd.DataFrame, target: str, seed: int, *, log_target: bool
) -> list[str]:
    """Run every check on the split tables; print the warnings, keep them for the evaluation."""
    features = [name for name in train.columns if name != target]
    warnings = [
        f"Column `{name}` alone predicts the target with R² {r2:.3f} on the training rows: "
        "a likely leak; drop it with data.drop_columns."
        for name, r2 in leaking_columns(train[features], train[target], seed).items()
    ]
    warnings += shared_rows(train[features], test[features])
    warnings += skewed_target(pd.concat([train[target], test[target]]), log_target)
    return report(warnings)


def report(warnings: Sequence[str], path: Path = DATA_CHECKS_JSON) -> list[str]:
    """Print each warning and keep them all in `path` for the evaluation; returns them."""
    for message in warnings:
        warn(message)
    write_data_checks(warnings, path)
    return list(warnings)
