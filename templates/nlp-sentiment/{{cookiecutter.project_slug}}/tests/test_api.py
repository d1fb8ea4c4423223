"""The API against the tiny trained models: answers, limits and 422s, and 503 before training."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.schemas import LIMITS


@pytest.fixture
def client(trained: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    with TestClient(app) as test_client:
        yield test_client


def test_health_and_model_info(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["model"] in ("baseline", "neural") and info["classes"] == ["negative", "positive"]
    assert info["registered_model"] == "test-model"


def test_predict_one_text(client: TestClient) -> None:
    response = client.post("/predict", json={"text": "A wonderful, moving and superb film"})
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "positive"
    assert body["probability"] == pytest.approx(max(body["probabilities"].values()))
    assert set(body["probabilities"]) == {"negative", "positive"}
    assert body["model"] == client.get("/model-info").json()["model"]


def test_predict_batch_keeps_the_order(client: TestClient) -> None:
    texts = ["awful boring dreadful plot", "wonderful brilliant story", "tedious pointless film"]
    response = client.post("/predict/batch", json={"texts": texts})
    assert response.status_code == 200
    labels = [p["label"] for p in response.json()["predictions"]]
    assert labels == ["negative", "positive", "negative"]


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/predict", {"text": ""}, "text is empty"),
        ("/predict", {"text": "  \n\t "}, "text is empty"),
        ("/predict", {"text": "x" * (LIMITS.max_chars + 1)}, "more than the limit"),
        ("/predict", {"text": 42}, "string"),
        ("/predict", {"texts": ["a"]}, "Field required"),
        ("/predict", {"text": "good", "extra": 1}, "Extra inputs"),
        ("/predict/batch", {"texts": []}, "at least 1"),
        ("/predict/batch", {"texts": ["good"] * (LIMITS.max_batch + 1)}, "at most"),
        ("/predict/batch", {"texts": ["good", " "]}, "texts[1]: text is empty"),
        ("/predict/batch", {"texts": "good"}, "valid list"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "not-a-string",
        "missing",
        "extra-field",
        "empty-batch",
        "batch-too-big",
        "empty-in-batch",
        "batch-not-a-list",
    ],
)
def test_bad_requests_get_422_with_the_reason(
    client: TestClient, path: str, body: dict, reason: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])


def test_503_before_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "nothing"))
    with TestClient(app) as test_client:
        assert test_client.get("/health").json()["model_loaded"] is False
        response = test_client.post("/predict", json={"text": "good"})
    assert response.status_code == 503
    assert "dvc repro" in response.json()["detail"]
