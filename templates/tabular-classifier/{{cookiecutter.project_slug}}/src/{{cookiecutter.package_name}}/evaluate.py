"""Stage `evaluate`: score the chosen model once on the held-out rows; metrics, figures, MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from . import figures
from .classifier import rivals
from .classifier.classification import classification_metrics, confusion_matrix_figure
from .classifier.comparisons import most_probable_class, right_or_wrong
from .classifier.seeds import SEEDS_JSON, seed_table, write_seed_table
from .classifier.slices import SLICES_JSON, check_columns, slice_table
from .classifier.thresholds import THRESHOLDS_JSON, threshold_table
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
from .core.errors import DataError
from .core.stage import run_stage, write_atomically
from .core.tracking import load_run_record, log_to_training_run
from .data import read_split
from .features import FeatureSchema
from .metrics import positive_class
from .predict import load_predictor
from .reporting import evaluation
from .reporting.evidence import EVALUATION_JSON
from .selection import scorer_name


def feature_importance(
    model: Pipeline, features: pd.DataFrame, labels: pd.Series, scoring: str, config: Config
) -> pd.DataFrame:
    """Permutation importance of each input column: the score lost when it is shuffled."""
    result = permutation_importance(
        model,
        features,
        labels,
        scoring=scoring,
        n_repeats=config.evaluate.permutation_repeats,
        random_state=config.seed,
    )
    return pd.DataFrame(
        {"mean": result.importances_mean, "std": result.importances_std}, index=features.columns
    )


def held_out_score(
    model: Pipeline,
    features: pd.DataFrame,
    labels: pd.Series,
    scoring: str,
    metrics: dict[str, float],
) -> float:
    """The held-out score in the cross-validation's own metric, to set beside its mean."""
    same = {"accuracy": "accuracy", "roc_auc": "roc_auc", "roc_auc_ovr": "roc_auc"}.get(scoring)
    if same is not None:  # the very number reports/metrics.json holds
        return metrics[same]
    return float(get_scorer(scoring)(model, features, labels))


def draw_figures(
    labels: pd.Series,
    probabilities: np.ndarray,
    schema: FeatureSchema,
    positive: str | None,
    importances: pd.DataFrame,
    scoring: str,
    summary: dict,
) -> list[Path]:
    """Every figure of the evaluation, as PNGs under reports/figures/, the most telling first."""
    classes = schema.classes
    predicted = np.asarray(classes)[probabilities.argmax(axis=1)]
    return [
        confusion_matrix_figure(
            labels,
            predicted,
            classes,
            FIGURES_DIR / "confusion_matrix.png",
            title="Confusion matrix (held-out test set)",
        ),
        figures.roc_curves(labels, probabilities, classes, positive, FIGURES_DIR / "roc_curve.png"),
        figures.precision_recall_curves(
            labels, probabilities, classes, positive, FIGURES_DIR / "precision_recall_curve.png"
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
    features, labels = read_split(TEST_CSV, schema.target)
    features = schema.coerce(features)
    check_columns(config.evaluate.slices, list(features.columns))  # before any work is done
    absent = sorted(set(schema.classes) - set(labels))
    if absent:
        raise DataError(
            f"the test split has no rows of class(es) {absent}; add rows or raise data.test_size"
        )

    positive = positive_class(schema.classes, config.evaluate.positive_class)
    scoring = scorer_name(config.train.scoring, len(schema.classes))
    summary = json.loads(CV_RESULTS_JSON.read_text(encoding="utf-8"))
    with threadpool_limits(limits=1):  # small tables: threads cost more than they save
        probabilities = model.predict_proba(features)
        metrics = classification_metrics(labels, probabilities, schema.classes, positive)
        correct = right_or_wrong(most_probable_class(probabilities, list(schema.classes)), labels)
        slices = slice_table(features, correct, config.evaluate.slices, seed=config.seed)
        importances = feature_importance(model, features, labels, scoring, config)
        held_out = held_out_score(model, features, labels, scoring, metrics)
        drawn = draw_figures(labels, probabilities, schema, positive, importances, scoring, summary)
        train_features, train_labels = read_split(TRAIN_CSV, schema.target)
        train_features = schema.coerce(train_features)
        fitted = [rivals.one_column_rule(train_features, train_labels, features, schema)]
        if summary["best"] != "logistic_regression":  # else the model is that baseline itself
            fitted.append(
                rivals.logistic_regression(
                    train_features,
                    train_labels,
                    features,
                    schema,
                    config.train.preprocess,
                    config.seed,
                )
            )
        seeds = seed_table(
            model,
            (train_features, train_labels),
            (features, labels),
            schema.classes,
            count=config.evaluate.seeds or 0,
            served_seed=config.seed,
            served_accuracy=metrics["accuracy"],
            name=summary["best"],
        )
    write_atomically(METRICS_JSON, json.dumps(metrics, indent=2) + "\n")
    thresholds = threshold_table(labels, probabilities, schema.classes, positive)
    write_atomically(THRESHOLDS_JSON, json.dumps(thresholds, indent=2, ensure_ascii=False) + "\n")
    write_atomically(SLICES_JSON, json.dumps(slices, indent=2, ensure_ascii=False) + "\n")
    write_seed_table(seeds)
    evaluation.write(
        labels=labels,
        probabilities=probabilities,
        classes=list(schema.classes),
        positive=positive,
        metrics=metrics,
        train_labels=train_labels,
        importances=importances,
        cv_summary=summary,
        figures=drawn,
        scoring=scoring,
        seed=config.seed,
        rivals=[rival for rival in fitted if rival is not None],
        held_out_score=held_out,
        thresholds=thresholds,
        slices=slices,
        seeds=seeds,
    )

    log_to_training_run(
        load_run_record(MODEL_DIR / RUN_FILE),
        metrics,
        [
            (METRICS_JSON, None),
            (EVALUATION_JSON, None),
            (THRESHOLDS_JSON, None),
            (SLICES_JSON, None),
            *([(SEEDS_JSON, None)] if seeds else []),
            *((path, "figures") for path in drawn),
        ],
    )
    print(
        f"evaluate: {len(labels)} held-out rows: "
        + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items())
    )
    return metrics


def main() -> None:
    """`python -m ...evaluate`: score the model on the held-out split."""
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
