"""The data stage: environments are checked and described; observations are checked against them."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import ENV_SPEC, load_config
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.core.settings import DataAbout
from {{ cookiecutter.package_name }}.data import prepare
from {{ cookiecutter.package_name }}.envs import env_spec, load_env_spec
from {{ cookiecutter.package_name }}.reporting.environment import described, gymnasium_about
from {{ cookiecutter.package_name }}.spaces import ObservationError, check_observation

from .conftest import make_workspace

CARTPOLE_OBS = env_spec("CartPole-v1").observation_space


def test_cartpole_spec_is_written(workspace: Path) -> None:
    spec = prepare(load_config())
    assert load_env_spec(ENV_SPEC) == spec
    # The keys on disk are what train, evaluate and the API read: they must not drift.
    assert list(json.loads(ENV_SPEC.read_text())) == [
        "env_id",
        "kwargs",
        "observation_space",
        "action_space",
        "reward_threshold",
        "max_episode_steps",
        "render_modes",
        "render_fps",
        "gymnasium_version",
        "step_limit_added",
    ]
    assert spec.action_space == {"type": "Discrete", "n": 2, "start": 0}
    assert spec.observation_space["shape"] == [4]
    assert spec.reward_threshold == 475.0
    assert spec.max_episode_steps == 500
    assert "rgb_array" in spec.render_modes


@pytest.mark.parametrize(
    "content", ['{"env_id": "CartPole-v1"}', "[1, 2]", "not json"], ids=["keys", "list", "text"]
)
def test_a_damaged_spec_is_refused_in_one_line(workspace: Path, content: str) -> None:
    ENV_SPEC.parent.mkdir(parents=True, exist_ok=True)
    ENV_SPEC.write_text(content)
    with pytest.raises(DataError, match="is not an environment spec.*dvc repro data"):
        load_env_spec(ENV_SPEC)


def test_continuous_env_is_described() -> None:
    spec = env_spec("Pendulum-v1")
    assert spec.action_space == {
        "type": "Box",
        "shape": [1],
        "dtype": "float32",
        "low": -2.0,
        "high": 2.0,
    }
    assert spec.reward_threshold is None


@pytest.mark.parametrize(
    ("env_id", "kwargs", "message"),
    [
        ("CartPol-v1", {}, "Did you mean: `CartPole`"),
        ("CartPole-v9", {}, "env.id 'CartPole-v9' cannot be made"),
        ("no_such_module:Env-v0", {}, "No module named 'no_such_module'"),
        ("CartPole-v1", {"gravity": 3}, "env.kwargs"),
        ("Blackjack-v1", {}, "observation space is Tuple"),
    ],
    ids=["typo", "version", "module", "kwargs", "tuple-space"],
)
def test_unusable_envs_are_refused(env_id: str, kwargs: dict, message: str) -> None:
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        env_spec(env_id, kwargs)


def test_the_stage_prints_one_error_line(tmp_path: Path) -> None:
    folder = make_workspace(tmp_path / "project", data={"env": {"id": "CartPol-v1", "kwargs": {}}})
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.data"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors and "CartPol-v1" in errors[0]
    assert "Traceback" not in result.stderr


def test_a_good_observation_passes() -> None:
    array = check_observation([0.01, -0.02, 0.03, 0.04], CARTPOLE_OBS)
    assert array.shape == (4,)
    assert array.dtype == np.float32


@pytest.mark.parametrize(
    ("observation", "message"),
    [
        ([0.0, 0.0, 0.0], "must have 4 value"),
        ([0.0] * 5, "must have 4 value"),
        ([0.0, math.nan, 0.0, 0.0], r"observation\[1\] is nan, not a finite number"),
        ([9.0, 0.0, 0.0, 0.0], r"observation\[0\]=9 is above"),
        ([0.0, 0.0, -1.0, 0.0], r"observation\[2\]=-1 is below"),
    ],
    ids=["short", "long", "nan", "above", "below"],
)
def test_bad_observations_say_why(observation: list[float], message: str) -> None:
    with pytest.raises(ObservationError, match=message):
        check_observation(observation, CARTPOLE_OBS)


def test_discrete_observations() -> None:
    space = env_spec("FrozenLake-v1").observation_space
    assert check_observation([5], space) == 5
    with pytest.raises(ObservationError, match="whole number from 0 to 15"):
        check_observation([16], space)
    with pytest.raises(ObservationError, match="whole number"):
        check_observation([1.5], space)


PENDULUM = DataAbout(name="Pendulum (my own words)", summary="Swing it up.")


def test_gymnasium_names_documents_and_describes_an_environment() -> None:
    about = gymnasium_about("Pendulum-v1")
    assert about.name == "Pendulum-v1 (Gymnasium)"
    assert about.url == "https://gymnasium.farama.org/environments/classic_control/pendulum/"
    assert about.license == "MIT" and "Gymnasium" in about.citation
    assert about.summary.startswith("The inverted pendulum swingup problem")
    # The family and page come from the registered entry point: toy_text, snake case.
    assert gymnasium_about("FrozenLake-v1").url.endswith("/toy_text/frozen_lake/")
    assert gymnasium_about("MountainCarContinuous-v0").url.endswith(
        "/classic_control/mountain_car_continuous/"
    )


# The template's description of its default environment (a learner's params.yaml holds theirs).
CARTPOLE = DataAbout(name="CartPole-v1 (Gymnasium)", summary="Balance a pole on a moving cart.")


def test_the_default_description_follows_the_environment_and_the_learners_does_not() -> None:
    default = CARTPOLE
    assert described(default, "CartPole-v1") == default
    # Only data.env.id changed: the README describes Pendulum, not "balance a pole".
    assert described(default, "Pendulum-v1") == gymnasium_about("Pendulum-v1")
    assert described(None, "Pendulum-v1") == gymnasium_about("Pendulum-v1")
    assert described(PENDULUM, "Pendulum-v1") == PENDULUM


@pytest.mark.parametrize(
    ("data", "warned"),
    [
        ({"env": {"id": "Pendulum-v1", "kwargs": {}}, "about": CARTPOLE.model_dump()}, True),
        ({"env": {"id": "Pendulum-v1", "kwargs": {}}, "about": PENDULUM.model_dump()}, False),
        ({}, False),
    ],
    ids=["env-changed", "env-described", "default"],
)
def test_the_stage_warns_once_when_the_env_changed_but_its_description_did_not(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: dict,
    warned: bool,
) -> None:
    monkeypatch.chdir(make_workspace(tmp_path / "project", data=data))
    prepare(load_config())
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning:" in line]
    assert warnings == (
        [
            "warning: data is Pendulum-v1 but params.yaml's data.about still describes "
            "CartPole-v1 (Gymnasium): describe your data there (name, url, summary), which the "
            "README and model card show"
        ]
        if warned
        else []
    )
