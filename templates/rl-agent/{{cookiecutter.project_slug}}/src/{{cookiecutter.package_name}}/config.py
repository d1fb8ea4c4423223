"""Every knob of the pipeline, read once from params.yaml into typed, frozen pydantic models."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from .core.settings import PARAMS_PATH, DataAbout, Params, Section, load_params

# Where each stage reads and writes, relative to the project root (where dvc.yaml lives).
ENV_SPEC = Path("data/env_spec.json")
MODEL_DIR = Path("models")
AGENT_FILE = "agent.zip"
AGENT_META = "agent.json"
TRAINING_LOG = "training_log.json"
RUN_RECORD = "run.json"
SEEDS_DIR = MODEL_DIR / "seeds"  # one folder per training seed: its agent, metadata and log
SEEDS_RECORD = MODEL_DIR / "seeds.json"  # every seed's run and score, and which one is served
METRICS = Path("reports/metrics.json")
FIGURES = Path("reports/figures")
REWARD_CURVE = FIGURES / "reward_curve.png"
AGENT_GIF = FIGURES / "agent.gif"
DOCUMENTS = (Path("README.md"), Path("MODEL_CARD.md"))

Algorithm = Literal["PPO", "A2C", "DQN", "SAC", "QLearning", "SARSA", "ExpectedSARSA"]
POLICY_FIGURE = FIGURES / "policy.png"
PATHS_FIGURE = FIGURES / "paths.png"  # CliffWalking: Q-learning's path against SARSA's


class EnvConfig(Section):
    """Which Gymnasium environment the agent learns."""

    id: str
    kwargs: dict[str, Any]

    @field_validator("id")
    @classmethod
    def _named(cls, env_id: str) -> str:
        if not env_id.strip():
            raise ValueError("is empty: name a Gymnasium environment, e.g. CartPole-v1")
        return env_id


class DataConfig(Section):
    """What the data stage checks and describes: the environment."""

    env: EnvConfig
    about: DataAbout | None = None  # None: as Gymnasium describes it (reporting/environment.py)


class TabularConfig(Section):
    """How QLearning, SARSA and ExpectedSARSA update their table and explore."""

    learning_rate: float = Field(gt=0, le=1)
    gamma: float = Field(ge=0, le=1)
    epsilon_start: float = Field(ge=0, le=1)
    epsilon_end: float = Field(ge=0, le=1)
    exploration_fraction: float = Field(gt=0, le=1)


class TrainConfig(Section):
    """The algorithm, its budget and hyper-parameters, and the periodic evaluation."""

    seeds: int = Field(ge=1)  # agents trained, on seeds seed .. seed+seeds-1
    algorithm: Algorithm | None  # None: chosen from the environment's spaces (agents.choose)
    tuned_defaults: bool
    total_timesteps: int | None = Field(ge=1)
    n_envs: int | None = Field(ge=1)
    hyperparams: dict[str, Any]
    tabular: TabularConfig
    eval_freq: int = Field(ge=0)
    eval_episodes: int = Field(ge=1)
    progress_bar: bool
    torch_threads: int = Field(ge=1)


class EvaluateConfig(Section):
    """The final evaluation: N deterministic episodes, and the GIF of one of them."""

    n_episodes: int = Field(ge=1)
    n_envs: int = Field(ge=1)
    seed: int  # the evaluation's own seeds, apart from training's (the top-level seed)
    deterministic: bool
    gif_max_frames: int = Field(ge=0)
    gif_width: int = Field(ge=1)


class Config(Params):
    """The whole of params.yaml."""

    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read params.yaml; unknown keys, wrong types and impossible values are reported by name."""
    return load_params(Config, path)
