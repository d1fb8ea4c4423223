"""Stage `train`: compare the clustering families, keep the best, save it, log the run to MLflow."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from threadpoolctl import threadpool_limits

from .candidates import ClusterModel, fit_anomaly, neighbours_of
from .config import (
    MODEL_DIR,
    MODEL_FILE,
    NOT_EXPORTED_FILE,
    RUN_FILE,
    SELECTION_JSON,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.onnx_export import check_export, export_onnx, not_exportable
from .core.onnx_model import ONNX_FILE, PARITY_ATOL
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
from .preprocessing import build_preprocessor
from .reporting.example_files import save_request
from .selection import Selection, select_model


def fit_model(features: pd.DataFrame, config: Config) -> tuple[ClusterModel, Selection]:
    """Preprocess, select the clusterer, fit the anomaly detector: the model the API serves."""
    schema = infer_schema(features)
    preprocessor = build_preprocessor(schema, config.train.preprocess)
    matrix = preprocessor.fit_transform(schema.coerce(features))
    selection = select_model(matrix, config.train, config.seed)
    chosen = selection.chosen
    anomaly = config.train.anomaly
    model = ClusterModel(
        family=selection.best,
        setting=chosen.trial.setting,
        preprocessor=preprocessor,
        clusterer=chosen.clusterer,
        anomaly=fit_anomaly(matrix, anomaly.n_estimators, config.seed) if anomaly.enabled else None,
    )
    if model.family == "hdbscan":
        model.neighbours, model.neighbour_labels = neighbours_of(matrix, chosen.labels)
    return model, selection


def train(config: Config) -> Selection:
    """Select and save the model; write the comparison; record the MLflow run."""
    features, _ = read_split(TRAIN_CSV, config.data.label)  # the label never reaches the fit
    schema = infer_schema(features)
    # Before the slow part: an unreachable tracking server fails now, in one line.
    uri = configure(config.mlflow.experiment)
    started = time.perf_counter()
    # One thread: on a few thousand rows k-means' thread pool costs more than it saves (4x here).
    with threadpool_limits(limits=1):
        model, selection = fit_model(features, config)
    seconds = time.perf_counter() - started

    # The model files change only once the run is logged: a failure keeps the previous model.
    # A run writes the ONNX copy or the reason there is none: the other one goes.
    with replaced_on_success(MODEL_DIR, either=(ONNX_FILE, NOT_EXPORTED_FILE)) as staged:
        joblib.dump(model, staged / MODEL_FILE)
        schema_path = save_schema(schema, staged)
        reason = not_exportable(model)
        if reason is None:  # the API serves the ONNX copy, kept only if it answers alike
            export_onnx(model, schema, staged / ONNX_FILE)
            held_out, _ = read_split(TEST_CSV, config.data.label)
            difference = check_export(model, schema, staged / ONNX_FILE, held_out)
            print(
                f"train: {MODEL_DIR / ONNX_FILE} matches the model on {len(held_out)} held-out "
                f"rows (largest difference {difference:.1e}, tolerance {PARITY_ATOL:g})"
            )
        else:
            (staged / NOT_EXPORTED_FILE).write_text(reason + "\n", encoding="utf-8")
            print(f"train: no ONNX export, the API serves the native model: {reason}")
        save_request(example_request(schema), staged)  # the request /docs and the README show
        record = log_run(model, selection, schema_path, config, uri)
        save_run_record(record, staged / RUN_FILE)
    SELECTION_JSON.parent.mkdir(parents=True, exist_ok=True)
    summary = selection.summary() | {"train_seconds": round(seconds, 2), "device": "cpu"}
    SELECTION_JSON.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for name, choice in selection.choices.items():
        trial = choice.trial
        score = "–" if trial.silhouette is None else f"{trial.silhouette:.4f}"
        chosen = "  <- best" if name == selection.best else ""
        print(
            f"train: {name:<17} {trial.clusters} clusters (setting {trial.setting}), "
            f"silhouette {score}, stability ARI {choice.stability_mean:.3f}{chosen}"
        )
    print(
        f"train: MLflow run {record.run_id} in {public_uri(uri)}, "
        f"{record.registered_model} v{record.model_version}"
    )
    return selection


def run_params(model: ClusterModel, config: Config) -> dict[str, Any]:
    """What MLflow records as the run's parameters: the knobs, then the winner's setting."""
    train = config.train
    return {
        "seed": config.seed,
        "data.source": config.data.source,
        "data.label": config.data.label,
        "data.drop_columns": config.data.drop_columns,
        "data.test_size": config.data.test_size,
        # The rows themselves: a CSV edited in place changes this and nothing else.
        DATA_DIGEST_PARAM: data_digest([TRAIN_CSV, TEST_CSV]),
        "preprocess.max_categories": train.preprocess.max_categories,
        "train.models": ",".join(train.models),
        "train.k": f"{train.k.min}-{train.k.max}",
        "train.gaussian_mixture.covariance_type": train.gaussian_mixture.covariance_type,
        "train.hdbscan.min_cluster_size": train.hdbscan.min_cluster_size,
        "train.anomaly.enabled": train.anomaly.enabled,
        "model": model.family,
        "model.setting": model.setting,
        "model.clusters": len([c for c in model.clusters if c >= 0]),
    }


def log_run(
    model: ClusterModel, selection: Selection, schema_path: Path, config: Config, uri: str
) -> RunRecord:
    """One MLflow run per training; evaluate re-opens it to add the held-out metrics and figures."""
    import mlflow
    import sklearn

    with mlflow.start_run(run_name=f"train-{model.family}") as run:
        mlflow.log_params(run_params(model, config))
        scores = {}
        for name, choice in selection.choices.items():
            if choice.trial.silhouette is not None:
                scores[f"train_{name}_silhouette"] = choice.trial.silhouette
            scores[f"train_{name}_stability_ari"] = choice.stability_mean
        mlflow.log_metrics(scores)
        mlflow.log_dict(selection.summary(), "selection.json")
        mlflow.log_artifact(str(schema_path))
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=config.mlflow.registered_model,
            # Stated, not inferred: inferring them loads the model in a subprocess (seconds).
            pip_requirements=[f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}"],
            # Pickle, like models/model.joblib: load only models you trained yourself.
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
