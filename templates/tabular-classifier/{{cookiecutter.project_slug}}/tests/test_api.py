"""The API: typed requests built from the feature schema, 422 for bad ones, 503 before training."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.routes import build_router
from {{ cookiecutter.package_name }}.predict import load_predictor

MAX_BATCH = 2


@pytest.fixture(scope="module")
def predictor(trained):
    return load_predictor(trained / "models")


@pytest.fixture(scope="module")
def client(predictor):
    """The /predict routes for the tiny model, as the real app builds them at start-up."""
    api = FastAPI()
    api.state.predictor = predictor
    api.include_router(build_router(predictor.schema, MAX_BATCH))
    return TestClient(api)


@pytest.fixture
def row(predictor):
    return dict(predictor.schema.example)


def test_one_record_gets_a_label_and_probabilities(client, row, predictor):
    response = client.post("/predict", json=row)
    assert response.status_code == 200
    body = response.json()
    assert body["label"] in predictor.classes
    assert set(body["probabilities"]) == set(predictor.classes)
    assert sum(body["probabilities"].values()) == pytest.approx(1)


def test_null_means_unknown_and_unseen_categories_are_accepted(client, row):
    row |= {"bill_length_mm": None, "island": "Atlantis"}
    assert client.post("/predict", json=row).status_code == 200


def test_a_batch_keeps_the_order(client, row, predictor):
    other = predictor.schema.example | {"bill_depth_mm": 15.0}
    response = client.post("/predict/batch", json={"records": [row, other]})
    assert response.status_code == 200
    for record, prediction in zip((row, other), response.json()["predictions"], strict=True):
        single = client.post("/predict", json=record).json()
        assert prediction["label"] == single["label"]
        assert prediction["probabilities"] == pytest.approx(single["probabilities"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bill_length_mm": "long"}, "Input should be a valid number"),
        ({"island": 3}, "Input should be a valid string"),
        ({"wingspan": 1.0}, "Extra inputs are not permitted"),
    ],
    ids=["text for a number", "number for text", "unknown field"],
)
def test_a_malformed_record_gets_422_with_the_reason(client, row, change, reason):
    response = client.post("/predict", json=row | change)
    assert response.status_code == 422
    assert reason in response.text


def test_a_missing_field_gets_422(client, row):
    del row["bill_depth_mm"]
    response = client.post("/predict", json=row)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "bill_depth_mm"]


@pytest.mark.parametrize("size", [0, MAX_BATCH + 1])
def test_an_empty_or_oversized_batch_gets_422(client, row, size):
    response = client.post("/predict/batch", json={"records": [row] * size})
    assert response.status_code == 422
    assert "records" in response.json()["detail"][0]["loc"]


def test_the_openapi_docs_show_the_real_fields_and_a_real_row(client, predictor):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    record = schemas["Record"]
    assert list(record["properties"]) == predictor.schema.names
    assert record["examples"] == [predictor.schema.example]
    assert schemas["Prediction"]["properties"]["label"]["enum"] == predictor.classes


def test_the_app_reports_health_and_model_info(trained, monkeypatch):
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    with TestClient(app) as served:
        assert served.get("/health").json() == {"status": "ok", "model_loaded": True}
        info = served.get("/model-info").json()
    assert info["classes"] == ["adelie", "chinstrap", "gentoo"]
    assert set(info["test_metrics"]) == {"accuracy", "precision", "recall", "f1", "roc_auc"}


def test_without_a_model_predict_answers_503_saying_how_to_train(tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_DIR", str(tmp_path))
    with TestClient(app) as served:
        assert served.get("/health").json()["model_loaded"] is False
        response = served.post("/predict", json={})
    assert response.status_code == 503
    assert "dvc repro" in response.json()["detail"]
