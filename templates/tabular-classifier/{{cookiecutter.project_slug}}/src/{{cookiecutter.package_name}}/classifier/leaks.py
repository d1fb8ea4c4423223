"""Checks of the split tables before training: a column that alone gives the answer away, rows
shared by the training and test splits, classes with too few rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.markdown import literal
from .checks import class_counts, report, shared_examples, tiny_classes

LEAK_ACCURACY = 0.99  # one column alone this accurate is almost surely a restatement of the target
MAX_CHECKED_ROWS = 20_000  # a seeded sample beyond this: the check stays a second or two
# A one-column tree per numeric column took minutes on 20,000 columns: beyond this many, only
# the numeric columns a cheap screen (ANOVA F, all columns at once) ranks highest get a tree.
MAX_TREE_COLUMNS = 200
PROGRESS_EVERY = 2_000  # columns between two progress lines on a wide table


def value_majority_accuracy(column: pd.Series, classes: np.ndarray, halves: np.ndarray) -> float:
    """Per-value majority (each value answers the class most of its rows hold), learned on one
    half of the rows (`halves`) and scored on the other, so an id column with a value per row
    scores nothing. Missing is a value too."""
    keys = pd.factorize(column.to_numpy(), use_na_sentinel=False)[0]
    n_values, n_classes = int(keys.max()) + 1, int(classes.max()) + 1
    if n_values == len(keys):
        return 0.0  # a value per row: nothing learned on one half is asked on the other
    correct = 0
    for learn in (halves, ~halves):
        counts = np.bincount(
            keys[learn] * n_classes + classes[learn], minlength=n_values * n_classes
        ).reshape(n_values, n_classes)
        seen, answer = counts.sum(axis=1) > 0, counts.argmax(axis=1)
        asked = keys[~learn]
        correct += int((seen[asked] & (answer[asked] == classes[~learn])).sum())
    return correct / len(keys)


def tree_accuracy(column: pd.Series, classes: np.ndarray, seed: int) -> float:
    """A small tree on one numeric column (one leaf per class): finds a separating threshold."""
    from sklearn.tree import DecisionTreeClassifier

    numbers = column.astype(float)
    numbers = numbers.fillna(numbers.min() - 1).to_numpy().reshape(-1, 1)
    leaves = max(2, int(classes.max()) + 1)
    tree = DecisionTreeClassifier(max_leaf_nodes=leaves, random_state=seed)
    return float(tree.fit(numbers, classes).score(numbers, classes))


def screened_numeric(features: pd.DataFrame, classes: np.ndarray, limit: int) -> list:
    """The `limit` numeric columns with the highest ANOVA F against the classes."""
    import warnings

    from sklearn.feature_selection import f_classif

    numbers = features.select_dtypes("number")
    numbers = numbers.loc[:, numbers.notna().any()]
    if numbers.shape[1] <= limit:
        return list(numbers.columns)
    values = numbers.to_numpy(dtype=float)  # one array: DataFrame.fillna goes column by column
    filled = np.where(np.isnan(values), np.nanmin(values, axis=0) - 1, values)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # constant columns: F is undefined, ranked last
        scores = np.nan_to_num(f_classif(filled, classes)[0], nan=-1.0, posinf=np.inf)
    order = np.argsort(-scores, kind="stable")[:limit]
    return list(numbers.columns[order])


def leaking_columns(features: pd.DataFrame, labels: pd.Series, seed: int) -> dict[str, float]:
    """Columns that alone predict the labels with accuracy LEAK_ACCURACY or more.

    Every column gets the per-value check; the tree runs on at most MAX_TREE_COLUMNS numeric
    columns, the highest by ANOVA F when there are more (a leak has a very high F).
    """
    if len(features) > MAX_CHECKED_ROWS:
        chosen = features.sample(MAX_CHECKED_ROWS, random_state=seed).index
        features, labels = features.loc[chosen], labels.loc[chosen]
    classes = pd.factorize(labels.astype(str).to_numpy())[0]
    halves = np.random.default_rng(seed).permutation(len(classes)) % 2 == 0
    treed = set(screened_numeric(features, classes, MAX_TREE_COLUMNS))
    wide = features.shape[1] > PROGRESS_EVERY
    if wide:
        print(
            f"data: leak check on {features.shape[1]:,} columns; the one-column tree on the "
            f"{len(treed)} numeric columns with the highest ANOVA F",
            flush=True,
        )
    found = {}
    for done, name in enumerate(features.columns, start=1):
        column = features[name]
        accuracy = value_majority_accuracy(column, classes, halves)
        if name in treed:
            accuracy = max(accuracy, tree_accuracy(column, classes, seed))
        if accuracy >= LEAK_ACCURACY:
            found[str(name)] = accuracy
        if wide and done % PROGRESS_EVERY == 0:
            print(f"data: leak check {done:,}/{features.shape[1]:,} columns", flush=True)
    return found


def check_splits(train: pd.DataFrame, test: pd.DataFrame, target: str, seed: int) -> list[str]:
    """Run every check on the split tables; print the warnings, keep them for the evaluation."""
    features = [name for name in train.columns if name != target]
    warnings = [
        f"Column {literal(name)} alone predicts the target with accuracy {accuracy:.3f} on the "
        "training rows: a likely leak; drop it with data.drop_columns."
        for name, accuracy in leaking_columns(train[features], train[target], seed).items()
    ]
    # One hash per row: text tuples of every cell took minutes on a table of 20,000 columns.
    rows = pd.util.hash_pandas_object(train[features], index=False)
    tested = pd.util.hash_pandas_object(test[features], index=False).tolist()
    warnings += shared_examples(rows, tested, "rows", "the same values in every feature column")
    counts = class_counts(pd.concat([train[target], test[target]]))
    warnings += tiny_classes(counts, "rows")
    return report(warnings)
