"""reports/evaluation.json of the clustering: headline, random-assignment baseline, findings.

The headline is the silhouette of the held-out rows, with a 95% bootstrap interval over them. The
baseline is the same rows given random clusters of the same sizes (a shuffle of the model's own
assignment): a silhouette near 0 or below, which the model must clearly beat. A single cluster is
no baseline: its silhouette is undefined.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_samples

from ..profiles import cluster_name, describe
from .evidence import Baseline, FigureEntry, Headline, read_data_checks, warn, write_evaluation

UNIT = "held-out rows"
ANOMALY_SHOWN = 3  # rows named in the anomaly finding


def bootstrap_interval(values: np.ndarray, *, seed: int, resamples: int) -> tuple[float, float]:
    """95% percentile interval of the mean of `values` over bootstrap resamples."""
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(resamples, len(values)), replace=True).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def random_baseline(
    matrix: np.ndarray,
    clusters: np.ndarray,
    label: pd.Series | None,
    seed: int,
    score: Callable[..., dict[str, float]],
) -> Baseline:
    """The held-out rows in random clusters of the model's sizes, scored like the model."""
    shuffled = np.random.default_rng(seed).permutation(clusters)
    return Baseline(
        name="random, same sizes",
        description="the model's clusters shuffled across the held-out rows",
        metrics=score(matrix, shuffled, label),
    )


def captions(paths: list[Path], rows: int, best: str) -> list[FigureEntry]:
    """Each figure with what it shows, the 2-D picture first."""
    said = {
        "embedding": f"The rows in two dimensions (PCA of the preprocessed features), coloured "
        f"by the {best} clusters; the {rows} {UNIT} are outlined",
        "criteria": "The choice of k: silhouette against k for k-means and the Gaussian mixture, "
        "and the mixture's BIC; each family's choice circled",
        "cluster_profiles": "Cluster profiles: each cluster's mean of each number column against "
        "the overall mean, in standard deviations",
        "cluster_sizes": "Rows per cluster, training and held-out",
    }
    return [FigureEntry(path.as_posix(), said.get(path.stem, path.stem)) for path in paths]


def selection_findings(summary: dict[str, Any]) -> list[str]:
    """How each family chose its setting, and which won."""
    families, best = summary["families"], summary["best"]
    sentences = []
    for name, family in families.items():
        score = family["silhouette"]
        said = "undefined" if score is None else f"{score:.3f}"
        if name == "gaussian_mixture":
            how = f"k = {family['setting']} had the lowest BIC ({family['bic']:.1f})"
        elif name == "hdbscan":
            how = (
                f"min_cluster_size = {family['setting']} had the best silhouette "
                f"({family['clusters']} clusters, {family['noise']:.0%} of rows as noise)"
            )
        else:
            how = f"k = {family['setting']} had the best silhouette"
        sentences.append(
            # "silhouette 0.275" would read as the served model's score (and `mlport check`
            # compares it with the metrics file): the family's own score is said apart.
            f"`{name}`: {how}; its silhouette on the training rows is {said}, its stability "
            f"(mean adjusted Rand index over refits) {family['stability_ari']:.3f}."
        )
    sentences.append(
        f"`{best}` is served: the best training silhouette of the {len(families)} families."
    )
    return sentences


def stability_warnings(summary: dict[str, Any], threshold: float) -> list[str]:
    """A warning when the served clusters change across seeds or resamples."""
    family = summary["families"][summary["best"]]
    if family["stability_ari"] >= threshold:
        return []
    return [
        warn(
            f"the {summary['best']} clusters are unstable: refits with other seeds and on "
            f"resampled rows agree with them at a mean adjusted Rand index of "
            f"{family['stability_ari']:.3f} (below {threshold}); do not read much into each one"
        )
    ]


def anomaly_findings(scores: np.ndarray | None) -> list[str]:
    """How many held-out rows the isolation forest flags, and how unusual the worst is."""
    if scores is None:
        return []
    flagged = int((scores > 0).sum())
    order = np.argsort(-scores)[:ANOMALY_SHOWN]
    worst = ", ".join(f"{scores[i]:.3f}" for i in order)
    return [
        f"The isolation forest flags {flagged} of {len(scores)} held-out rows as anomalies "
        f"(score above 0); the highest scores are {worst}."
    ]


def label_finding(metrics: dict[str, float], label: str | None) -> list[str]:
    """The external check, said as such."""
    if label is None or "label_ari" not in metrics:
        return []
    return [
        f"External check only (`{label}` was never used to fit): the clusters agree with "
        f"`{label}` at an adjusted Rand index of {metrics['label_ari']:.3f} on the held-out rows "
        "(1 is the same grouping, 0 is chance)."
    ]


def write(
    *,
    matrix: np.ndarray,
    clusters: np.ndarray,
    label: pd.Series | None,
    metrics: dict[str, float],
    table: pd.DataFrame,
    train_sizes: pd.Series,
    anomaly: np.ndarray | None,
    summary: dict[str, Any],
    figures: list[Path],
    config: Any,
    score: Callable[..., dict[str, float]],
) -> dict[str, Any]:
    """Write reports/evaluation.json for this run."""
    per_row = silhouette_samples(matrix, clusters)
    headline = Headline(
        metric="silhouette",
        label="silhouette",
        value=metrics["silhouette"],
        n=len(clusters),
        unit=UNIT,
        interval=bootstrap_interval(per_row, seed=config.seed, resamples=config.evaluate.bootstrap),
    )
    baselines = [random_baseline(matrix, clusters, label, config.seed, score)]
    findings = describe(table, train_sizes, config.evaluate.profile_features)
    rival = baselines[0].metrics["silhouette"]
    findings.append(
        f"On the held-out rows the silhouette is {metrics['silhouette']:.3f}, against "
        f"{rival:.3f} for the same rows in random clusters of the same sizes."
    )
    findings += label_finding(metrics, config.data.label)
    findings += selection_findings(summary)
    findings += anomaly_findings(anomaly)
    noise = [cluster_name(-1)] if -1 in set(clusters.tolist()) else []
    if noise:
        findings.append(f"{int((clusters == -1).sum())} held-out rows are in no cluster (noise).")
    warnings = read_data_checks()
    warnings += stability_warnings(summary, config.train.stability.warn_below)
    return write_evaluation(
        headline, baselines, findings, warnings, captions(figures, len(clusters), summary["best"])
    )
