"""The trained model ready to answer requests: loaded once, typed by its feature schema.

Two runtimes answer alike (training checks it): `onnx` runs models/model.onnx on onnxruntime and
imports nothing of the training stack; `native` runs the scikit-learn model itself. A model with
no ONNX export (HDBSCAN) is served natively under either setting, and /model-info says why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .config import (
    CLUSTERS_KEY,
    FAMILY_KEY,
    METRICS_JSON,
    MODEL_FILE,
    NOT_EXPORTED_FILE,
    RUN_FILE,
)
from .core.errors import ModelNotFoundError
from .core.onnx_feed import ESTIMATOR_KEY, OnnxFeed
from .core.onnx_model import ONNX_FILE, Runtime, open_session
from .core.tracking import RunRecord, load_run_record
from .features import FeatureSchema, load_schema

Records = Sequence[Mapping[str, Any]]


class Predictor:
    """Cluster, distance or probability and anomaly score for records keyed by feature name."""

    def __init__(
        self,
        answer: Callable[[Records], dict[str, np.ndarray | None]],
        schema: FeatureSchema,
        *,
        runtime: Runtime,
        estimator: str,
        clusters: list[int],
        model: Any = None,
        run: RunRecord | None = None,
        metrics: dict[str, float] | None = None,
        not_exported: str | None = None,
    ) -> None:
        self.answer = answer
        self.schema = schema
        self.runtime = runtime
        self.estimator = estimator
        self.clusters = clusters
        self.model = model  # the ClusterModel (native runtime only)
        self.run = run
        self.metrics = metrics
        self.not_exported = not_exported

    def predict(self, records: Records) -> list[dict[str, Any]]:
        """Each record's cluster, its distance (k-means, HDBSCAN) or probability (mixture), and
        its anomaly score (when the detector is on); what does not apply is left out."""
        found = self.answer(records)
        answers = []
        for row in range(len(records)):
            answer = {"cluster": int(found["cluster"][row])}
            for key in ("distance", "probability", "anomaly_score"):
                if found[key] is not None:  # what does not apply to this model is left out
                    answer[key] = float(found[key][row])
            answers.append(answer)
        return answers

    def info(self) -> dict[str, Any]:
        """What /model-info answers: the model, its inputs and how it scored on held-out data."""
        return {
            "version": __version__,
            "estimator": self.estimator,
            "runtime": self.runtime,
            "onnx": "exported"
            if self.not_exported is None
            else f"not exported: {self.not_exported}",
            "clusters": self.clusters,
            "features": [asdict(feature) for feature in self.schema.features],
            "example": self.schema.example,
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
    reason_path = model_dir / NOT_EXPORTED_FILE
    not_exported = (
        reason_path.read_text(encoding="utf-8").strip() if reason_path.is_file() else None
    )
    context = {
        "run": load_run_record(model_dir / RUN_FILE),
        "metrics": metrics,
        "not_exported": not_exported,
    }
    if runtime == "onnx" and not_exported is None:
        return _onnx_predictor(model_dir / ONNX_FILE, schema, context)
    return _native_predictor(model_path, schema, context)


def _onnx_predictor(path: Path, schema: FeatureSchema, context: dict[str, Any]) -> Predictor:
    session = open_session(path)
    metadata = session.get_modelmeta().custom_metadata_map
    feed = OnnxFeed.from_metadata(schema, [item.name for item in session.get_inputs()], metadata)
    names = [output.name for output in session.get_outputs()]
    kmeans = metadata[FAMILY_KEY] == "kmeans"

    def answer(records: Records) -> dict[str, np.ndarray | None]:
        outputs = dict(zip(names, session.run(names, feed(records)), strict=True))
        scores = np.asarray(outputs["cluster_scores"], dtype=np.float64)
        picked = scores.argmin(axis=1) if kmeans else scores.argmax(axis=1)
        chosen = scores[np.arange(len(scores)), picked]
        anomaly = outputs.get("anomaly_scores")
        return {
            "cluster": picked,
            "distance": chosen if kmeans else None,
            "probability": None if kmeans else chosen,
            "anomaly_score": None if anomaly is None else -np.asarray(anomaly).reshape(-1),
        }

    clusters = json.loads(metadata[CLUSTERS_KEY])
    return Predictor(
        answer,
        schema,
        runtime="onnx",
        estimator=metadata[ESTIMATOR_KEY],
        clusters=clusters,
        **context,
    )


def _native_predictor(path: Path, schema: FeatureSchema, context: dict[str, Any]) -> Predictor:
    try:
        import joblib
    except ImportError as error:  # the serving install holds the ONNX runtime only
        raise ModelNotFoundError(
            f"serve.runtime: native needs the training install (`pip install -e .`): {error}"
        ) from None
    model = joblib.load(path)

    def answer(records: Records) -> dict[str, np.ndarray | None]:
        return model.assign(model.transform(schema.frame(records)))

    return Predictor(
        answer,
        schema,
        runtime="native",
        estimator=type(model.clusterer).__name__,
        clusters=model.clusters,
        model=model,
        **context,
    )
