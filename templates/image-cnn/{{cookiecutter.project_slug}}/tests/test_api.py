"""The API through FastAPI's TestClient: a real PNG, junk, oversized uploads, no file, no model.

Decoding is bounded before it starts (pixels and decoded bytes, read from the image header) and
in how many run at once; every refusal is a 4xx with a short JSON reason.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from {{ cookiecutter.package_name }}.api import routes
from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.deps import Predictor

from .tiny import CLASSES, draw, png_bytes

MAX_UPLOAD_BYTES = 20_000  # serve.max_upload_bytes of the tiny params.yaml


def in_project(trained, monkeypatch: pytest.MonkeyPatch, **environment: str) -> None:
    """Start the app in the trained project (serve limits from its params.yaml) with these
    SERVE_* variables on top."""
    monkeypatch.chdir(trained)
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def client(trained, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The real app, started in the trained project."""
    in_project(trained, monkeypatch)
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


def test_an_image_with_too_many_decoded_bytes_gets_413_before_decoding(trained, monkeypatch):
    # A cap on pixels alone would let a 4900x4900 RGBA PNG (96 MB decoded) through.
    in_project(trained, monkeypatch, SERVE_MAX_DECODED_BYTES="100000")
    rgba = png_bytes(Image.new("RGBA", (200, 200)))  # 40,000 pixels, 160,000 bytes decoded
    gray = png_bytes(Image.new("L", (200, 200)))  # 40,000 bytes decoded
    with TestClient(app) as served:
        response = upload(served, rgba)
        assert upload(served, gray).status_code == 200
    assert response.status_code == 413
    assert "160,000 bytes once decoded, more than the 100,000 allowed" in response.json()["detail"]


def test_decodes_run_at_most_max_concurrent_decodes_at_once(trained, monkeypatch):
    # Decoding 16 concurrent uploads at once would take the server from 0.76 to 3.1 GB.
    in_project(trained, monkeypatch, SERVE_MAX_CONCURRENT_DECODES="1")
    running, most, lock = 0, 0, threading.Lock()
    decode = routes.open_image

    def slow_decode(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return decode(*args, **kwargs)

    monkeypatch.setattr(routes, "open_image", slow_decode)
    content = png_bytes(draw("circle", (32, 32), seed=1))
    with TestClient(app) as served, ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _: upload(served, content).status_code, range(6)))
    assert statuses == [200] * 6
    assert most == 1


def test_the_openapi_document_states_the_upload_limits(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/predict"]["post"]
    assert set(operation["responses"]) == {"200", "400", "413", "415", "422", "503"}
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    file = spec["components"]["schemas"][form.rsplit("/", 1)[1]]["properties"]["file"]
    assert (file["format"], file["minLength"]) == ("image", 1)
    assert f"1 to {MAX_UPLOAD_BYTES:,} bytes" in file["description"]


def test_a_json_body_gets_422_not_500(client):
    response = client.post(
        "/predict", content=b'{"file": NaN}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


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
    assert info["serving"]["max_upload_bytes"] == MAX_UPLOAD_BYTES
    assert isinstance(app.state.predictor, Predictor)
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
