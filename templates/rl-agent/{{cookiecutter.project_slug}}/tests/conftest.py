"""A tiny configuration made once (a few hundred steps, a handful of episodes), copied per test.

The tiny runs name their environment and algorithm themselves: whatever environment the project
was switched to, the tests check the pipeline on CartPole-v1 (discrete actions), Pendulum-v1
(continuous actions) and FrozenLake-v1 (discrete observations: the algorithm chosen from the
spaces, a Q-table).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "MODEL_CARD.md")
TINY: dict[str, dict[str, Any]] = {
    "data": {"env": {"id": "CartPole-v1", "kwargs": {}}},
    "train": {
        "seeds": 2,  # the several-seed path, at the least cost
        "algorithm": "PPO",
        "tuned_defaults": True,
        "total_timesteps": 512,
        "n_envs": 2,
        "eval_freq": 256,
        "eval_episodes": 2,
        "progress_bar": False,
        "hyperparams": {"batch_size": 64},
    },
    "evaluate": {
        "deterministic": True,
        "n_episodes": 4,
        "n_envs": 2,
        "gif_max_frames": 8,
        "gif_width": 96,
    },
}
PENDULUM: dict[str, dict[str, Any]] = {
    "data": {"env": {"id": "Pendulum-v1", "kwargs": {}}},
    "train": {
        "seeds": 1,  # the single-run path
        "algorithm": "SAC",
        "tuned_defaults": True,
        "total_timesteps": 300,
        "n_envs": 1,
        "eval_freq": 0,
        "hyperparams": {"learning_starts": 100, "batch_size": 64},
    },
}

FROZEN_LAKE: dict[str, dict[str, Any]] = {
    "data": {"env": {"id": "FrozenLake-v1", "kwargs": {}}},
    "train": {
        "seeds": 2,
        "algorithm": None,
        "total_timesteps": 3000,
        "eval_freq": 1000,
        "hyperparams": {},
    },
}


def make_workspace(folder: Path, **overrides: dict[str, Any]) -> Path:
    """A project folder with a tiny params.yaml (updated by `overrides`) and the two documents."""
    folder.mkdir(parents=True, exist_ok=True)
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for changes in (TINY, overrides):
        for section, values in changes.items():
            params[section] = {**params[section], **values}
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    for document in DOCUMENTS:
        shutil.copy(ROOT / document, folder / document)
    return folder


def run_pipeline(folder: Path, *, report: bool = True) -> None:
    """data -> train -> evaluate (-> report) inside `folder`, MLflow in folder/mlflow.db."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.data import prepare
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report as write_report
    from {{ cookiecutter.package_name }}.train import train

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        config = load_config()
        prepare(config)
        train(config)
        evaluate(config)
        if report:
            write_report()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An untrained project folder with the tiny config, as the working directory."""
    folder = make_workspace(tmp_path / "project")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MODEL_DIR", raising=False)
    return folder


@pytest.fixture(scope="session")
def cartpole_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole pipeline, once, on CartPole-v1 with PPO (a few hundred steps)."""
    folder = make_workspace(tmp_path_factory.mktemp("cartpole") / "project")
    run_pipeline(folder)
    return folder


@pytest.fixture(scope="session")
def pendulum_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pipeline, once, on Pendulum-v1 (continuous actions) with SAC."""
    folder = make_workspace(tmp_path_factory.mktemp("pendulum") / "project", **PENDULUM)
    run_pipeline(folder, report=False)
    return folder


def _copy(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(source, folder)
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MODEL_DIR", raising=False)
    return folder


@pytest.fixture
def trained(cartpole_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the trained CartPole project, as the working directory."""
    yield _copy(cartpole_run, tmp_path, monkeypatch)


@pytest.fixture
def trained_pendulum(
    pendulum_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A private copy of the trained Pendulum project, as the working directory."""
    yield _copy(pendulum_run, tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def frozenlake_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole pipeline, once, on FrozenLake-v1 with the algorithm params.yaml leaves open."""
    folder = make_workspace(tmp_path_factory.mktemp("frozenlake") / "project", **FROZEN_LAKE)
    run_pipeline(folder)
    return folder


@pytest.fixture
def trained_frozenlake(
    frozenlake_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A private copy of the trained FrozenLake project, as the working directory."""
    yield _copy(frozenlake_run, tmp_path, monkeypatch)


@pytest.fixture(params=["cartpole", "pendulum", "frozenlake"])
def trained_project(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of a trained tiny project (discrete actions, continuous actions, discrete
    observations), for the tests every template shares (test_examples.py)."""
    source = request.getfixturevalue(f"{request.param}_run")
    return Path(shutil.copytree(source, tmp_path / request.param))
