"""The exported model: written by training, checked against the network, served without torch."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.core import onnx_export
from {{ cookiecutter.package_name }}.core.errors import ExportError
from {{ cookiecutter.package_name }}.core.onnx_model import ONNX_FILE
from {{ cookiecutter.package_name }}.core.onnx_runtime import OnnxScorer
from {{ cookiecutter.package_name }}.data import read_splits
from {{ cookiecutter.package_name }}.images import ImageSpec, open_image
from {{ cookiecutter.package_name }}.predict import load_network, load_predictor

from .serving_stack import run_without_training_stack
from .tiny import draw, png_bytes


@pytest.fixture(scope="module")
def test_images(trained):
    rows = [row for row in read_splits(trained / "data/splits.csv") if row["split"] == "test"]
    return [open_image(trained / "data/images" / row["path"]) for row in rows]


def test_training_writes_the_onnx_model_next_to_the_weights(trained):
    assert (trained / "models" / ONNX_FILE).stat().st_size > 1000
    assert (trained / "models" / "model.pt").is_file()


def test_onnx_and_native_give_the_same_probabilities_on_the_test_images(trained, test_images):
    exported = load_predictor(trained / "models", runtime="onnx")
    native = load_predictor(trained / "models", runtime="native")
    assert exported.scorer.runtime == "onnx" and native.scorer.runtime == "native"
    onnx_probabilities = exported.predict_proba(test_images)
    native_probabilities = native.predict_proba(test_images)
    assert onnx_probabilities.shape == (len(test_images), len(native.classes))
    np.testing.assert_allclose(onnx_probabilities, native_probabilities, atol=onnx_export.TOLERANCE)
    assert (onnx_probabilities.argmax(1) == native_probabilities.argmax(1)).all()
    # Batches are scored in one run: the same answers one by one.
    one_by_one = np.concatenate([exported.predict_proba([image]) for image in test_images])
    np.testing.assert_allclose(one_by_one, onnx_probabilities, atol=1e-6)


@pytest.mark.slow
def test_a_drifting_export_fails_the_check(trained, test_images, monkeypatch, tmp_path):
    meta = json.loads((trained / "models/model.json").read_text(encoding="utf-8"))
    network = load_network(trained / "models/model.pt", meta)
    spec = ImageSpec.from_dict(meta["preprocessing"])
    paths = [
        trained / "data/images" / row["path"]
        for row in read_splits(trained / "data/splits.csv")
        if row["split"] == "test"
    ]
    onnx_export.export_model(network, spec, paths, tmp_path)  # the real export passes
    scored = OnnxScorer.__call__
    monkeypatch.setattr(
        OnnxScorer, "__call__", lambda self, images, size: scored(self, images, size) + 1e-3
    )
    with pytest.raises(ExportError, match="differ from the trained model's by up to"):
        onnx_export.export_model(network, spec, paths, tmp_path)


def test_the_api_answers_the_same_with_either_runtime(trained, monkeypatch):
    monkeypatch.chdir(trained)
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    content = png_bytes(draw("square", (40, 30), seed=11, mode="RGB"))
    answers = {}
    for runtime in ("onnx", "native"):
        monkeypatch.setenv("SERVE_RUNTIME", runtime)
        with TestClient(app) as client:
            assert client.get("/model-info").json()["model"]["runtime"] == runtime
            response = client.post("/predict", files={"file": ("a.png", content, "image/png")})
        assert response.status_code == 200, response.text
        answers[runtime] = response.json()["predictions"]
    assert [row["label"] for row in answers["onnx"]] == [row["label"] for row in answers["native"]]
    for onnx_row, native_row in zip(answers["onnx"], answers["native"], strict=True):
        assert onnx_row["probability"] == pytest.approx(native_row["probability"], abs=1e-4)


def test_the_onnx_path_serves_without_the_training_stack(trained, monkeypatch):
    monkeypatch.delenv("SERVE_RUNTIME", raising=False)  # params.yaml's default: onnx
    done = run_without_training_stack(
        """
        import io
        from fastapi.testclient import TestClient
        from PIL import Image
        from {{ cookiecutter.package_name }}.api.app import app

        buffer = io.BytesIO()
        Image.new("L", (28, 28), 128).save(buffer, format="PNG")
        with TestClient(app) as client:
            response = client.post("/predict", files={"file": ("a.png", buffer.getvalue())})
            assert response.status_code == 200, response.text
            print(client.get("/model-info").json()["model"]["runtime"])
        loaded = sorted(name for name in sys.modules if name.partition(".")[0] in BLOCKED)
        assert not loaded, loaded
        """,
        cwd=trained,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "onnx"
