"""Load the trained model once and classify images, with the preprocessing used in training."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from . import __version__
from .config import META_FILE, METRICS_JSON, RUN_FILE, WEIGHTS_FILE
from .core.errors import ModelNotFoundError
from .core.onnx_model import Runtime
from .core.tracking import load_run_record
from .images import IMAGE_SUFFIXES, ImageSpec, open_image, preprocess


class Scorer(Protocol):
    """What turns images into class probabilities: the exported model or the torch network."""

    runtime: str

    def __call__(self, images: Sequence[Image.Image], batch_size: int) -> np.ndarray: ...


class TorchScorer:
    """The trained network in torch, preprocessing with images.preprocess (as in training)."""

    runtime = "native"

    def __init__(self, network: Any, spec: ImageSpec) -> None:
        self.network, self.spec = network.eval(), spec

    def __call__(self, images: Sequence[Image.Image], batch_size: int) -> np.ndarray:
        import torch

        rows = []
        with torch.inference_mode():
            for start in range(0, len(images), batch_size):
                batch = torch.stack(
                    [preprocess(im, self.spec) for im in images[start : start + batch_size]]
                )
                rows.append(torch.softmax(self.network(batch), dim=1).numpy())
        return np.concatenate(rows)


class Predictor:
    """A trained model with its classes and preprocessing."""

    def __init__(
        self,
        scorer: Scorer,
        meta: dict[str, Any],
        *,
        run: dict[str, Any] | None = None,
        metrics_path: Path = METRICS_JSON,
    ) -> None:
        self.scorer = scorer
        self.meta = meta
        self.classes: list[str] = list(meta["classes"])
        self.spec = ImageSpec.from_dict(meta["preprocessing"])
        self.run = run
        self.metrics_path = metrics_path

    def predict_proba(self, images: Sequence[Image.Image], batch_size: int = 256) -> np.ndarray:
        """Class probabilities, one row per image (columns in the order of `classes`)."""
        if not images:
            return np.empty((0, len(self.classes)))
        return self.scorer(images, batch_size)

    def top_k(self, probabilities: np.ndarray, k: int) -> list[dict[str, Any]]:
        """The k most likely classes of one probability row, most likely first."""
        order = np.argsort(-probabilities, kind="stable")[: max(1, min(k, len(self.classes)))]
        return [{"label": self.classes[i], "probability": float(probabilities[i])} for i in order]

    def predict(self, images: Sequence[Image.Image]) -> list[list[dict[str, Any]]]:
        """Every class of each image and its probability, most likely first (the API calls this)."""
        return [self.top_k(row, len(self.classes)) for row in self.predict_proba(images)]

    def predict_bytes(self, content: bytes, top_k: int = 3) -> list[dict[str, Any]]:
        """Decode a file's bytes, return its top-k classes; ImageReadError if it is no image."""
        return self.top_k(self.predict_proba([open_image(content)])[0], top_k)

    def info(self) -> dict[str, Any]:
        metrics = None
        if self.metrics_path.is_file():
            metrics = json.loads(self.metrics_path.read_text(encoding="utf-8"))
            metrics = {key: value for key, value in metrics.items() if not isinstance(value, dict)}
        return {
            "version": __version__,
            "model": {
                "arch": self.meta["arch"],
                "parameters": self.meta.get("parameters"),
                "epochs_trained": self.meta.get("epochs_trained"),
                "runtime": self.scorer.runtime,
                "mlflow": self.run,
            },
            "classes": self.classes,
            "input": {
                "field": "file (multipart/form-data)",
                "formats": sorted(suffix.lstrip(".") for suffix in IMAGE_SUFFIXES),
                "preprocessing": self.spec.to_dict(),
            },
            "validation_accuracy": self.meta.get("val_accuracy"),
            "test_metrics": metrics,
        }


def load_predictor(model_dir: str | Path, *, runtime: Runtime = "native") -> Predictor:
    """The model in model_dir with its classes and preprocessing (no Lightning).

    `onnx` runs models/model.onnx in onnxruntime without importing torch; `native` rebuilds the
    network from models/model.json and loads its weights (what the stages use).
    """
    model_dir = Path(model_dir)
    weights, meta_path = model_dir / WEIGHTS_FILE, model_dir / META_FILE
    if not weights.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(
            f"no trained model in {model_dir}/ ({WEIGHTS_FILE} and {META_FILE})"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    spec = ImageSpec.from_dict(meta["preprocessing"])
    if runtime == "onnx":
        from .core.onnx_runtime import OnnxScorer

        scorer: Scorer = OnnxScorer.load(model_dir, spec)
    else:
        scorer = TorchScorer(load_network(weights, meta), spec)
    record = load_run_record(model_dir / RUN_FILE)
    return Predictor(scorer, meta, run=asdict(record) if record else None)


def load_network(weights: Path, meta: dict[str, Any]) -> Any:
    """The torch network described by model.json, with the saved weights."""
    import torch

    from .networks import build_network

    network = build_network(
        meta["arch"],
        num_classes=len(meta["classes"]),
        in_channels=meta["preprocessing"]["channels"],
        widths=meta["widths"],
        dropout=meta["dropout"],
    )
    network.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    return network.eval()
