"""Every knob of the pipeline, read once from params.yaml into typed, frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .settings import build, read_params

# Where each stage reads and writes, relative to the project root (where dvc.yaml lives).
ENV_SPEC = Path("data/env_spec.json")
MODEL_DIR = Path("models")
AGENT_FILE = "agent.zip"
AGENT_META = "agent.json"
TRAINING_LOG = "training_log.json"
RUN_RECORD = "run.json"
METRICS = Path("reports/metrics.json")
FIGURES = Path("reports/figures")
REWARD_CURVE = FIGURES / "reward_curve.png"
AGENT_GIF = FIGURES / "agent.gif"
DOCUMENTS = (Path("README.md"), Path("MODEL_CARD.md"))

Algorithm = Literal["PPO", "A2C", "DQN", "SAC"]


@dataclass(frozen=True)
class EnvConfig:
    """Which Gymnasium environment the agent learns."""

    id: str = "CartPole-v1"
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainConfig:
    """The algorithm, its budget and hyper-parameters, and the periodic evaluation."""

    algorithm: Algorithm = "PPO"
    tuned_defaults: bool = True
    total_timesteps: int | None = None
    n_envs: int | None = None
    hyperparams: dict[str, Any] = field(default_factory=dict)
    seed: int = 42
    eval_freq: int = 10_000
    eval_episodes: int = 10
    progress_bar: bool = True
    torch_threads: int = 1


@dataclass(frozen=True)
class EvaluateConfig:
    """The final evaluation: N deterministic episodes, and the GIF of one of them."""

    n_episodes: int = 100
    n_envs: int = 10
    seed: int = 1000
    deterministic: bool = True
    gif_max_frames: int = 250
    gif_width: int = 320


@dataclass(frozen=True)
class MlflowConfig:
    """Where runs are grouped and under which name the agent is registered."""

    experiment: str = "{{ cookiecutter.project_slug }}"
    registered_model: str | None = "{{ cookiecutter.project_slug }}"


@dataclass(frozen=True)
class Config:
    """The whole of params.yaml."""

    env: EnvConfig = field(default_factory=EnvConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    mlflow: MlflowConfig = field(default_factory=MlflowConfig)


def load_config(path: str | Path = "params.yaml") -> Config:
    """Read params.yaml; unknown keys, wrong types and impossible values are reported by name."""
    config = build(Config, read_params(path))
    _check(config)
    return config


def _check(config: Config) -> None:
    from .errors import ConfigError

    positive = {
        "train.eval_episodes": config.train.eval_episodes,
        "train.torch_threads": config.train.torch_threads,
        "evaluate.n_episodes": config.evaluate.n_episodes,
        "evaluate.n_envs": config.evaluate.n_envs,
        "evaluate.gif_width": config.evaluate.gif_width,
    }
    if config.train.total_timesteps is not None:
        positive["train.total_timesteps"] = config.train.total_timesteps
    if config.train.n_envs is not None:
        positive["train.n_envs"] = config.train.n_envs
    for name, value in positive.items():
        if value < 1:
            raise ConfigError(f"{name} must be at least 1, got {value}")
    if config.train.eval_freq < 0:
        raise ConfigError(
            f"train.eval_freq must be 0 (never) or more, got {config.train.eval_freq}"
        )
    if config.evaluate.gif_max_frames < 0:
        frames = config.evaluate.gif_max_frames
        raise ConfigError(f"evaluate.gif_max_frames must be 0 (no GIF) or more, got {frames}")
    if not config.env.id.strip():
        raise ConfigError("env.id is empty: name a Gymnasium environment, e.g. CartPole-v1")
