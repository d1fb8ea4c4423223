"""The evaluation figures as PNGs: the 2-D picture, the criteria against k, profiles, sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.decomposition import PCA

from .profiles import cluster_name
from .reporting.plotting import save_figure

# Files only, never a window.
matplotlib.use("Agg")

TOP_FEATURES = 15  # more columns than this in the profile stop being readable
PALETTE = matplotlib.colormaps["tab10"]


def _colour(cluster: int) -> Any:
    return "#9a9a9a" if cluster == -1 else PALETTE(cluster % 10)


def embedding(
    train: np.ndarray,
    train_clusters: np.ndarray,
    test: np.ndarray,
    test_clusters: np.ndarray,
    seed: int,
    path: Path,
) -> Path:
    """PCA of the preprocessed rows (fitted on the training rows), coloured by cluster."""
    pca = PCA(n_components=2, random_state=seed).fit(train)
    shown_train, shown_test = pca.transform(train), pca.transform(test)
    figure = Figure(figsize=(7, 5.5))
    ax = figure.subplots()
    for cluster in sorted(set(train_clusters.tolist()) | set(test_clusters.tolist())):
        colour = _colour(cluster)
        mine = train_clusters == cluster
        ax.scatter(
            *shown_train[mine].T, s=18, color=colour, alpha=0.45, label=cluster_name(cluster)
        )
        held = test_clusters == cluster
        ax.scatter(*shown_test[held].T, s=42, color=colour, edgecolor="black", linewidth=0.8)
    ratio = pca.explained_variance_ratio_
    ax.set(xlabel=f"PC 1 ({ratio[0]:.0%} of the variance)", ylabel=f"PC 2 ({ratio[1]:.0%})")
    ax.set_title("Clusters in 2-D (PCA); outlined: held-out rows")
    ax.legend(loc="best", fontsize=10)
    ax.grid(alpha=0.3)
    return save_figure(figure, path)


def criteria(summary: dict[str, Any], path: Path) -> Path:
    """Silhouette against k (k-means, mixture) and BIC against k (mixture), the choices marked."""
    trials = pd.DataFrame(summary["trials"])
    families = summary["families"]
    figure = Figure(figsize=(10, 4.5))
    left, right = figure.subplots(1, 2)
    for family in ("kmeans", "gaussian_mixture"):
        rows = trials[trials["family"] == family]
        if rows.empty:
            continue
        left.plot(rows["setting"], rows["silhouette"], marker="o", label=family)
        chosen = families[family]
        if chosen["silhouette"] is not None:
            left.scatter(
                [chosen["setting"]],
                [chosen["silhouette"]],
                s=160,
                facecolor="none",
                edgecolor="black",
                linewidth=1.5,
            )
    left.set(xlabel="k (clusters)", ylabel="silhouette on the training rows (higher is better)")
    left.set_title("Silhouette against k; circled: each family's choice")
    left.legend()
    left.grid(alpha=0.3)
    mixture = trials[trials["family"] == "gaussian_mixture"]
    if mixture.empty:
        right.text(0.5, 0.5, "no Gaussian mixture in train.models", ha="center", va="center")
        right.set_axis_off()
    else:
        right.plot(mixture["setting"], mixture["bic"], marker="o", color="#dd8452")
        chosen = families["gaussian_mixture"]
        right.scatter(
            [chosen["setting"]],
            [chosen["bic"]],
            s=160,
            facecolor="none",
            edgecolor="black",
            linewidth=1.5,
        )
        right.set(xlabel="k (components)", ylabel="BIC (lower is better)")
        right.set_title("Gaussian mixture: BIC against k")
        right.grid(alpha=0.3)
    return save_figure(figure, path)


def profiles(table: pd.DataFrame, path: Path) -> Path:
    """Heat map of each cluster's standardised mean per number column (the most varied first)."""
    if table.empty or not table.shape[1]:
        figure = Figure(figsize=(7, 3))
        ax = figure.subplots()
        ax.text(0.5, 0.5, "no number columns to profile", ha="center", va="center", fontsize=14)
        ax.set_axis_off()
        return save_figure(figure, path)
    columns = table.abs().max().sort_values(ascending=False).index[:TOP_FEATURES]
    shown = table[columns]
    figure = Figure(figsize=(max(7, 0.6 * len(columns) + 3), 0.6 * len(shown) + 3))
    ax = figure.subplots()
    limit = max(float(np.abs(shown.to_numpy()).max()), 0.5)
    image = ax.imshow(shown.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(len(columns)), [str(name) for name in columns], rotation=45, ha="right")
    ax.set_yticks(range(len(shown)), [cluster_name(int(c)) for c in shown.index])
    for (row, column), value in np.ndenumerate(shown.to_numpy()):
        ax.text(column, row, f"{value:+.1f}", ha="center", va="center", fontsize=10)
    figure.colorbar(image, ax=ax, label="against the mean (sd)")
    ax.set_title("Cluster profiles: what sets each cluster apart")
    return save_figure(figure, path)


def sizes(train_counts: pd.Series, test_counts: pd.Series, path: Path) -> Path:
    """Rows per cluster in the training and the held-out rows."""
    clusters = sorted(set(train_counts.index) | set(test_counts.index))
    positions = np.arange(len(clusters))
    figure = Figure(figsize=(7, 4.5))
    ax = figure.subplots()
    ax.bar(positions - 0.2, [train_counts.get(c, 0) for c in clusters], 0.4, label="training")
    ax.bar(positions + 0.2, [test_counts.get(c, 0) for c in clusters], 0.4, label="held-out")
    ax.set_xticks(positions, [cluster_name(int(c)) for c in clusters])
    ax.set_ylabel("rows")
    ax.set_title("Cluster sizes")
    ax.legend()
    return save_figure(figure, path)
