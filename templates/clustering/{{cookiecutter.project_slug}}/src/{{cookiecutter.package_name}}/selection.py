"""The choice of model, by stated criteria, on the training rows only.

Within a family: k-means takes the k with the best silhouette, the Gaussian mixture the k with the
lowest BIC, HDBSCAN the min_cluster_size with the best silhouette (its noise rows counted as one
more group, so leaving rows out cannot flatter it). Across families: the best silhouette wins,
ties to the one listed first. Each winner's stability is measured too: the adjusted Rand index
between its clusters and those of refits with other seeds and on bootstrap resamples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, silhouette_score

from .candidates import Clusterer, build, fit_labels, settings
from .config import Family, TrainConfig


@dataclass
class Trial:
    """One family at one setting, scored on the training rows."""

    family: Family
    setting: int
    clusters: int
    silhouette: float | None  # None when everything fell into one group
    bic: float | None = None  # Gaussian mixture only
    noise: float = 0.0  # share of rows HDBSCAN left out


@dataclass
class Choice:
    """A family's chosen setting, its fitted clusterer and how stable its clusters are."""

    trial: Trial
    clusterer: Clusterer
    labels: np.ndarray
    stability: list[float] = field(default_factory=list)  # ARI of each refit

    @property
    def stability_mean(self) -> float:
        return float(np.mean(self.stability)) if self.stability else 1.0


@dataclass
class Selection:
    trials: list[Trial]
    choices: dict[str, Choice]
    best: str

    @property
    def chosen(self) -> Choice:
        return self.choices[self.best]

    def summary(self) -> dict[str, Any]:
        """What reports/selection.json holds: every trial, each family's choice, the winner."""
        return {
            "criteria": {
                "kmeans": "silhouette",
                "gaussian_mixture": "bic",
                "hdbscan": "silhouette",
                "across": "silhouette",
            },
            "trials": [vars(trial) for trial in self.trials],
            "families": {
                name: vars(choice.trial)
                | {"stability_ari": choice.stability_mean, "stability_runs": choice.stability}
                for name, choice in self.choices.items()
            },
            "best": self.best,
        }


def silhouette(matrix: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean silhouette, or None when there are fewer than two groups (it is undefined)."""
    groups = len(set(labels.tolist()))
    if groups < 2 or groups >= len(labels):
        return None
    return float(silhouette_score(matrix, labels))


def try_setting(
    family: Family, setting: int, matrix: np.ndarray, seed: int, config: TrainConfig
) -> tuple[Trial, Clusterer, np.ndarray]:
    """Fit one family at one setting and score it."""
    clusterer = build(family, setting, seed, config)
    labels = fit_labels(clusterer, matrix)
    clusters = len(set(labels.tolist()) - {-1})
    bic = float(clusterer.bic(matrix)) if family == "gaussian_mixture" else None
    noise = float(np.mean(labels == -1))
    return (
        Trial(family, setting, clusters, silhouette(matrix, labels), bic, noise),
        clusterer,
        labels,
    )


def criterion(trial: Trial) -> float:
    """Larger is better: silhouette, or minus the BIC for the mixture."""
    if trial.family == "gaussian_mixture":
        return -trial.bic
    return trial.silhouette if trial.silhouette is not None else -np.inf


def stability(
    family: Family,
    setting: int,
    matrix: np.ndarray,
    labels: np.ndarray,
    seed: int,
    config: TrainConfig,
) -> list[float]:
    """ARI between `labels` and refits: other seeds (not HDBSCAN: it has none), resamples."""
    rng = np.random.default_rng(seed)
    scores = []
    if family != "hdbscan":
        for offset in range(1, config.stability.seeds):
            refit = fit_labels(build(family, setting, seed + offset, config), matrix)
            scores.append(adjusted_rand_score(labels, refit))
    for _ in range(config.stability.resamples):
        rows = np.unique(rng.integers(0, len(matrix), len(matrix)))  # distinct rows of a bootstrap
        refit = fit_labels(build(family, setting, seed, config), matrix[rows])
        scores.append(adjusted_rand_score(labels[rows], refit))
    return [float(score) for score in scores]


def select_model(matrix: np.ndarray, config: TrainConfig, seed: int) -> Selection:
    """Every family over its settings; each one's best by its criterion; the best silhouette."""
    trials, choices = [], {}
    for family in config.models:
        fitted = [
            try_setting(family, setting, matrix, seed, config)
            for setting in settings(family, config)
        ]
        trials += [trial for trial, _, _ in fitted]
        trial, clusterer, labels = max(fitted, key=lambda item: criterion(item[0]))
        runs = stability(family, trial.setting, matrix, labels, seed, config)
        choices[family] = Choice(trial, clusterer, labels, runs)

    def across(name: str) -> float:
        score = choices[name].trial.silhouette
        return score if score is not None else -np.inf

    best = max(choices, key=across)  # max keeps the first of equals: the order in train.models
    return Selection(trials, choices, best)
