"""Load the trained models and predict; the API serves the best one (models/best.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .core.errors import ModelNotFoundError
from .core.onnx_model import Runtime

BEST_FILE = "best.json"
META_FILE = "meta.json"


class TextModel(Protocol):
    """What every model kind offers: its classes, in order, and their probabilities per text."""

    kind: str
    classes: list[str]

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


def read_json(path: Path, what: str) -> dict:
    if not path.is_file():
        raise ModelNotFoundError(f"no {what} at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def load_model(directory: str | Path) -> TextModel:
    """One trained model from its folder (models/baseline, models/neural, ...)."""
    directory = Path(directory)
    kind = read_json(directory / META_FILE, "trained model")["kind"]
    if kind == "baseline":
        from .baseline import BaselineModel

        return BaselineModel.load(directory)
    if kind == "neural":
        from .neural import NeuralModel

        return NeuralModel.load(directory)
    if kind == "transformer":
        from .transformer import TransformerModel

        return TransformerModel.load(directory)
    raise ModelNotFoundError(f"{directory} holds a model of unknown kind {kind!r}")


def load_onnx_model(directory: Path) -> TextModel:
    """The ONNX export of the model in `directory`: the neural model's only.

    skl2onnx cannot convert the baseline's TF-IDF features: it has no converter for character
    n-grams within word boundaries (analyzer="char_wb") nor for strip_accents, and its word
    tokenizer runs RE2, whose \\w is ASCII-only where Python's is Unicode. The transformer's
    tokenizer is Hugging Face's: not exported either.
    """
    kind = read_json(directory / META_FILE, "trained model")["kind"]
    if kind != "neural":
        raise ModelNotFoundError(
            f"serve.runtime: onnx: the selected model, {kind}, has no ONNX export (only the "
            "neural model converts); serve it with serve.runtime: native"
        )
    from .core.neural_onnx import OnnxNeuralModel

    return OnnxNeuralModel.load(directory)


def predictions(model: TextModel, texts: Sequence[str], name: str) -> list[dict[str, Any]]:
    """Label, its probability and every class's probability, for each text."""
    proba = model.predict_proba(list(texts))
    result = []
    for row in proba:
        best = int(np.argmax(row))
        result.append(
            {
                "label": model.classes[best],
                "probability": float(row[best]),
                "probabilities": {c: float(p) for c, p in zip(model.classes, row, strict=True)},
                "model": name,
            }
        )
    return result


class Predictor:
    """The model the pipeline chose, loaded once, with what the API says about it."""

    def __init__(self, model: TextModel, name: str, best: dict, meta: dict) -> None:
        self.model, self.name, self.best, self.meta = model, name, best, meta

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        return predictions(self.model, texts, self.name)

    def info(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "classes": self.model.classes,
            "input": "raw text (one string per prediction)",
            "selected_by": self.best["selected_by"],
            "validation_metrics": self.best["validation"],
            "registered_model": self.best.get("registered_model"),
            "model_version": self.best.get("model_version"),
            "trained_at": self.meta.get("trained_at"),
        }


def load_predictor(model_dir: str | Path, *, runtime: Runtime = "native") -> Predictor:
    """The best model in `model_dir`; ModelNotFoundError when the pipeline has not trained one."""
    model_dir = Path(model_dir)
    best = read_json(model_dir / BEST_FILE, "trained model (models/best.json)")
    name = best["best_model"]
    load = load_onnx_model if runtime == "onnx" else load_model
    model = load(model_dir / name)
    meta = read_json(model_dir / name / META_FILE, "model metadata")
    return Predictor(model, name, best, meta)
