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
from .core.onnx_export import check_export, export_onnx
from .core.onnx_model import ONNX_FILE, PARITY_ATOL
from .core.records import example_request
from .core.stage import (
    check_writable,
    drop_log_messages,
    replaced_on_success,
    run_stage,
    write_atomically,
)
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
    check_writable(MODEL_DIR)  # a read-only models/ fails now, before any training or run
    features, labels = read_split(TRAIN_CSV, config.data.target)
    schema = infer_schema(features, labels)
    features = schema.coerce(features)
    # Before the slow part: an unreachable tracking server fails now, in one line.
    uri = configure(config.mlflow.experiment)
    started = time.perf_counter()
    selection = select_model(features, labels, schema, config)
    seconds = time.perf_counter() - started  # the model card's compute: grid search and refit

    # The model files change only once the run is logged: a failure keeps the previous model.
    with replaced_on_success(MODEL_DIR) as staged:
        joblib.dump(selection.model, staged / MODEL_FILE)
        schema_path = save_schema(schema, staged)
        # The API serves the ONNX copy: it is kept only if it answers like the model itself.
        export_onnx(selection.model, schema, staged / ONNX_FILE)
        held_out, _ = read_split(TEST_CSV, config.data.target)
        difference = check_export(selection.model, schema, staged / ONNX_FILE, held_out)
        save_request(example_request(schema), staged)  # the request /docs and the README show
        record = log_run(selection, schema_path, features.head(5), config, uri)
        save_run_record(record, staged / RUN_FILE)
    summary = selection.summary() | {"train_seconds": round(seconds, 2), "device": "cpu"}
    write_atomically(CV_RESULTS_JSON, json.dumps(summary, indent=2) + "\n")
    for result in selection.results:
        chosen = "  <- best" if result is selection.best else ""
        print(
            f"train: {result.name:<24} CV {selection.scoring} {result.mean:.4f} "
            f"± {result.std:.4f} {result.params}{chosen}"
        )
    print(
        f"train: {MODEL_DIR / ONNX_FILE} matches the model on {len(held_out)} held-out rows "
        f"(largest probability difference {difference:.1e}, tolerance {PARITY_ATOL:g})"
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
        "data.label_names": config.data.label_names,
        "data.test_size": config.data.test_size,
        # The rows themselves: a CSV edited in place changes this and nothing else.
        DATA_DIGEST_PARAM: data_digest([TRAIN_CSV, TEST_CSV]),
        "preprocess.max_categories": config.train.preprocess.max_categories,
        "train.cv_folds": config.train.cv_folds,
        "train.scoring": config.train.scoring,
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
        cv_scores = {"cv_best_mean": selection.best.mean}
        for result in selection.results:
            cv_scores |= {
                f"cv_{result.name}_mean": result.mean,
                f"cv_{result.name}_std": result.std,
            }
        mlflow.log_metrics(cv_scores)
        mlflow.log_dict(selection.summary(), "cv_results.json")
        mlflow.log_artifact(str(schema_path))
        # The format is chosen below, knowingly: MLflow's warning about it on every run goes.
        drop_log_messages("mlflow.sklearn", "Saving scikit-learn models in the pickle")
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
