"""Scores across training seeds: interquartile mean, a bootstrap interval over runs, the best seed.

One training run says little in reinforcement learning: the same algorithm varies from seed to
seed. Agarwal et al. (2021, "Deep RL at the Edge of the Statistical Precipice") recommend the
interquartile mean of the runs' scores with a percentile bootstrap interval over runs, which is
what rliable computes; rliable 1.2 needs `arch` < 8, which does not import beside the current
statsmodels, so the same two numbers come from SciPy here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 10_000


def iqm(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """The mean of the middle half of the scores (25% trimmed off each end, as rliable does;
    with fewer than 4 scores nothing is trimmed: the plain mean)."""
    from scipy.stats import trim_mean

    return trim_mean(scores, 0.25, axis=axis)


@dataclass(frozen=True)
class AcrossSeeds:
    """The runs' scores summed up: IQM, mean, and the IQM's interval (None for one run)."""

    iqm: float
    mean: float
    interval: tuple[float, float] | None
    n: int

    def metrics(self) -> dict[str, float]:
        """The keys reports/metrics.json carries for them."""
        found = {"iqm_return": self.iqm, "mean_return_across_seeds": self.mean, "n_seeds": self.n}
        if self.interval is not None:
            found["iqm_return_low"], found["iqm_return_high"] = self.interval
        return found


def across_seeds(scores: Mapping[int, float], seed: int) -> AcrossSeeds:
    """IQM and mean of one score per seed, with a percentile bootstrap interval that resamples
    the runs (`seed` makes it reproducible); a single run has no interval."""
    if not scores:
        raise ValueError("no seed to aggregate")
    values = np.asarray(list(scores.values()), dtype=float)
    interval = None
    if values.size > 1:
        from scipy.stats import bootstrap

        found = bootstrap(
            (values,),
            iqm,
            confidence_level=CONFIDENCE,
            n_resamples=RESAMPLES,
            method="percentile",
            rng=np.random.default_rng(seed),
        ).confidence_interval
        interval = (float(found.low), float(found.high))
    return AcrossSeeds(float(iqm(values)), float(values.mean()), interval, int(values.size))


def best_seed(scores: Mapping[int, float | None]) -> int:
    """The seed with the highest score; a tie goes to the first seed trained (the lowest)."""
    if not scores:
        raise ValueError("no seed to choose from")
    ranked = sorted(scores, key=lambda seed: (-_score(scores[seed]), seed))
    return ranked[0]


def _score(value: float | None) -> float:
    return float("-inf") if value is None else float(value)
