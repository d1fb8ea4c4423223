"""The exported model: written by training, checked against the network, served without torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }} import onnx_export
from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.data import read_splits
from {{ cookiecutter.package_name }}.images import ImageSpec, open_image
from {{ cookiecutter.package_name }}.onnx_runtime import ONNX_FILE, OnnxScorer
from {{ cookiecutter.package_name }}.predict import load_network, load_predictor

from .tiny import draw, png_bytes

# What the serving install lacks: the ONNX path must answer without any of it.
TRAINING_STACK = (
    "dvc",
    "lightning",
    "matplotlib",
    "mlflow",
    "onnx",
    "onnxscript",
    "pandas",
    "pytorch_lightning",
    "scipy",
    "sklearn",
    "torch",
    "torchvision",
)
BLOCKER = """
import sys

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(name + " is not part of the serving install")

sys.meta_path.insert(0, Blocked())
"""


def serving_environment(project: Path) -> dict[str, str]:
    """This environment with the package importable, the project's model, no SERVE_* override."""
    source = Path({{ cookiecutter.package_name }}.__file__).resolve().parents[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SERVE_")}
    paths = [str(source), os.environ.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    environment["MODEL_DIR"] = str(project / "models")
    return environment


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
    with pytest.raises(onnx_export.ParityError, match="differ from the network's by up to"):
        onnx_export.export_model(network, spec, paths, tmp_path)


def test_the_check_refuses_another_class_unless_tied():
    native = np.array([[0.2, 0.8], [0.5, 0.5]])
    assert onnx_export.compare(native, native.copy()) == 0.0
    tie = np.array([[0.2, 0.8], [0.50001, 0.49999]])  # a tie may break either way
    assert onnx_export.compare(native, tie) == pytest.approx(1e-5)
    with pytest.raises(onnx_export.ParityError, match="by up to"):
        onnx_export.compare(native, np.array([[0.8, 0.2], [0.5, 0.5]]))


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


def test_the_onnx_path_serves_without_the_training_stack(trained):
    script = f"BLOCKED = {TRAINING_STACK!r}\n{BLOCKER}\n" + textwrap.dedent(
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
        loaded = sorted(name for name in BLOCKED if name in sys.modules)
        assert not loaded, loaded
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=trained,
        capture_output=True,
        text=True,
        timeout=120,
        env=serving_environment(trained),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "onnx"
