"""The three clustering families compared, and the fitted model the API serves.

k-means and the Gaussian mixture assign a new row themselves; HDBSCAN has no such step, so a new
row takes the cluster of its nearest training row (noise, -1, included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

from .config import Family, TrainConfig

NOISE = -1  # HDBSCAN's label for rows in no cluster

Clusterer = KMeans | GaussianMixture | HDBSCAN


def build(family: Family, setting: int, seed: int, config: TrainConfig) -> Clusterer:
    """One unfitted clusterer: `setting` is k, or HDBSCAN's min_cluster_size."""
    if family == "kmeans":
        return KMeans(n_clusters=setting, n_init=config.kmeans_n_init, random_state=seed)
    if family == "gaussian_mixture":
        covariance = config.gaussian_mixture.covariance_type
        return GaussianMixture(setting, covariance_type=covariance, random_state=seed)
    return HDBSCAN(min_cluster_size=setting, copy=True)


def fit_labels(clusterer: Clusterer, features: np.ndarray) -> np.ndarray:
    """Fit on `features` and return each row's cluster."""
    return np.asarray(clusterer.fit_predict(features))


def settings(family: Family, config: TrainConfig) -> list[int]:
    """The values tried: k from train.k for the two that take it, else min_cluster_size."""
    if family == "hdbscan":
        return list(config.hdbscan.min_cluster_size)
    return list(range(config.k.min, config.k.max + 1))


@dataclass
class ClusterModel:
    """Preprocessing, the chosen clusterer and the optional anomaly detector, fitted together."""

    family: Family
    setting: int
    preprocessor: ColumnTransformer
    clusterer: Clusterer
    anomaly: IsolationForest | None
    neighbours: NearestNeighbors | None = None  # HDBSCAN: the training rows, to assign new ones
    neighbour_labels: np.ndarray | None = None

    @property
    def clusters(self) -> list[int]:
        """The cluster ids a row can get (with -1 when HDBSCAN left rows out)."""
        if self.family == "kmeans":
            return list(range(self.clusterer.n_clusters))
        if self.family == "gaussian_mixture":
            return list(range(self.clusterer.n_components))
        return sorted({int(label) for label in self.neighbour_labels})

    def transform(self, frame: Any) -> np.ndarray:
        """The preprocessed matrix the clusterer works in."""
        return np.asarray(self.preprocessor.transform(frame), dtype=np.float64)

    def predict(self, frame: Any) -> np.ndarray:
        """Each row's cluster: what MLflow's python_function flavour calls."""
        return np.asarray(self.assign(self.transform(frame))["cluster"])

    def assign(self, matrix: np.ndarray) -> dict[str, np.ndarray | None]:
        """Cluster, distance to its centre (k-means) or probability (mixture), anomaly score."""
        distance = probability = None
        if self.family == "kmeans":
            distances = self.clusterer.transform(matrix)
            cluster = distances.argmin(axis=1)
            distance = distances[np.arange(len(matrix)), cluster]
        elif self.family == "gaussian_mixture":
            probabilities = self.clusterer.predict_proba(matrix)
            cluster = probabilities.argmax(axis=1)
            probability = probabilities[np.arange(len(matrix)), cluster]
        else:
            gaps, nearest = self.neighbours.kneighbors(matrix, n_neighbors=1)
            cluster = self.neighbour_labels[nearest[:, 0]]
            distance = gaps[:, 0]
        return {
            "cluster": cluster,
            "distance": distance,
            "probability": probability,
            "anomaly_score": anomaly_scores(self.anomaly, matrix),
        }


def anomaly_scores(detector: IsolationForest | None, matrix: np.ndarray) -> np.ndarray | None:
    """Higher is more unusual; above 0 the isolation forest flags the row as an anomaly."""
    if detector is None:
        return None
    return -detector.decision_function(matrix)


def fit_anomaly(matrix: np.ndarray, n_estimators: int, seed: int) -> IsolationForest:
    """An isolation forest on the preprocessed training rows."""
    return IsolationForest(n_estimators=n_estimators, random_state=seed).fit(matrix)


def neighbours_of(matrix: np.ndarray, labels: np.ndarray) -> tuple[NearestNeighbors, np.ndarray]:
    """The training rows and their HDBSCAN labels, for assigning new rows."""
    return NearestNeighbors(n_neighbors=1).fit(matrix), np.asarray(labels)
