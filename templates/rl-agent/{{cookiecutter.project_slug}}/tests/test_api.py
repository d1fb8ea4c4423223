"""The API: actions for good observations, 422 with the reason for bad ones, 503 before training.

The request model is built from the trained agent's observation space, so the OpenAPI document
states what the server checks: exactly n numbers (no strings, no booleans), their bounds, no
other keys. Every refusal is a 4xx with a short JSON reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.deps import Predictor

FLOAT32_MAX = 3.4028234663852886e38


@pytest.fixture
def client(trained: Path) -> TestClient:
    with TestClient(app) as client:
        yield client


def reasons(response) -> str:
    return " ".join(error["msg"] for error in response.json()["detail"])


def test_health_and_model_info(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["env_id"] == "CartPole-v1"
    assert info["algorithm"] == "PPO"
    assert info["observation_space"]["shape"] == [4]
    assert info["metrics"]["n_episodes"] == 4
    assert info["serving"]["max_body_bytes"] > 0
    assert isinstance(app.state.predictor, Predictor)


def test_a_valid_observation_gets_an_action(client: TestClient) -> None:
    response = client.post("/predict", json={"observation": [0.012, -0.021, 0.034, 0.027]})
    assert response.status_code == 200
    assert response.json()["action"] in (0, 1)
    # Integers are numbers too, and the dtype's largest value is accepted.
    response = client.post("/predict", json={"observation": [0, FLOAT32_MAX, 0, 0]})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("observation", "reason"),
    [
        ([0.0, 0.0, 0.0], "must have 4 value(s)"),
        ([0.0, 0.0, 0.0, 0.0, 0.0], "must have 4 value(s)"),
        ([0.0, 0.0, 1.0, 0.0], "observation[2]=1 is above"),
        # 1e39 would become float32 infinity and get a 200.
        ([0.0, 1e39, 0.0, 0.0], "observation[1]=1e+39 is outside the range of float32"),
    ],
    ids=["short", "long", "out-of-bounds", "beyond-float32"],
)
def test_a_bad_observation_gets_422_and_the_reason(
    client: TestClient, observation: list[float], reason: str
) -> None:
    response = client.post("/predict", json={"observation": observation})
    assert response.status_code == 422
    assert reason in reasons(response)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_gets_422(client: TestClient, token: str) -> None:
    # Python's json module reads these tokens; the API refuses them before validation.
    response = client.post(
        "/predict",
        content=('{"observation": [0, ' + token + ", 0, 0]}").encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "JSON number" in reasons(response) or "range" in reasons(response)


@pytest.mark.parametrize(
    "body",
    [
        {"observation": ["left", 0, 0, 0]},
        # Strings of numbers, booleans and extra keys are not observations.
        {"observation": ["0.1", 0, 0, 0]},
        {"observation": [True, 0, 0, 0]},
        {"observation": [0, 0, 0, 0], "extra": 1},
        {"obs": [0, 0, 0, 0]},
        {"observation": 0.5},
    ],
    ids=["text", "number-as-text", "boolean", "extra-key", "wrong-key", "not-a-list"],
)
def test_a_malformed_body_gets_422(client: TestClient, body: dict) -> None:
    response = client.post("/predict", json=body)
    assert response.status_code == 422
    assert "input" not in response.json()["detail"][0]  # never echoed


def test_a_lone_surrogate_gets_422_not_500(client: TestClient) -> None:
    # A 422 that echoed the key "\ud800" could not be encoded and would become a 500.
    response = client.post(
        "/predict",
        content=b'{"observation": [0, 0, 0, 0], "\\ud800": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "lone UTF-16 surrogate" in reasons(response)


def test_a_body_over_the_limit_gets_413_before_parsing(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The agent's API has the same serving limits as every other.
    monkeypatch.setenv("SERVE_MAX_BODY_BYTES", "200")
    with TestClient(app) as client:
        response = client.post("/predict", json={"observation": [0.0] * 100})
        assert client.post("/predict", json={"observation": [0, 0, 0, 0]}).status_code == 200
    assert response.status_code == 413
    assert "200 bytes" in response.json()["detail"]


def test_the_openapi_document_states_the_observation_space(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["components"]["schemas"]["ObservationIn"]
    assert body["additionalProperties"] is False
    observation = body["properties"]["observation"]
    assert (observation["minItems"], observation["maxItems"]) == (4, 4)
    positions = observation["prefixItems"]
    assert [item["type"] for item in positions] == ["number"] * 4
    assert positions[2]["maximum"] == pytest.approx(0.418879, abs=1e-6)  # the pole angle
    assert positions[1]["maximum"] == FLOAT32_MAX  # unbounded velocity: float32's range
    assert set(spec["paths"]["/predict"]["post"]["responses"]) == {"200", "413", "422", "503"}


def test_continuous_actions(trained_pendulum: Path) -> None:
    with TestClient(app) as client:
        response = client.post("/predict", json={"observation": [1.0, 0.0, 0.5]})
        assert response.status_code == 200
        action = response.json()["action"]
        assert isinstance(action, list) and len(action) == 1
        assert -2.0 <= action[0] <= 2.0
        outside = client.post("/predict", json={"observation": [1.0, 0.0, 9.0]})
        assert outside.status_code == 422
        assert "above" in reasons(outside)


def test_before_training_predict_says_how_to_train(workspace: Path) -> None:
    with TestClient(app) as client:
        assert client.get("/health").json()["model_loaded"] is False
        response = client.post("/predict", json={"observation": [0.0, 0.0, 0.0, 0.0]})
        assert response.status_code == 503
        assert "dvc repro" in response.json()["detail"]
