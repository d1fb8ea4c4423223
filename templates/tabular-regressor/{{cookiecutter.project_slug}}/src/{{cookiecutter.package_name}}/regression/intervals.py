"""How sure a held-out score is: bootstrap percentile intervals over the test rows, for one
model's score and for the difference between two models scored on the same resampled rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95

Score = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (truth, predictions), rows per resample


def r2_rows(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """R² of each row of `truth` and `predicted` (resamples x rows), vectorised."""
    residual = ((truth - predicted) ** 2).sum(axis=1)
    total = ((truth - truth.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - residual / total


def mae_rows(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Mean absolute error of each row of `truth` and `predicted` (resamples x rows)."""
    return np.abs(truth - predicted).mean(axis=1)


def _picks(rows: int, seed: int, resamples: int) -> np.ndarray:
    if rows == 0:
        raise ValueError("a bootstrap interval needs at least one row")
    return np.random.default_rng(seed).integers(0, rows, size=(resamples, rows))


def _percentiles(values: np.ndarray, level: float) -> tuple[float, float]:
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_interval(
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    seed: int,
    score: Score = r2_rows,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float]:
    """The `level` percentile interval of `score` over rows resampled with replacement."""
    truth, predicted = np.asarray(truth, float), np.asarray(predicted, float)
    picks = _picks(len(truth), seed, resamples)
    return _percentiles(score(truth[picks], predicted[picks]), level)


@dataclass(frozen=True)
class PairedComparison:
    """The model's score minus a rival's, on the same resampled held-out rows."""

    difference: float  # on the held-out rows themselves
    interval: tuple[float, float]
    share_better: float  # of resamples where the model scores higher

    @property
    def clear(self) -> bool:
        """Whether the interval of the difference excludes zero."""
        return self.interval[0] > 0 or self.interval[1] < 0


def paired_bootstrap(
    truth: np.ndarray,
    model: np.ndarray,
    rival: np.ndarray,
    *,
    seed: int,
    score: Score = r2_rows,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> PairedComparison:
    """How much better `model` scores than `rival`, with a paired bootstrap interval: both are
    scored on each resample of the same rows, so their shared luck cancels out."""
    truth, model, rival = (np.asarray(values, float) for values in (truth, model, rival))
    picks = _picks(len(truth), seed, resamples)
    differences = score(truth[picks], model[picks]) - score(truth[picks], rival[picks])
    whole = score(truth[None, :], model[None, :]) - score(truth[None, :], rival[None, :])
    return PairedComparison(
        difference=float(whole[0]),
        interval=_percentiles(differences, level),
        share_better=float(np.nanmean(differences > 0)),
    )
