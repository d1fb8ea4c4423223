"""The rivals every regressor must beat, fitted on the training rows and scored on the same
held-out rows: the training mean, and the best model that sees one column only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.tree import DecisionTreeRegressor

MAX_LEAVES = 16  # a step function this fine follows any monotone relation closely


@dataclass
class OneColumnModel:
    """A model of the target from one column: for numbers a straight line or a small tree
    (whichever fits better on held-back rows), for text the mean target of each value."""

    column: str
    kind: str = "line"  # "line", "tree" or "means"
    fitted: object = None
    fill: float = 0.0  # the median that stands in for a missing number
    mean: float = 0.0  # the answer for a value never seen in training

    def fit(self, values: pd.Series, target: pd.Series) -> OneColumnModel:
        self.mean = float(target.mean())
        if self.kind == "means":
            keys = values.astype(str).where(values.notna(), "")
            self.fitted = target.groupby(keys.to_numpy()).mean().to_dict()
            return self
        numbers = values.astype(float)
        self.fill = float(numbers.median()) if numbers.notna().any() else 0.0
        matrix = numbers.fillna(self.fill).to_numpy().reshape(-1, 1)
        if self.kind == "tree":
            leaf = max(5, len(values) // 50)
            self.fitted = DecisionTreeRegressor(
                max_leaf_nodes=MAX_LEAVES, min_samples_leaf=leaf, random_state=0
            ).fit(matrix, target)
        else:
            self.fitted = LinearRegression().fit(matrix, target)
        return self

    def predict(self, values: pd.Series) -> np.ndarray:
        if self.kind == "means":
            keys = values.astype(str).where(values.notna(), "")
            return keys.map(self.fitted).fillna(self.mean).to_numpy(dtype=float)
        numbers = values.astype(float).fillna(self.fill).to_numpy().reshape(-1, 1)
        return self.fitted.predict(numbers)


def kinds_for(values: pd.Series) -> list[str]:
    """The one-column models worth trying on this column."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return ["line", "tree"]
    return ["means"]


def cross_fitted_r2(values: pd.Series, target: pd.Series, kind: str, seed: int) -> float:
    """R² of a one-column model learned on one half of the rows and scored on the other, both
    ways: an id column, which a per-value mean would memorise, scores nothing."""
    values, target = values.reset_index(drop=True), target.reset_index(drop=True)
    halves = np.random.default_rng(seed).permutation(len(values)) % 2 == 0
    predicted = np.empty(len(values))
    for learn in (halves, ~halves):
        model = OneColumnModel(str(values.name), kind).fit(values[learn], target[learn])
        predicted[~learn] = model.predict(values[~learn])
    return float(r2_score(target, predicted))


def best_one_column(values: pd.Series, target: pd.Series, seed: int) -> tuple[str, float]:
    """The one-column model kind that fits `values` best, and its cross-fitted R²."""
    scores = {kind: cross_fitted_r2(values, target, kind, seed) for kind in kinds_for(values)}
    kind = max(scores, key=lambda name: scores[name])
    return kind, scores[kind]


def single_feature_scores(features: pd.DataFrame, target: pd.Series, seed: int) -> dict:
    """Each column's best one-column model: {column: (kind, cross-fitted R²)}."""
    return {
        str(name): best_one_column(features[name], target, seed)
        for name in features.columns
        if features[name].notna().sum() >= 4
    }


def best_single_feature(
    train: pd.DataFrame, train_target: pd.Series, seed: int
) -> OneColumnModel | None:
    """The one-column model with the best cross-fitted R² on the training rows, refit on all."""
    scores = single_feature_scores(train, train_target, seed)
    if not scores:
        return None
    column = max(scores, key=lambda name: scores[name][1])
    return OneColumnModel(column, scores[column][0]).fit(train[column], train_target)


def mean_prediction(train_target: pd.Series, rows: int) -> np.ndarray:
    """The training mean for every held-out row: what R² = 0 stands for."""
    return np.full(rows, float(train_target.mean()))
