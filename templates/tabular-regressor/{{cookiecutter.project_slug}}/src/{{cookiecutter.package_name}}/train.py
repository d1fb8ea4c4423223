"""Stage `train`: pick the best candidate by cross-validation, save it, log the run to MLflow."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from .config import (
    CV_RESULTS_JSON,
    MODEL_DIR,
    MODEL_FILE,
    RUN_FILE,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.onnx_export import PARITY_RTOL, check_export, export_onnx
from .core.onnx_model import ONNX_FILE
from .core.prediction_interval import save_interval
from .core.records import example_request
from .core.stage import replaced_on_success, run_stage
from .core.tracking import (
    DATA_DIGEST_PARAM,
    RunRecord,
    configure,
    data_digest,
    public_uri,
    save_run_record,
)
from .data import read_split
from .features import infer_schema, save_schema
from .reporting.example_files import save_request
from .selection import Selection, select_model


def train(config: Config) -> Selection:
    """Select, refit and save the model; write the CV comparison; record the MLflow run."""
    features, target = read_split(TRAIN_CSV, config.data.target)
    schema = infer_schema(features, target)
    features = schema.coerce(features)
    # Before the slow part: an unreachable tracking server fails now, in one line.
    uri = configure(config.mlflow.experiment)
    started = time.perf_counter()
    selection = select_model(features, target, schema, config)
    seconds = time.perf_counter() - started  # the model card's compute: grid search and refit

    # The model files change only once the run is logged: a failure keeps the previous model.
    with replaced_on_success(MODEL_DIR) as staged:
        joblib.dump(selection.model, staged / MODEL_FILE)
        schema_path = save_schema(schema, staged)
        save_interval(selection.interval, staged)  # the API's prediction intervals
        # The API serves the ONNX copy: it is kept only if it answers like the model itself.
        export_onnx(selection.model, schema, staged / ONNX_FILE)
        held_out, _ = read_split(TEST_CSV, config.data.target)
        difference = check_export(selection.model, schema, staged / ONNX_FILE, held_out)
        save_request(example_request(schema), staged)  # the request /docs and the README show
        record = log_run(selection, schema_path, features.head(5), config, uri)
        save_run_record(record, staged / RUN_FILE)
    CV_RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    summary = selection.summary() | {"train_seconds": round(seconds, 2), "device": "cpu"}
    CV_RESULTS_JSON.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for result in selection.results:
        chosen = "  <- best" if result is selection.best else ""
        print(
            f"train: {result.name:<24} CV {selection.scoring} {result.mean:.4f} "
            f"± {result.std:.4f} {result.params}{chosen}"
        )
    print(
        f"train: {MODEL_DIR / ONNX_FILE} matches the model on {len(held_out)} held-out rows "
        f"(largest relative difference {difference:.1e}, tolerance {PARITY_RTOL:g})"
    )
    interval = selection.interval
    scale = " on the log scale" if interval.log_scale else ""
    print(
        f"train: {interval.level:.0%} prediction intervals ± {interval.half_width:.4g}{scale}, "
        f"from {interval.residuals} out-of-fold residuals"
    )
    print(
        f"train: MLflow run {record.run_id} in {public_uri(uri)}, "
        f"{record.registered_model} v{record.model_version}"
    )
    return selection


def run_params(selection: Selection, config: Config) -> dict[str, Any]:
    """What MLflow records as the run's parameters: the knobs, then the winner's settings."""
    params: dict[str, Any] = {
        "seed": config.seed,
        "data.source": config.data.source,
        "data.target": config.data.target,
        "data.drop_columns": config.data.drop_columns,
        "data.test_size": config.data.test_size,
        # The rows themselves: a CSV edited in place changes this and nothing else.
        DATA_DIGEST_PARAM: data_digest([TRAIN_CSV, TEST_CSV]),
        "preprocess.max_categories": config.train.preprocess.max_categories,
        "train.cv_folds": config.train.cv_folds,
        "train.scoring": config.train.scoring,
        "train.log_target": config.train.log_target,
        "train.interval_level": config.train.interval_level,
        "model": selection.best.name,
    }
    params |= {f"grid.{name}": grid for name, grid in config.train.candidates.items()}
    params |= {f"model.{name}": value for name, value in selection.best.params.items()}
    return params


def log_run(
    selection: Selection, schema_path: Path, example: pd.DataFrame, config: Config, uri: str
) -> RunRecord:
    """One MLflow run per training; evaluate re-opens it to add the test metrics and figures."""
    import mlflow
    import sklearn

    with mlflow.start_run(run_name=f"train-{selection.best.name}") as run:
        mlflow.log_params(run_params(selection, config))
        cv_scores = {
            "cv_best_mean": selection.best.mean,
            "interval_half_width": selection.interval.half_width,
        }
        for result in selection.results:
            cv_scores |= {
                f"cv_{result.name}_mean": result.mean,
                f"cv_{result.name}_std": result.std,
            }
        mlflow.log_metrics(cv_scores)
        mlflow.log_dict(selection.summary(), "cv_results.json")
        mlflow.log_artifact(str(schema_path))
        logged = mlflow.sklearn.log_model(
            selection.model,
            name="model",
            registered_model_name=config.mlflow.registered_model,
            input_example=example,
            # Stated, not inferred: inferring them loads the model in a subprocess (seconds).
            pip_requirements=[f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}"],
            # Pickle, like models/model.joblib: MLflow's safer skops format costs seconds per
            # training (it audits types on save). Load only models you trained yourself.
            serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_PICKLE,
        )
    return RunRecord(
        run_id=run.info.run_id,
        experiment=config.mlflow.experiment,
        tracking_uri=uri,
        registered_model=config.mlflow.registered_model,
        model_version=str(logged.registered_model_version),
    )


def main() -> None:
    """`python -m ...train`: select, fit and register the model params.yaml describes."""
    train(load_config())


if __name__ == "__main__":
    run_stage(main)
