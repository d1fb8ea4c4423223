"""The exported policy: written by training, checked against the agent, served without torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.core import onnx_export
from {{ cookiecutter.package_name }}.core.errors import ExportError
from {{ cookiecutter.package_name }}.core.metadata import load_agent_meta
from {{ cookiecutter.package_name }}.core.onnx_model import ONNX_FILE
from {{ cookiecutter.package_name }}.core.onnx_policy import OnnxPolicy
from {{ cookiecutter.package_name }}.predict import load_agent, load_predictor

from .serving_stack import post_without_training_stack


def episode_sample(project: Path, steps: int = 300) -> tuple[object, object, np.ndarray]:
    """The saved agent, its metadata and observations from its own evaluation episodes."""
    meta = load_agent_meta(project / "models/agent.json")
    agent = load_agent(project / "models/agent.zip", meta.algorithm)
    return agent, meta, onnx_export.episode_observations(agent, meta, steps, seed=7)


@pytest.mark.parametrize("fixture", ["trained", "trained_pendulum", "trained_frozenlake"])
def test_onnx_and_native_take_the_same_actions(fixture, request):
    project = request.getfixturevalue(fixture)
    assert (project / "models" / ONNX_FILE).is_file()
    _, meta, observations = episode_sample(project)
    exported = load_predictor(project / "models", runtime="onnx")
    native = load_predictor(project / "models", runtime="native")
    assert exported.policy.runtime == "onnx" and native.policy.runtime == "native"
    batch = observations.tolist()
    onnx_actions, native_actions = exported.predict(batch), native.predict(batch)
    if meta.action_space["type"] == "Discrete":
        assert onnx_actions == native_actions
        assert all(isinstance(action, int) for action in onnx_actions)
    else:
        np.testing.assert_allclose(onnx_actions, native_actions, atol=onnx_export.TOLERANCE)
        low, high = meta.action_space["low"], meta.action_space["high"]
        assert np.min(onnx_actions) >= low and np.max(onnx_actions) <= high  # SB3's clipping
    # A batch is one run of the policy: the same actions one by one.
    assert [exported.act(observation) for observation in batch[:20]] == onnx_actions[:20]


@pytest.mark.parametrize("fixture", ["trained", "trained_pendulum", "trained_frozenlake"])
def test_a_drifting_export_fails_the_check(fixture, request, monkeypatch, tmp_path):
    agent, meta, observations = episode_sample(request.getfixturevalue(fixture), steps=50)
    path = onnx_export.export(agent, observations, tmp_path / ONNX_FILE)
    assert onnx_export.check_actions(agent, meta, path, observations) <= onnx_export.TOLERANCE
    acted = OnnxPolicy.__call__
    if meta.action_space["type"] == "Discrete":
        drift = lambda self, batch: 1 - acted(self, batch)  # noqa: E731 (CartPole: 0 <-> 1)
        reason = "another action"
    else:
        drift = lambda self, batch: acted(self, batch) + 1e-3  # noqa: E731
        reason = "differ from the agent's by up to"
    monkeypatch.setattr(OnnxPolicy, "__call__", drift)
    with pytest.raises(ExportError, match=reason):
        onnx_export.check_actions(agent, meta, path, observations)


def test_the_api_answers_the_same_with_either_runtime(trained, monkeypatch):
    observations = episode_sample(trained, steps=40)[2].tolist()
    answers = {}
    for runtime in ("onnx", "native"):
        monkeypatch.setenv("SERVE_RUNTIME", runtime)
        with TestClient(app) as client:
            assert client.get("/model-info").json()["runtime"] == runtime
            answers[runtime] = [
                client.post("/predict", json={"observation": observation}).json()["action"]
                for observation in observations
            ]
    assert answers["onnx"] == answers["native"]


def test_the_onnx_path_serves_without_the_training_stack(trained_pendulum, monkeypatch):
    monkeypatch.delenv("SERVE_RUNTIME", raising=False)  # params.yaml's default: onnx
    codes, answers, loaded = post_without_training_stack(
        trained_pendulum, [("/predict", {"observation": [0.5, -0.5, 1.0]})]
    )
    assert (codes, loaded) == ([200], [])
    assert isinstance(answers[0]["action"], list)
