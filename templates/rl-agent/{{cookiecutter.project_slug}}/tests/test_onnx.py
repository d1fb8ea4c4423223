"""The exported policy: written by training, checked against the agent, served without torch."""

from __future__ import annotations

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
from {{ cookiecutter.package_name }}.metadata import load_agent_meta
from {{ cookiecutter.package_name }}.onnx_policy import ONNX_FILE, OnnxPolicy
from {{ cookiecutter.package_name }}.predict import load_agent, load_predictor

# What the serving install lacks: the ONNX path must answer without any of it.
TRAINING_STACK = (
    "dvc",
    "gymnasium",
    "matplotlib",
    "mlflow",
    "onnx",
    "onnxscript",
    "pandas",
    "sklearn",
    "stable_baselines3",
    "torch",
)
BLOCKER = """
import sys

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(name + " is not part of the serving install")

sys.meta_path.insert(0, Blocked())
"""


def episode_sample(project: Path, steps: int = 300) -> tuple[object, object, np.ndarray]:
    """The saved agent, its metadata and observations from its own evaluation episodes."""
    meta = load_agent_meta(project / "models/agent.json")
    agent = load_agent(project / "models/agent.zip", meta.algorithm)
    return agent, meta, onnx_export.episode_observations(agent, meta, steps, seed=7)


@pytest.mark.parametrize("fixture", ["trained", "trained_pendulum"])
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


@pytest.mark.parametrize("fixture", ["trained", "trained_pendulum"])
def test_a_drifting_export_fails_the_check(fixture, request, monkeypatch, tmp_path):
    agent, meta, observations = episode_sample(request.getfixturevalue(fixture), steps=50)
    path = onnx_export.export(agent, observations, tmp_path / ONNX_FILE)
    assert onnx_export.check_parity(agent, meta, path, observations) <= onnx_export.TOLERANCE
    acted = OnnxPolicy.__call__
    if meta.action_space["type"] == "Discrete":
        drift = lambda self, batch: 1 - acted(self, batch)  # noqa: E731 (CartPole: 0 <-> 1)
        reason = "another action"
    else:
        drift = lambda self, batch: acted(self, batch) + 1e-3  # noqa: E731
        reason = "differ from the agent's by up to"
    monkeypatch.setattr(OnnxPolicy, "__call__", drift)
    with pytest.raises(onnx_export.ParityError, match=reason):
        onnx_export.check_parity(agent, meta, path, observations)


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


def serving_environment(project: Path) -> dict[str, str]:
    """This environment with the package importable, the project's model, no SERVE_* override."""
    source = Path({{ cookiecutter.package_name }}.__file__).resolve().parents[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SERVE_")}
    paths = [str(source), os.environ.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    environment["MODEL_DIR"] = str(project / "models")
    return environment


def test_the_onnx_path_serves_without_the_training_stack(trained_pendulum):
    script = f"BLOCKED = {TRAINING_STACK!r}\n{BLOCKER}\n" + textwrap.dedent(
        """
        from fastapi.testclient import TestClient
        from {{ cookiecutter.package_name }}.api.app import app

        with TestClient(app) as client:
            response = client.post("/predict", json={"observation": [0.5, -0.5, 1.0]})
            assert response.status_code == 200, response.text
            print(client.get("/model-info").json()["runtime"], response.json()["action"])
        loaded = sorted(name for name in BLOCKED if name in sys.modules)
        assert not loaded, loaded
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=trained_pendulum,
        capture_output=True,
        text=True,
        timeout=120,
        env=serving_environment(trained_pendulum),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    runtime, action = done.stdout.split(maxsplit=1)
    assert runtime == "onnx" and action.startswith("[")
