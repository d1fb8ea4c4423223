"""The trained model ready to answer requests: loaded once, typed by its feature schema.

Two runtimes answer alike (training checks it): `onnx` runs models/model.onnx on onnxruntime and
imports nothing of the training stack; `native` runs the scikit-learn pipeline itself. Each
answer carries the split-conformal prediction interval training measured (see
core/prediction_interval.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .config import METRICS_JSON, MODEL_FILE, RUN_FILE
from .core.errors import ModelNotFoundError
from .core.onnx_feed import ESTIMATOR_KEY, OnnxFeed
from .core.onnx_model import ONNX_FILE, Runtime, open_session
from .core.prediction_interval import Interval, load_interval
from .core.tracking import RunRecord, load_run_record
from .features import FeatureSchema, load_schema

Records = Sequence[Mapping[str, Any]]
OUTPUT_NAME = "prediction"  # the ONNX graph's one output (core/onnx_export.py)


class Predictor:
    """Predictions for records keyed by feature name, from either runtime."""

    def __init__(
        self,
        values: Callable[[Records], np.ndarray],
        schema: FeatureSchema,
        *,
        runtime: Runtime,
        estimator: str,
        interval: Interval | None = None,
        model: Any = None,
        run: RunRecord | None = None,
        metrics: dict[str, float] | None = None,
    ) -> None:
        self.values = values
        self.schema = schema
        self.runtime = runtime
        self.estimator = estimator
        self.interval = interval
        self.model = model  # the scikit-learn pipeline (native runtime only)
        self.run = run
        self.metrics = metrics

    def predict(self, records: Records) -> list[dict[str, Any]]:
        """The predicted target and its prediction interval, for each record."""
        predicted = np.asarray(self.values(records), dtype=float).ravel()
        if self.interval is None:
            return [{"prediction": float(value), "interval": None} for value in predicted]
        low, high = self.interval.bounds(predicted)
        return [
            {
                "prediction": float(value),
                "interval": {"low": float(lo), "high": float(hi), "level": self.interval.level},
            }
            for value, lo, hi in zip(predicted, low, high, strict=True)
        ]

    def info(self) -> dict[str, Any]:
        """What /model-info answers: the model, its inputs and how it scored on held-out data."""
        return {
            "version": __version__,
            "estimator": self.estimator,
            "runtime": self.runtime,
            "target": self.schema.target,
            "features": [asdict(feature) for feature in self.schema.features],
            "example": self.schema.example,
            "prediction_interval": (
                asdict(self.interval) | {"method": "split-conformal, out-of-fold residuals"}
                if self.interval
                else None
            ),
            "test_metrics": self.metrics,
            "mlflow": asdict(self.run) if self.run else None,
        }


def load_predictor(model_dir: Path, *, runtime: Runtime = "native") -> Predictor:
    """Load the model saved by `dvc repro train`, or raise ModelNotFoundError."""
    model_path = model_dir / MODEL_FILE
    if not model_path.is_file():
        raise ModelNotFoundError(f"no trained model in {model_dir}/ ({model_path} is missing)")
    schema = load_schema(model_dir)
    # Held-out metrics sit in reports/ beside models/ in the project (not in the Docker image).
    metrics_path = model_dir.parent / METRICS_JSON
    metrics = (
        json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else None
    )
    context = {
        "run": load_run_record(model_dir / RUN_FILE),
        "metrics": metrics,
        "interval": load_interval(model_dir),
    }
    if runtime == "onnx":
        return _onnx_predictor(model_dir / ONNX_FILE, schema, context)
    return _native_predictor(model_path, schema, context)


def _onnx_predictor(path: Path, schema: FeatureSchema, context: dict[str, Any]) -> Predictor:
    session = open_session(path)
    metadata = session.get_modelmeta().custom_metadata_map
    feed = OnnxFeed.from_metadata(schema, [item.name for item in session.get_inputs()], metadata)

    def values(records: Records) -> np.ndarray:
        return session.run([OUTPUT_NAME], feed(records))[0]

    return Predictor(values, schema, runtime="onnx", estimator=metadata[ESTIMATOR_KEY], **context)


def _native_predictor(path: Path, schema: FeatureSchema, context: dict[str, Any]) -> Predictor:
    try:
        import joblib
    except ImportError as error:  # the serving install holds the ONNX runtime only
        raise ModelNotFoundError(
            f"serve.runtime: native needs the training install (`pip install -e .`): {error}"
        ) from None
    model = joblib.load(path)

    def values(records: Records) -> np.ndarray:
        return model.predict(schema.frame(records))

    estimator = type(model[-1]).__name__
    if hasattr(model[-1], "regressor_"):  # fitted on log(1 + target)
        estimator = f"{type(model[-1].regressor_).__name__} on log(1 + target)"
    return Predictor(values, schema, runtime="native", estimator=estimator, model=model, **context)
