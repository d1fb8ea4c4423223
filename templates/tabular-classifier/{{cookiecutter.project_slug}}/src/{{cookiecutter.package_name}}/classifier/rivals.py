"""Baselines a reader respects, scored on the same held-out rows as the model.

The one-column rule is the best single split of one column on the training rows (a depth-1 tree,
written as a sentence: "`sex` = `female` -> `1`, else `0`"); the linear model is a regularised
logistic regression on the model's own preprocessing. A model that cannot beat them has learnt
little that one line of code would not say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from ..config import PreprocessConfig
from ..features import MISSING_CATEGORY, FeatureSchema
from ..preprocessing import build_preprocessor
from ..reporting.markdown import literal

MAX_VALUES_TRIED = 30  # per category column: the most frequent values, enough for any readable rule


@dataclass(frozen=True)
class Rival:
    """A baseline's description and its class probabilities on the held-out rows."""

    name: str
    description: str
    probabilities: np.ndarray


@dataclass(frozen=True)
class _Rule:
    column: str
    threshold: float | None  # a number column: the condition is `column <= threshold`
    value: str | None  # a category column: the condition is `column == value`
    training_accuracy: float
    inside: np.ndarray  # class shares where the condition holds
    outside: np.ndarray


def _shares(labels: np.ndarray, classes: list[str]) -> np.ndarray:
    """Class shares, smoothed by one row each so no probability is exactly zero."""
    counts = np.array([(labels == label).sum() for label in classes], dtype=float) + 1
    return counts / counts.sum()


def _rule(
    column: str,
    threshold: float | None,
    value: str | None,
    mask: np.ndarray,
    labels: np.ndarray,
    classes: list[str],
) -> _Rule | None:
    if mask.all() or not mask.any():
        return None
    inside, outside = _shares(labels[mask], classes), _shares(labels[~mask], classes)
    right = (labels[mask] == classes[inside.argmax()]).sum()
    right += (labels[~mask] == classes[outside.argmax()]).sum()
    return _Rule(column, threshold, value, right / len(labels), inside, outside)


def _number_rule(values: pd.Series, labels: np.ndarray, classes: list[str]) -> _Rule | None:
    filled = values.fillna(values.median()).to_numpy(dtype=float).reshape(-1, 1)
    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(filled, labels)
    if tree.tree_.node_count < 3:  # no split improves on the majority
        return None
    threshold = float(tree.tree_.threshold[0])
    return _rule(str(values.name), threshold, None, filled[:, 0] <= threshold, labels, classes)


def _category_rule(values: pd.Series, labels: np.ndarray, classes: list[str]) -> _Rule | None:
    text = values.fillna(MISSING_CATEGORY).astype(str)
    rules = (
        _rule(str(values.name), None, value, (text == value).to_numpy(), labels, classes)
        for value in text.value_counts().index[:MAX_VALUES_TRIED]
    )
    return max(
        (rule for rule in rules if rule), key=lambda rule: rule.training_accuracy, default=None
    )


def _matches(rule: _Rule, values: pd.Series, training: pd.Series) -> np.ndarray:
    """Where the rule's condition holds on new rows, with the training rows' fill for gaps."""
    if rule.threshold is not None:
        return values.fillna(training.median()).to_numpy(dtype=float) <= rule.threshold
    return (values.fillna(MISSING_CATEGORY).astype(str) == rule.value).to_numpy()


def one_column_rule(
    train: pd.DataFrame, train_labels: pd.Series, test: pd.DataFrame, schema: FeatureSchema
) -> Rival | None:
    """The single split of a single column that is right most often on the training rows."""
    labels, classes = np.asarray(train_labels).astype(str), [str(label) for label in schema.classes]
    candidates = [
        (_number_rule if feature.kind == "number" else _category_rule)(
            train[feature.name], labels, classes
        )
        for feature in schema.features
    ]
    rules = [rule for rule in candidates if rule]
    if not rules:
        return None
    best = max(rules, key=lambda rule: rule.training_accuracy)
    mask = _matches(best, test[best.column], train[best.column])
    probabilities = np.where(mask[:, None], best.inside, best.outside)
    condition = (
        f"≤ {best.threshold:.4g}" if best.threshold is not None else f"= {literal(best.value)}"
    )
    said = (
        f"{literal(best.column)} {condition} → {literal(classes[best.inside.argmax()])}, "
        f"else {literal(classes[best.outside.argmax()])}"
    )
    return Rival("one-column rule", said, probabilities)


def logistic_regression(
    train: pd.DataFrame,
    train_labels: pd.Series,
    test: pd.DataFrame,
    schema: FeatureSchema,
    preprocess: PreprocessConfig,
    seed: int,
) -> Rival:
    """A regularised logistic regression (scikit-learn's default C=1) on the same preprocessing."""
    model = Pipeline(
        [
            ("prepare", build_preprocessor(schema, preprocess)),
            ("model", LogisticRegression(max_iter=2000, random_state=seed)),
        ]
    ).fit(train, train_labels)
    order = [list(model.classes_).index(label) for label in schema.classes]
    return Rival(
        "logistic regression",
        "L2-regularised (C=1) on the model's preprocessing",
        model.predict_proba(test)[:, order],
    )
