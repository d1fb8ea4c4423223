"""What sets each cluster apart: its mean of each number column against the overall mean.

Standardised (in standard deviations of the whole table), so columns in different units compare;
text columns are left out of the profile (their one-hot codes still shape the clusters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import FeatureSchema

SMALL = 0.25  # standard deviations: a difference below this does not describe a cluster


def profile(frame: pd.DataFrame, clusters: np.ndarray, schema: FeatureSchema) -> pd.DataFrame:
    """Rows: clusters; columns: number features; values: (cluster mean - mean) / std."""
    numbers = schema.coerce(frame)[schema.columns("number")]
    spread = numbers.std(ddof=0).replace(0, np.nan)
    means = numbers.groupby(np.asarray(clusters)).mean()
    return ((means - numbers.mean()) / spread).fillna(0.0)


def sizes(clusters: np.ndarray) -> pd.Series:
    """Rows per cluster, in cluster order."""
    return pd.Series(np.asarray(clusters)).value_counts().sort_index()


def cluster_name(cluster: int) -> str:
    return "noise (no cluster)" if cluster == -1 else f"Cluster {cluster}"


def describe(table: pd.DataFrame, counts: pd.Series, top: int) -> list[str]:
    """One plain sentence per cluster: its size and its most distinguishing features."""
    total = int(counts.sum())
    sentences = []
    for cluster, row in table.iterrows():
        count = int(counts.get(cluster, 0))
        head = f"{cluster_name(int(cluster))} ({count} rows, {count / total:.0%})"
        strongest = row.abs().sort_values(ascending=False)
        named = [
            f"{'high' if row[name] > 0 else 'low'} `{name}` ({row[name]:+.1f} sd)"
            for name in strongest.index[:top]
            if strongest[name] >= SMALL
        ]
        if named:
            sentences.append(f"{head}: {', '.join(named)}.")
        else:
            sentences.append(f"{head}: close to the overall mean on every number column.")
    return sentences
