{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/intervals.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""How sure a held-out score is: a bootstrap percentile interval over the test examples, or
Wilson's score interval where the bootstrap has nothing to resample (a perfect or zero score)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95
BOOTSTRAP = "95% bootstrap interval"
WILSON = "95% Wilson score interval"
_CHUNK_VALUES = 2_000_000  # resample this many values at a time: bounded memory on large test sets


def bootstrap_interval(
    values: Sequence[float] | np.ndarray,
    *,
    seed: int,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> tuple[float, float]:
    """The `level` percentile interval of the mean of `values` (e.g. 1 for right, 0 for wrong)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("a bootstrap interval needs at least one value")
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    step = max(1, _CHUNK_VALUES // values.size)
    for start in range(0, resamples, step):
        count = min(step, resamples - start)
        picks = rng.integers(0, values.size, size=(count, values.size))
        means[start : start + count] = values[picks].mean(axis=1)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def proportion_interval(
    successes: int, trials: int, *, level: float = LEVEL
) -> tuple[float, float]:
    """Wilson's score interval of `successes` in `trials`: never of zero width, even at 0 or n."""
    from scipy.stats import binomtest

    found = binomtest(successes, trials).proportion_ci(confidence_level=level, method="wilson")
    return float(found.low), float(found.high)


def accuracy_interval(
    correct: Sequence[float] | np.ndarray, *, seed: int
) -> tuple[tuple[float, float], str]:
    """The 95% interval of the share right (1 right, 0 wrong per example), and its name.

    The bootstrap, unless its resamples cannot differ: at a score of 0 or 1 every resample
    scores the same, and [1.000, 1.000] would claim a certainty 30 examples cannot give.
    """
    correct = np.asarray(correct, dtype=float)
    low, high = bootstrap_interval(correct, seed=seed)
    right = int(correct.sum())
    if low < high and 0 < right < correct.size:
        return (low, high), BOOTSTRAP
    return proportion_interval(right, correct.size), WILSON


def paired_difference_interval(
    model_correct: Sequence[float] | np.ndarray,
    rival_correct: Sequence[float] | np.ndarray,
    *,
    seed: int,
) -> tuple[float, float]:
    """The 95% interval of (model - rival) on the same examples, resampled together (paired).

    Pairing matters: both scores move with which examples are drawn, so comparing two separate
    intervals overstates the uncertainty of their difference.
    """
    model_correct = np.asarray(model_correct, dtype=float)
    rival_correct = np.asarray(rival_correct, dtype=float)
    if model_correct.shape != rival_correct.shape:
        raise ValueError("a paired interval needs both scores on the same examples")
    return bootstrap_interval(model_correct - rival_correct, seed=seed)
