"""The API through FastAPI's TestClient: a real PNG, junk, oversized uploads, no file, no model."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from {{ cookiecutter.package_name }}.api.app import app

from .tiny import CLASSES, draw, png_bytes

MAX_UPLOAD_BYTES = 20_000  # serve.max_upload_bytes of the tiny params.yaml


@pytest.fixture
def client(trained, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The real app, started in the trained project (it reads serve limits from params.yaml)."""
    monkeypatch.chdir(trained)
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    with TestClient(app) as served:
        yield served


def upload(client: TestClient, content: bytes, name: str = "image.png", **params):
    return client.post("/predict", files={"file": (name, content, "image/png")}, params=params)


def test_a_png_gets_the_top_classes_by_name(client):
    response = upload(client, png_bytes(draw("circle", (64, 48), seed=3)))
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    assert sorted(row["label"] for row in predictions) == list(CLASSES)  # top 3 of 3
    assert sum(row["probability"] for row in predictions) == pytest.approx(1, abs=1e-4)

    best = upload(client, png_bytes(draw("circle", (64, 48), seed=3)), top_k=1).json()
    assert best["predictions"] == predictions[:1]


def test_a_colour_jpeg_is_converted_like_the_training_images(client):
    buffer = io.BytesIO()
    draw("cross", (50, 30), seed=4, mode="RGB").save(buffer, format="JPEG")
    response = upload(client, buffer.getvalue(), name="photo.jpg", top_k=2)
    assert response.status_code == 200, response.text
    assert len(response.json()["predictions"]) == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"these are not the pixels you are looking for", "not an image format Pillow can read"),
        (png_bytes(draw("square"))[:60], "corrupt or truncated"),
        (b"", "the uploaded file is empty"),
    ],
    ids=["junk bytes", "truncated png", "empty file"],
)
def test_a_file_that_is_not_an_image_gets_415_with_the_reason(client, content, reason):
    response = upload(client, content)
    assert response.status_code == 415
    assert reason in response.json()["detail"]


def test_an_oversized_upload_gets_413(client):
    noise = np.random.default_rng(0).integers(0, 256, size=(120, 120, 3), dtype=np.uint8)
    content = png_bytes(Image.fromarray(noise))
    assert len(content) > MAX_UPLOAD_BYTES
    response = upload(client, content)
    assert response.status_code == 413
    assert "larger than 20,000 bytes" in response.json()["detail"]


def test_an_image_with_too_many_pixels_gets_413(client):
    content = png_bytes(Image.new("L", (1100, 1000)))  # small file, 1.1 million pixels
    assert len(content) < MAX_UPLOAD_BYTES
    response = upload(client, content)
    assert response.status_code == 413
    assert "1100x1000 pixels" in response.json()["detail"]


def test_a_request_without_the_file_field_gets_422(client):
    response = client.post("/predict", files={"image": ("x.png", b"123", "image/png")})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_health_and_model_info_describe_the_loaded_model(client):
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["classes"] == list(CLASSES)
    assert info["input"]["max_upload_bytes"] == MAX_UPLOAD_BYTES
    assert info["input"]["preprocessing"]["size"] == 12
    assert 0 <= info["test_metrics"]["accuracy"] <= 1


def test_without_a_model_predict_answers_503_saying_how_to_train(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no params.yaml either: the serving defaults apply
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "models"))
    with TestClient(app) as served:
        assert served.get("/health").json() == {"status": "ok", "model_loaded": False}
        response = upload(served, png_bytes(draw("circle")))
    assert response.status_code == 503
    assert "dvc repro" in response.json()["detail"]
