"""Checks of the split tables before training: a column that alone gives the answer away, rows
shared by the training and test splits, classes with too few rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.markdown import literal
from .checks import class_counts, report, shared_examples, tiny_classes

LEAK_ACCURACY = 0.99  # one column alone this accurate is almost surely a restatement of the target
MAX_CHECKED_ROWS = 20_000  # a seeded sample beyond this: the check stays a second or two


def single_column_accuracy(column: pd.Series, labels: pd.Series, seed: int) -> float:
    """How well `column` alone predicts `labels`, the better of two one-column models.

    Per-value majority (each value answers the class most of its rows hold), learned on one half
    of the rows and scored on the other, so an id column with a value per row scores nothing;
    and for numbers a small tree on that column alone (one leaf per class), which finds a
    threshold that separates the classes.
    """
    values = column.reset_index(drop=True)
    keys = pd.factorize(values.astype(str))[0]  # a code per value (missing is a value too)
    classes, names = pd.factorize(labels.astype(str).reset_index(drop=True))
    halves = np.random.default_rng(seed).permutation(len(values)) % 2 == 0
    correct = 0
    for learn in (halves, ~halves):
        counts = np.zeros((keys.max() + 1, len(names)), dtype=np.int64)
        np.add.at(counts, (keys[learn], classes[learn]), 1)
        seen, answer = counts.sum(axis=1) > 0, counts.argmax(axis=1)
        asked = keys[~learn]
        correct += int((seen[asked] & (answer[asked] == classes[~learn])).sum())
    best = correct / len(values)
    if pd.api.types.is_numeric_dtype(values) and values.notna().any():
        from sklearn.tree import DecisionTreeClassifier

        numbers = values.astype(float)
        numbers = numbers.fillna(numbers.min() - 1).to_numpy().reshape(-1, 1)
        tree = DecisionTreeClassifier(max_leaf_nodes=max(2, len(names)), random_state=seed)
        best = max(best, float(tree.fit(numbers, classes).score(numbers, classes)))
    return best


def leaking_columns(features: pd.DataFrame, labels: pd.Series, seed: int) -> dict[str, float]:
    """Columns that alone predict the labels with accuracy LEAK_ACCURACY or more."""
    if len(features) > MAX_CHECKED_ROWS:
        chosen = features.sample(MAX_CHECKED_ROWS, random_state=seed).index
        features, labels = features.loc[chosen], labels.loc[chosen]
    found = {}
    for name in features.columns:
        accuracy = single_column_accuracy(features[name], labels, seed)
        if accuracy >= LEAK_ACCURACY:
            found[str(name)] = accuracy
    return found


def check_splits(train: pd.DataFrame, test: pd.DataFrame, target: str, seed: int) -> list[str]:
    """Run every check on the split tables; print the warnings, keep them for the evaluation."""
    features = [name for name in train.columns if name != target]
    warnings = [
        f"Column {literal(name)} alone predicts the target with accuracy {accuracy:.3f} on the "
        "training rows: a likely leak; drop it with data.drop_columns."
        for name, accuracy in leaking_columns(train[features], train[target], seed).items()
    ]
    rows = (tuple(row) for row in train[features].astype(str).itertuples(index=False))
    tested = [tuple(row) for row in test[features].astype(str).itertuples(index=False)]
    warnings += shared_examples(rows, tested, "rows", "the same values in every feature column")
    counts = class_counts(pd.concat([train[target], test[target]]))
    warnings += tiny_classes(counts, "rows")
    return report(warnings)
