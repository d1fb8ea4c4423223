"""The API: actions for good observations, 422 with the reason for bad ones, 503 before training."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app


@pytest.fixture
def client(trained: Path) -> TestClient:
    with TestClient(app) as client:
        yield client


def test_health_and_model_info(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["env_id"] == "CartPole-v1"
    assert info["algorithm"] == "PPO"
    assert info["observation_space"]["shape"] == [4]
    assert info["metrics"]["n_episodes"] == 4


def test_a_valid_observation_gets_an_action(client: TestClient) -> None:
    response = client.post("/predict", json={"observation": [0.012, -0.021, 0.034, 0.027]})
    assert response.status_code == 200
    assert response.json()["action"] in (0, 1)


@pytest.mark.parametrize(
    ("observation", "reason"),
    [
        ([0.0, 0.0, 0.0], "must have 4 value(s)"),
        ([0.0, 0.0, 0.0, 0.0, 0.0], "must have 4 value(s)"),
        ([0.0, 0.0, 1.0, 0.0], "observation[2]=1 is above"),
    ],
    ids=["short", "long", "out-of-bounds"],
)
def test_a_bad_observation_gets_422_and_the_reason(
    client: TestClient, observation: list[float], reason: str
) -> None:
    response = client.post("/predict", json={"observation": observation})
    assert response.status_code == 422
    assert reason in response.json()["detail"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_gets_422(client: TestClient, token: str) -> None:
    # Python's json module reads these tokens, so they reach the validation (httpx won't send them).
    response = client.post(
        "/predict",
        content=('{"observation": [0, ' + token + ", 0, 0]}").encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "observation[1]" in response.json()["detail"]
    assert "not a finite number" in response.json()["detail"]


@pytest.mark.parametrize(
    "body", [{"observation": ["left", 0, 0, 0]}, {"obs": [0, 0, 0, 0]}, {"observation": 0.5}]
)
def test_a_malformed_body_gets_422(client: TestClient, body: dict) -> None:
    assert client.post("/predict", json=body).status_code == 422


def test_continuous_actions(trained_pendulum: Path) -> None:
    with TestClient(app) as client:
        response = client.post("/predict", json={"observation": [1.0, 0.0, 0.5]})
        assert response.status_code == 200
        action = response.json()["action"]
        assert isinstance(action, list) and len(action) == 1
        assert -2.0 <= action[0] <= 2.0
        outside = client.post("/predict", json={"observation": [1.0, 0.0, 9.0]})
        assert outside.status_code == 422
        assert "above" in outside.json()["detail"]


def test_before_training_predict_says_how_to_train(workspace: Path) -> None:
    with TestClient(app) as client:
        assert client.get("/health").json()["model_loaded"] is False
        response = client.post("/predict", json={"observation": [0.0, 0.0, 0.0, 0.0]})
        assert response.status_code == 503
        assert "dvc repro" in response.json()["detail"]
