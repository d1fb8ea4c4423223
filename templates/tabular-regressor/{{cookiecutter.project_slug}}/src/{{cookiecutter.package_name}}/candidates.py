"""The candidate models the grid search compares, by the names params.yaml uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Ridge

from .core.errors import ConfigError

# Each takes the seed; the values are the starting points the grid in params.yaml varies.
CANDIDATES: dict[str, Callable[[int], RegressorMixin]] = {
    "ridge": lambda seed: Ridge(random_state=seed),
    "random_forest": lambda seed: RandomForestRegressor(random_state=seed),
    "hist_gradient_boosting": lambda seed: HistGradientBoostingRegressor(random_state=seed),
}


def build_candidate(
    name: str, grid: dict[str, list[Any]], seed: int
) -> tuple[RegressorMixin, dict[str, list[Any]]]:
    """The estimator called `name` and its grid, both checked against what scikit-learn accepts."""
    if name not in CANDIDATES:
        raise ConfigError(
            f"train.candidates: unknown model {name!r}; known models: {sorted(CANDIDATES)}"
        )
    estimator = CANDIDATES[name](seed)
    if not isinstance(grid, dict):
        raise ConfigError(f"train.candidates.{name} must map parameter names to lists of values")
    accepted = estimator.get_params()
    for parameter, values in grid.items():
        if parameter not in accepted:
            raise ConfigError(
                f"train.candidates.{name}: {type(estimator).__name__} has no parameter "
                f"{parameter!r}"
            )
        if not isinstance(values, list) or not values:
            raise ConfigError(
                f"train.candidates.{name}.{parameter} must be a non-empty list, got {values!r}"
            )
    return estimator, grid


def on_log_scale(estimator: RegressorMixin) -> TransformedTargetRegressor:
    """`estimator` fitted on log(1 + target), answering exp(prediction) - 1: errors become
    relative, so the few largest values (prices) no longer dominate the squared error."""
    return TransformedTargetRegressor(
        regressor=estimator, func=np.log1p, inverse_func=np.expm1, check_inverse=False
    )
