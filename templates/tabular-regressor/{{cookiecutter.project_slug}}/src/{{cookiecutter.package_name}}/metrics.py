"""The held-out metrics of a regressor, the same keys for the model and every baseline."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

HEADLINE = "r2"  # the share of the target's variance explained: 0 is the training mean, 1 perfect


def regression_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """R², RMSE and MAE (the last two in the target's units), R² first: the headline."""
    return {
        "r2": float(r2_score(truth, predicted)),
        "rmse": float(root_mean_squared_error(truth, predicted)),
        "mae": float(mean_absolute_error(truth, predicted)),
    }
