"""The neural model's ONNX export answers like the network; the API serves it on request
(serve.runtime: onnx) without the training stack, and says why when the best model has none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.core.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.core.neural_onnx import OnnxNeuralModel
from {{ cookiecutter.package_name }}.core.onnx_model import PARITY_ATOL
from {{ cookiecutter.package_name }}.predict import load_model, load_predictor

from .serving_stack import post_without_training_stack

TEXTS = [
    "A wonderful, moving and superb film",
    "dull, boring and far too long<br /><br />I walked out",
    "qwzx",  # no known n-gram: the zero vector, as in the EmbeddingBag
    "Ça déçoit énormément, quel gâchis " * 40,
]


def with_best(trained: Path, destination: Path, best: str) -> Path:
    """A copy of the trained models/ whose best.json names `best`."""
    models = destination / "models"
    shutil.copytree(trained / "models", models)
    summary = json.loads((models / "best.json").read_text(encoding="utf-8"))
    (models / "best.json").write_text(json.dumps(summary | {"best_model": best}), encoding="utf-8")
    return models


def test_the_export_gives_the_networks_probabilities(trained: Path) -> None:
    directory = trained / "models" / "neural"
    native, exported = load_model(directory), OnnxNeuralModel.load(directory)
    expected = native.predict_proba(TEXTS)
    assert exported.classes == native.classes
    assert np.abs(exported.predict_proba(TEXTS) - expected).max() <= PARITY_ATOL
    # one text at a time (no padding) answers as within a padded batch
    alone = np.vstack([exported.predict_proba([text]) for text in TEXTS])
    assert np.abs(alone - expected).max() <= PARITY_ATOL


def test_the_api_serves_the_export_when_asked(trained: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(with_best(trained, tmp_path, "neural")))
    answers = {}
    for runtime in ("native", "onnx"):
        monkeypatch.setenv("SERVE_RUNTIME", runtime)
        with TestClient(app) as client:
            assert client.get("/model-info").json()["serving"]["runtime"] == runtime
            answers[runtime] = client.post("/predict", json={"text": TEXTS[0]}).json()
    assert answers["onnx"]["label"] == answers["native"]["label"]
    assert answers["onnx"]["probability"] == pytest.approx(
        answers["native"]["probability"], abs=PARITY_ATOL
    )


def test_onnx_for_a_model_without_export_is_refused_with_the_reason(trained, tmp_path) -> None:
    models = with_best(trained, tmp_path, "baseline")
    with pytest.raises(ModelNotFoundError, match="baseline, has no ONNX export"):
        load_predictor(models, runtime="onnx")


def test_the_onnx_api_answers_without_the_training_stack(trained: Path, tmp_path: Path) -> None:
    with_best(trained, tmp_path, "neural")
    codes, answers, loaded = post_without_training_stack(
        tmp_path,
        [("/predict", {"text": TEXTS[0]}), ("/predict/batch", {"texts": TEXTS[:2]})],
        {"SERVE_RUNTIME": "onnx"},
    )
    assert (codes, loaded) == ([200, 200], [])
    assert answers[0]["model"] == "neural"
