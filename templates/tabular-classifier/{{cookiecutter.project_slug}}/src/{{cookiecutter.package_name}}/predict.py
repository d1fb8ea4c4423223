"""The trained model ready to answer requests: loaded once, typed by its feature schema."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import joblib
from sklearn.pipeline import Pipeline

from . import __version__
from .config import METRICS_JSON, MODEL_FILE, RUN_FILE
from .errors import ModelNotFoundError
from .features import FeatureSchema, load_schema
from .tracking import RunRecord, load_run_record


class Predictor:
    """The fitted pipeline and its schema; `predict` takes records keyed by feature name."""

    def __init__(
        self,
        model: Pipeline,
        schema: FeatureSchema,
        run: RunRecord | None = None,
        metrics: dict[str, float] | None = None,
    ) -> None:
        self.model = model
        self.schema = schema
        self.run = run
        self.metrics = metrics
        self.classes = [str(label) for label in model.classes_]

    def predict(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The most likely label and every class probability, for each record."""
        probabilities = self.model.predict_proba(self.schema.frame(records))
        return [
            {
                "label": self.classes[row.argmax()],
                "probabilities": dict(zip(self.classes, row.tolist(), strict=True)),
            }
            for row in probabilities
        ]

    def info(self) -> dict[str, Any]:
        """What /model-info answers: the model, its inputs and how it scored on held-out data."""
        return {
            "version": __version__,
            "estimator": type(self.model[-1]).__name__,
            "target": self.schema.target,
            "classes": self.classes,
            "features": [asdict(feature) for feature in self.schema.features],
            "example": self.schema.example,
            "test_metrics": self.metrics,
            "mlflow": asdict(self.run) if self.run else None,
        }


def load_predictor(model_dir: Path, *, runtime: str = "native") -> Predictor:
    """Load the model saved by `dvc repro train`, or raise ModelNotFoundError."""
    if runtime != "native":  # no ONNX export of this model yet
        raise ModelNotFoundError(
            f"serve.runtime: {runtime} is not available for this model; use serve.runtime: native"
        )
    model_path = model_dir / MODEL_FILE
    if not model_path.is_file():
        raise ModelNotFoundError(f"no trained model in {model_dir}/ ({model_path} is missing)")
    # Held-out metrics sit in reports/ beside models/ in the project (not in the Docker image).
    metrics_path = model_dir.parent / METRICS_JSON
    metrics = (
        json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else None
    )
    return Predictor(
        joblib.load(model_path),
        load_schema(model_dir),
        run=load_run_record(model_dir / RUN_FILE),
        metrics=metrics,
    )
