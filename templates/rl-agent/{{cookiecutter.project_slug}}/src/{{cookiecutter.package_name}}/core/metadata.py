"""What train records about the agent it kept (models/agent.json) and how it learned (the log).

Evaluate, report and the API read these files; their keys are the ones written here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ModelNotFoundError


@dataclass(frozen=True)
class Checkpoint:
    """Which agent was kept: the final one or the best periodically evaluated one."""

    kind: str  # "final" or "best"
    timesteps: int
    eval_mean_return: float | None


@dataclass(frozen=True)
class AgentMeta:
    """The environment, algorithm, budget and provenance of the trained agent."""

    env_id: str
    env_kwargs: dict[str, Any]
    algorithm: str
    observation_space: dict[str, Any]
    action_space: dict[str, Any]
    reward_threshold: float | None
    max_episode_steps: int | None
    render_modes: list[str]
    render_fps: int | None
    total_timesteps: int
    trained_timesteps: int
    n_envs: int
    seed: int
    hyperparams: dict[str, Any]
    preset: str | None
    checkpoint: Checkpoint
    train_seconds: float
    versions: dict[str, str]  # stable_baselines3, gymnasium, torch
    step_limit_added: bool = False  # the environment registers no limit: envs.STEP_LIMIT applies

    @classmethod
    def from_dict(cls, fields: dict[str, Any]) -> AgentMeta:
        """The metadata from its JSON form; TypeError if keys are missing or unknown."""
        return cls(**fields | {"checkpoint": Checkpoint(**fields["checkpoint"])})


@dataclass(frozen=True)
class EpisodeLog:
    """Every finished training episode: the step it ended at, its return and length."""

    timesteps: list[int]
    returns: list[float]
    lengths: list[int]


@dataclass(frozen=True)
class EvaluationLog:
    """Every periodic evaluation: the step, and the mean and spread of its returns."""

    timesteps: list[int]
    mean_returns: list[float]
    std_returns: list[float]


@dataclass(frozen=True)
class TrainingLog:
    """What the reward curve is drawn from (models/training_log.json)."""

    episodes: EpisodeLog
    evaluations: EvaluationLog


def save_agent_meta(meta: AgentMeta, path: str | Path) -> None:
    """Write the metadata as indented JSON beside the agent."""
    Path(path).write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")


def load_agent_meta(path: str | Path) -> AgentMeta:
    """The metadata train wrote; ModelNotFoundError if it is missing or not agent metadata."""
    path = Path(path)
    if not path.is_file():
        raise ModelNotFoundError(f"{path} missing: run `dvc repro`")
    try:
        return AgentMeta.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (TypeError, ValueError, KeyError) as error:
        raise ModelNotFoundError(
            f"{path} is not agent metadata ({error}): run `dvc repro`"
        ) from error


def save_training_log(log: TrainingLog, path: str | Path) -> None:
    """Write the log as compact JSON (it holds one entry per episode)."""
    Path(path).write_text(json.dumps(asdict(log)) + "\n", encoding="utf-8")


def load_training_log(path: str | Path) -> TrainingLog:
    """The log train wrote."""
    fields = json.loads(Path(path).read_text(encoding="utf-8"))
    return TrainingLog(
        episodes=EpisodeLog(**fields["episodes"]),
        evaluations=EvaluationLog(**fields["evaluations"]),
    )
