"""Stage `evaluate`: assign the held-out rows to clusters and score them; figures, MLflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
)
from threadpoolctl import threadpool_limits

from . import figures
from .candidates import ClusterModel
from .config import (
    FIGURES_DIR,
    METRICS_JSON,
    MODEL_DIR,
    RUN_FILE,
    SELECTION_JSON,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.errors import DataError
from .core.stage import run_stage
from .core.tracking import load_run_record, log_to_training_run
from .data import read_split
from .predict import load_predictor
from .profiles import profile, sizes
from .reporting import evaluation
from .reporting.evidence import EVALUATION_JSON


def cluster_scores(
    matrix: np.ndarray, clusters: np.ndarray, label: pd.Series | None
) -> dict[str, float]:
    """Silhouette, Davies-Bouldin, Calinski-Harabasz; the label's adjusted Rand index if any."""
    scores = {
        "silhouette": float(silhouette_samples(matrix, clusters).mean()),
        "davies_bouldin": float(davies_bouldin_score(matrix, clusters)),
        "calinski_harabasz": float(calinski_harabasz_score(matrix, clusters)),
    }
    if label is not None:
        scores["label_ari"] = float(adjusted_rand_score(label, clusters))
    return scores


def held_out(model: ClusterModel, frame: pd.DataFrame, schema: Any) -> tuple[np.ndarray, dict]:
    """The preprocessed rows and the model's answer for them."""
    matrix = model.transform(schema.coerce(frame))
    return matrix, model.assign(matrix)


def evaluate(config: Config) -> dict[str, float]:
    """Score the saved model on data/test.csv; write reports/metrics.json and the figures."""
    trained = load_predictor(MODEL_DIR)
    model, schema = trained.model, trained.schema
    label = config.data.label
    test, test_label = read_split(TEST_CSV, label)
    train, _ = read_split(TRAIN_CSV, label)
    summary = json.loads(SELECTION_JSON.read_text(encoding="utf-8"))
    with threadpool_limits(limits=1):  # small tables: threads cost more than they save
        matrix, answer = held_out(model, test, schema)
        train_matrix, train_answer = held_out(model, train, schema)
        clusters = np.asarray(answer["cluster"])
        found = len(set(clusters.tolist()))
        if found < 2 or found >= len(clusters):
            raise DataError(
                f"the {len(clusters)} held-out rows fall into {found} cluster(s): the silhouette "
                "is undefined; raise data.test_size or lower train.k.min"
            )
        metrics = cluster_scores(matrix, clusters, test_label)
        metrics["stability_ari"] = summary["families"][summary["best"]]["stability_ari"]
        table = profile(train, train_answer["cluster"], schema)
        drawn = draw_figures(
            train_matrix, train_answer["cluster"], matrix, clusters, table, summary, config
        )
        evaluation.write(
            matrix=matrix,
            clusters=clusters,
            label=test_label,
            metrics=metrics,
            table=table,
            train_sizes=sizes(train_answer["cluster"]),
            anomaly=answer["anomaly_score"],
            summary=summary,
            figures=drawn,
            config=config,
            score=cluster_scores,
        )
    METRICS_JSON.parent.mkdir(parents=True, exist_ok=True)
    METRICS_JSON.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    log_to_training_run(
        load_run_record(MODEL_DIR / RUN_FILE),
        metrics,
        [(METRICS_JSON, None), (EVALUATION_JSON, None), *((path, "figures") for path in drawn)],
    )
    print(
        f"evaluate: {len(clusters)} held-out rows: "
        + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items())
    )
    return metrics


def draw_figures(
    train_matrix: np.ndarray,
    train_clusters: np.ndarray,
    matrix: np.ndarray,
    clusters: np.ndarray,
    table: pd.DataFrame,
    summary: dict[str, Any],
    config: Config,
) -> list[Path]:
    """Every figure of the evaluation, as PNGs under reports/figures/, the most telling first."""
    drawn = [
        figures.embedding(
            train_matrix,
            train_clusters,
            matrix,
            clusters,
            config.seed,
            FIGURES_DIR / "embedding.png",
        ),
        figures.criteria(summary, FIGURES_DIR / "criteria.png"),
        figures.profiles(table, FIGURES_DIR / "cluster_profiles.png"),
    ]
    drawn.append(
        figures.sizes(sizes(train_clusters), sizes(clusters), FIGURES_DIR / "cluster_sizes.png")
    )
    return drawn


def main() -> None:
    """`python -m ...evaluate`: score the model on the held-out split."""
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
