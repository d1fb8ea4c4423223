"""Stage `train`: fit each model of train.models (one MLflow run each); register the best one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from .config import Config, load_config
from .core.stage import replaced_on_success, run_stage
from .core.tracking import (
    BATCH_TAG,
    SERVED_TAG,
    RunRecord,
    configure,
    public_uri,
    save_run_record,
)
from .data import read_split, stratified_split
from .metrics import choice_phrase, classification_metrics, correct, selection_evidence
from .predict import BEST_FILE, META_FILE
from .reporting.example_files import save_request

DDP_MODEL_ENV = "TRAIN_DDP_MODEL"


def _requirements(name: str) -> list[str]:
    from importlib.metadata import version

    packages = {
        "baseline": ["scikit-learn", "numpy", "pandas"],
        "neural": ["torch", "numpy", "pandas"],
        "transformer": ["torch", "transformers", "numpy", "pandas"],
    }[name]
    return [f"{package}=={version(package)}" for package in packages]


def _fit(
    name: str, config: Config, fit: tuple, val: tuple, classes: list[str], logger: Any
) -> tuple[Any, dict, dict]:
    """Train one model; returns it, details worth logging, and its hyper-parameters."""
    seed = config.seed
    if name == "baseline":
        from . import baseline

        pipeline, details = baseline.fit(fit[0], fit[1], config.train.baseline, seed)
        return baseline.BaselineModel(pipeline), details, config.train.baseline.model_dump()
    if name == "neural":
        from . import neural

        model, details = neural.fit(fit, val, classes, config.train.neural, seed, logger)
        return model, details, config.train.neural.model_dump()
    from . import transformer

    model, details = transformer.fit(fit, val, classes, config.train.transformer, seed, logger)
    return model, details, config.train.transformer.model_dump()


def _save(name: str, model: Any, directory: Path) -> None:
    if name == "baseline":
        from .baseline import save

        save(model.pipeline, directory)
    else:
        model.save(directory)


def _splits(config: Config) -> tuple[tuple, tuple, list[str]]:
    """Texts and labels to fit on, to validate on, and the classes (the same in every process)."""
    train_frame = read_split(config.data.processed_dir, "train")
    classes = sorted(train_frame["label"].unique())
    rest, held_out = stratified_split(
        train_frame, config.train.val_size, config.seed, "validation split (train.val_size)"
    )
    fit = (rest["text"].tolist(), rest["label"].tolist())
    val = (held_out["text"].tolist(), held_out["label"].tolist())
    return fit, val, classes


def _example_text(texts: list[str], longest: int = 300) -> str:
    """A held-out text short enough to read in the docs: the first that fits, else the shortest."""
    fitting = [text for text in texts if text.strip() and len(text) <= longest]
    return fitting[0] if fitting else min(texts, key=len)


def train(config: Config) -> dict:
    """Train every model, save each under models/<name>/, write models/best.json; return it."""
    # Copying a model into MLflow's store is quick; its progress bars would only clutter the log.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    fit, val, classes = _splits(config)
    # Before the slow part: an unreachable tracking server fails now, in one line.
    uri = configure(config.mlflow.experiment)
    # The model files change only once every run is logged: a failure keeps the previous models.
    with replaced_on_success(config.train.model_dir) as staged:
        summary = _train_all(config, fit, val, classes, uri, staged)
        save_request({"text": _example_text(val[0])}, staged)  # shown by /docs and the README
    chosen = choice_phrase(summary["best_model"], summary["selection"], len(summary["models"]))
    print(
        f"served: {chosen}; registered as "
        f"{config.mlflow.registered_model} v{summary['model_version']} in {public_uri(uri)}"
    )
    return summary


def _train_all(
    config: Config, fit: tuple, val: tuple, classes: list[str], uri: str, root: Path
) -> dict:
    """Train, save and log every model under `root`; register the best; return best.json."""
    import mlflow

    results: dict[str, dict] = {}
    batch = uuid.uuid4().hex  # the models of this stage: one experiment in the README
    for name in config.train.models:
        directory = root / name
        directory.mkdir()
        with mlflow.start_run(run_name=name) as run:
            mlflow.set_tags({"model": name, "stage": "train", BATCH_TAG: batch})
            logger = None
            if name != "baseline":
                from lightning.pytorch.loggers import MLFlowLogger

                logger = MLFlowLogger(
                    experiment_name=config.mlflow.experiment,
                    tracking_uri=uri,
                    run_id=run.info.run_id,
                )
            print(f"training {name} on {len(fit[0])} texts ...", flush=True)
            started = time.perf_counter()
            os.environ[DDP_MODEL_ENV] = name  # tells worker processes (see main) what to train
            model, details, hyper = _fit(name, config, fit, val, classes, logger)
            seconds = round(time.perf_counter() - started, 1)
            _save(name, model, directory)
            if name == "neural":  # the only one that converts: see neural_onnx.py
                from .core.neural_onnx import export_neural

                gap = export_neural(model, directory, val[0])
                print(
                    f"{name}: {directory.name}/model.onnx matches it on {len(val[0])} validation "
                    f"texts (largest probability difference {gap:.1e})",
                    flush=True,
                )
            val_proba = model.predict_proba(val[0])
            scores = classification_metrics(val[1], val_proba, classes)
            print(f"{name}: {seconds} s, validation {scores}", flush=True)
            mlflow.log_params(
                {f"{name}.{k}": str(v)[:250] for k, v in hyper.items()}
                | {"train_rows": len(fit[0]), "val_rows": len(val[0]), "seed": config.seed}
            )
            mlflow.log_metrics(
                {f"val_{k}": v for k, v in scores.items()}
                | {"train_seconds": seconds}
                | {k: v for k, v in details.items() if isinstance(v, int | float)}
            )
            meta = {
                "kind": name,
                "classes": classes,
                "train_seconds": seconds,
                "validation": scores,
                "details": details,
                "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            (directory / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            from .core.mlflow_model import log_model

            model_uri = log_model(directory, val[0][:3], _requirements(name))
            record = RunRecord(run.info.run_id, config.mlflow.experiment, uri)
        results[name] = {
            "scores": scores,
            "uri": model_uri,
            "record": record,
            "correct": correct(val[1], val_proba, classes),
        }

    metric = config.train.select_by
    ranked = sorted(config.train.models, key=lambda n: -results[n]["scores"][metric])  # ties: first
    best = ranked[0]
    selection = None
    if len(ranked) > 1:  # the served model against the runner-up, on the same validation texts
        selection = selection_evidence(
            best,
            ranked[1],
            results[best]["correct"],
            results[ranked[1]]["correct"],
            seed=config.seed,
        )
    version = mlflow.register_model(results[best]["uri"], config.mlflow.registered_model)
    mlflow.MlflowClient().set_tag(results[best]["record"].run_id, SERVED_TAG, "true")
    for name, result in results.items():
        record = result["record"]
        if name == best:
            record = dataclasses.replace(
                record,
                registered_model=config.mlflow.registered_model,
                model_version=str(version.version),
            )
            save_run_record(record, root / "run.json")
        save_run_record(record, root / name / "run.json")
    summary = {
        "best_model": best,
        "selected_by": f"val_{metric}",
        "models": list(config.train.models),
        "classes": classes,
        "validation": {name: result["scores"] for name, result in results.items()},
        "selection": selection,
        "registered_model": config.mlflow.registered_model,
        "model_version": str(version.version),
        "train_rows": len(fit[0]),
        "val_rows": len(val[0]),
    }
    (root / BEST_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main() -> None:
    config = load_config()
    if os.environ.get("LOCAL_RANK", "0") != "0" and DDP_MODEL_ENV in os.environ:
        # A worker Lightning started for a multi-process strategy (neural.strategy: ddp): it
        # reruns this command, so it joins the one model being trained; rank 0 does the rest.
        fit, val, classes = _splits(config)
        _fit(os.environ[DDP_MODEL_ENV], config, fit, val, classes, logger=None)
        return
    train(config)


if __name__ == "__main__":
    run_stage(main)
