"""Training: impossible combinations stop early; a short run is saved, logged and registered."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.agents import PRESETS, check_algorithm, load_presets, plan
from {{ cookiecutter.package_name }}.config import MODEL_DIR, load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError
from {{ cookiecutter.package_name }}.core.metadata import load_agent_meta
from {{ cookiecutter.package_name }}.data import prepare
from {{ cookiecutter.package_name }}.envs import env_spec
from {{ cookiecutter.package_name }}.train import train


@pytest.mark.parametrize(
    ("algorithm", "env_id", "message"),
    [
        ("DQN", "Pendulum-v1", "DQN cannot act in Pendulum-v1: it needs discrete actions"),
        ("SAC", "CartPole-v1", "SAC cannot act in CartPole-v1: it needs continuous actions"),
    ],
)
def test_an_algorithm_must_fit_the_action_space(algorithm: str, env_id: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_algorithm(algorithm, env_spec(env_id))


def _set(section: str, **values: object) -> None:
    params = yaml.safe_load(Path("params.yaml").read_text())
    params[section].update(values)
    Path("params.yaml").write_text(yaml.safe_dump(params))


def test_a_mismatch_stops_before_training(workspace: Path) -> None:
    _set("data", env={"id": "Pendulum-v1", "kwargs": {}})
    _set("train", algorithm="DQN")
    config = load_config()
    prepare(config)
    with pytest.raises(ConfigError, match="Use PPO, A2C, SAC"):
        train(config)
    assert not MODEL_DIR.exists()


def test_a_hyperparameter_typo_is_named(workspace: Path) -> None:
    _set("train", hyperparams={"learnin_rate": 0.1})
    config = load_config()
    prepare(config)
    with pytest.raises(ConfigError, match="learnin_rate"):
        train(config)


def test_presets_and_overrides_merge() -> None:
    todo = plan(
        "PPO",
        "CartPole-v1",
        tuned_defaults=True,
        total_timesteps=None,
        n_envs=None,
        hyperparams={"gamma": 0.99},
    )
    assert todo.total_timesteps == PRESETS[("PPO", "CartPole-v1")]["total_timesteps"]
    assert todo.n_envs == 8
    assert todo.hyperparams["gamma"] == 0.99
    assert todo.hyperparams["n_steps"] == 32
    with pytest.raises(ConfigError, match="set train.total_timesteps for A2C on Acrobot-v1"):
        plan(
            "A2C",
            "Acrobot-v1",
            tuned_defaults=True,
            total_timesteps=None,
            n_envs=None,
            hyperparams={},
        )


def test_a_short_run_is_saved(trained: Path) -> None:
    meta = json.loads((MODEL_DIR / "agent.json").read_text())
    assert (MODEL_DIR / "agent.zip").is_file()
    assert meta["algorithm"] == "PPO"
    assert meta["env_id"] == "CartPole-v1"
    assert meta["trained_timesteps"] >= 512
    assert meta["checkpoint"]["kind"] in ("final", "best")
    # The keys on disk are what evaluate, report, the API and the MLflow model read.
    assert list(meta) == [
        "env_id",
        "env_kwargs",
        "algorithm",
        "observation_space",
        "action_space",
        "reward_threshold",
        "max_episode_steps",
        "render_modes",
        "render_fps",
        "total_timesteps",
        "trained_timesteps",
        "n_envs",
        "seed",
        "hyperparams",
        "preset",
        "checkpoint",
        "train_seconds",
        "versions",
        "step_limit_added",
    ]
    assert list(meta["checkpoint"]) == ["kind", "timesteps", "eval_mean_return"]
    assert asdict(load_agent_meta(MODEL_DIR / "agent.json")) == meta
    log = json.loads((MODEL_DIR / "training_log.json").read_text())
    assert list(log) == ["episodes", "evaluations"]
    assert list(log["episodes"]) == ["timesteps", "returns", "lengths"]
    assert list(log["evaluations"]) == ["timesteps", "mean_returns", "std_returns"]
    assert log["episodes"]["returns"], "training episodes are recorded"
    assert len(log["evaluations"]["timesteps"]) == 2, "evaluated every 256 of 512 steps"


def test_the_run_is_tracked_and_registered(trained: Path) -> None:
    import mlflow
    from mlflow import MlflowClient

    record = json.loads((MODEL_DIR / "run.json").read_text())
    assert record["tracking_uri"] == "sqlite:///mlflow.db"
    mlflow.set_tracking_uri(record["tracking_uri"])
    client = MlflowClient()
    run = client.get_run(record["run_id"])
    assert run.data.params["algorithm"] == "PPO"
    assert run.data.params["hp.n_steps"] == "32"
    assert run.data.params["seeds"] == "2"
    assert "test_iqm_return" in run.data.metrics, "evaluate adds to the parent run"
    assert "test_mean_return" in run.data.metrics
    # One run per seed, nested under the parent: each with its own curves.
    children = client.search_runs(
        [run.info.experiment_id], f"tags.mlflow.parentRunId = '{record['run_id']}'"
    )
    seeds = json.loads((MODEL_DIR / "seeds.json").read_text())
    assert {child.info.run_id for child in children} == {item["run_id"] for item in seeds["runs"]}
    served = next(item for item in seeds["runs"] if item["seed"] == seeds["served"])
    assert run.data.tags["served_seed"] == str(seeds["served"])
    assert "eval/mean_return" in client.get_run(served["run_id"]).data.metrics
    returns = client.get_metric_history(served["run_id"], "train/episode_return")
    log = json.loads((MODEL_DIR / "training_log.json").read_text())
    assert len(returns) == len(log["episodes"]["returns"])
    artifacts = {item.path for item in client.list_artifacts(record["run_id"], "agent")}
    assert "agent/agent.zip" in artifacts
    version = client.get_model_version(record["registered_model"], record["model_version"])
    assert version.run_id == record["run_id"]


def test_the_registered_model_acts(trained: Path) -> None:
    import mlflow
    import numpy as np

    record = json.loads((MODEL_DIR / "run.json").read_text())
    mlflow.set_tracking_uri(record["tracking_uri"])
    uri = f"models:/{record['registered_model']}/{record['model_version']}"
    model = mlflow.pyfunc.load_model(uri)
    actions = model.predict(np.zeros((3, 4), dtype=np.float32))
    assert set(np.asarray(actions).tolist()) <= {0, 1}


def test_the_tuned_presets_are_yaml_tables_of_the_zoo(tmp_path: Path) -> None:
    presets = load_presets()
    assert presets[("PPO", "CartPole-v1")]["n_envs"] == 8
    assert presets[("SAC", "Pendulum-v1")]["hyperparams"] == {"learning_rate": 1e-3}
    for algorithm in ("PPO", "A2C", "DQN", "SAC"):
        (tmp_path / f"{algorithm.lower()}.yml").write_text("{}\n")
    zoo_entry = "LunarLander-v3:\n  n_envs: 16\n  n_timesteps: 1e6\n  gamma: 0.999\n"
    (tmp_path / "ppo.yml").write_text(zoo_entry)
    assert load_presets(tmp_path) == {
        ("PPO", "LunarLander-v3"): {
            "n_envs": 16,
            "total_timesteps": 1_000_000,
            "hyperparams": {"gamma": 0.999},
        }
    }
