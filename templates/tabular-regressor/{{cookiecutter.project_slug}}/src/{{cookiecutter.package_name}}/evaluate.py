"""Stage `evaluate`: score the chosen model once on the held-out rows; metrics, figures, MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from . import figures
from .config import (
    CV_RESULTS_JSON,
    FIGURES_DIR,
    METRICS_JSON,
    MODEL_DIR,
    RUN_FILE,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.stage import run_stage, write_atomically
from .core.tracking import load_run_record, log_to_training_run
from .data import read_split
from .metrics import HEADLINE, regression_metrics
from .predict import load_predictor
from .regression.findings import error_by_range
from .regression.seeds import SEEDS_JSON, seed_table, write_seed_table
from .regression.slices import SLICES_JSON, check_columns, slice_table
from .reporting import evaluation
from .reporting.evidence import EVALUATION_JSON


def feature_importance(
    model: Pipeline, features: pd.DataFrame, target: pd.Series, config: Config
) -> pd.DataFrame:
    """Permutation importance of each input column: the score lost when it is shuffled."""
    result = permutation_importance(
        model,
        features,
        target,
        scoring=config.train.scoring,
        n_repeats=config.evaluate.permutation_repeats,
        random_state=config.seed,
    )
    return pd.DataFrame(
        {"mean": result.importances_mean, "std": result.importances_std}, index=features.columns
    )


def draw_figures(
    truth: np.ndarray,
    predicted: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray] | None,
    target: str,
    importances: pd.DataFrame,
    scoring: str,
    summary: dict,
) -> list[Path]:
    """Every figure of the evaluation, as PNGs under reports/figures/, the most telling first."""
    return [
        figures.predicted_vs_actual(
            truth, predicted, bounds, target, FIGURES_DIR / "predicted_vs_actual.png"
        ),
        figures.residuals_vs_predicted(
            truth, predicted, FIGURES_DIR / "residuals_vs_predicted.png"
        ),
        figures.error_by_range(
            error_by_range(truth, predicted), target, FIGURES_DIR / "error_by_range.png"
        ),
        figures.permutation_importance(
            importances, scoring, FIGURES_DIR / "permutation_importance.png"
        ),
        figures.cv_comparison(summary, FIGURES_DIR / "cv_comparison.png"),
    ]


def evaluate(config: Config) -> dict[str, float]:
    """Score the saved model on data/test.csv; write reports/metrics.json and the figures."""
    trained = load_predictor(MODEL_DIR)
    model, schema = trained.model, trained.schema
    features, target = read_split(TEST_CSV, schema.target)
    features = schema.coerce(features)
    check_columns(config.evaluate.slices, list(features.columns))  # before any work is done
    train_features, train_target = read_split(TRAIN_CSV, schema.target)
    summary = json.loads(CV_RESULTS_JSON.read_text(encoding="utf-8"))
    with threadpool_limits(limits=1):  # small tables: threads cost more than they save
        predicted = model.predict(features)
        metrics = regression_metrics(target.to_numpy(), predicted)
        importances = feature_importance(model, features, target, config)
        seeds = seed_table(
            model,
            (schema.coerce(train_features), train_target),
            (features, target),
            count=config.evaluate.seeds or 0,
            served_seed=config.seed,
            served_r2=metrics[HEADLINE],
            name=summary["best"],
        )
    bounds = trained.interval.bounds(predicted) if trained.interval else None
    truth = target.to_numpy()
    slices = slice_table(
        features,
        truth,
        predicted,
        config.evaluate.slices,
        seed=config.seed,
        resamples=config.evaluate.bootstrap_resamples,
    )
    drawn = draw_figures(
        truth, predicted, bounds, schema.target, importances, config.train.scoring, summary
    )
    METRICS_JSON.parent.mkdir(parents=True, exist_ok=True)
    METRICS_JSON.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_atomically(SLICES_JSON, json.dumps(slices, indent=2, ensure_ascii=False) + "\n")
    evaluation.write(
        truth=truth,
        predicted=predicted,
        bounds=bounds,
        interval_level=trained.interval.level if trained.interval else None,
        metrics=metrics,
        seeds=seeds,
        train=(schema.coerce(train_features), train_target),
        test_features=features,
        importances=importances,
        cv_summary=summary,
        figures=drawn,
        config=config,
        slices=slices,
    )

    write_seed_table(seeds)
    log_to_training_run(
        load_run_record(MODEL_DIR / RUN_FILE),
        metrics,
        [
            (METRICS_JSON, None),
            (EVALUATION_JSON, None),
            (SLICES_JSON, None),
            *((path, "figures") for path in drawn),
        ]
        + ([(SEEDS_JSON, None)] if seeds else []),
    )
    print(
        f"evaluate: {len(target)} held-out rows: "
        + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items())
    )
    return metrics


def main() -> None:
    """`python -m ...evaluate`: score the model on the held-out split."""
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
