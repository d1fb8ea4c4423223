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


@dataclass(frozen=True)
class SeedRun:
    """One training seed: its MLflow run, its score on the selection episodes, its time."""

    seed: int
    run_id: str
    selection_mean_return: float | None  # None when a single seed leaves nothing to choose
    train_seconds: float


@dataclass(frozen=True)
class SeedsRecord:
    """Every seed trained (models/seeds.json), and the one served (copied to models/)."""

    runs: list[SeedRun]
    served: int
    selection_episodes: int

    @property
    def seeds(self) -> list[int]:
        """The seeds, in the order they were trained."""
        return [run.seed for run in self.runs]

    def served_line(self) -> str:
        """Which seed is served and why, e.g. "seed 43, the best of 3 by evaluation mean ..."."""
        if len(self.runs) == 1:
            return f"seed {self.served}, the only one trained"
        score = next(run.selection_mean_return for run in self.runs if run.seed == self.served)
        return (
            f"seed {self.served}, the best of {len(self.runs)} by evaluation mean return "
            f"({score:.2f} over {self.selection_episodes} episodes)"
        )


def save_seeds_record(record: SeedsRecord, path: str | Path) -> None:
    """Write the seeds' record as indented JSON."""
    Path(path).write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")


def load_seeds_record(path: str | Path) -> SeedsRecord:
    """The seeds train recorded; ModelNotFoundError if the file is missing or not that record."""
    path = Path(path)
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        runs = [SeedRun(**run) for run in fields.pop("runs")]
        return SeedsRecord(runs=runs, **fields)
    except (OSError, TypeError, ValueError, KeyError) as error:
        raise ModelNotFoundError(f"{path} is missing or unreadable: run `dvc repro`") from error


def agent_meta(
    spec: Any, todo: Any, seed: int, checkpoint: Checkpoint, seconds: float, steps: int
) -> AgentMeta:
    """The metadata of a trained agent, from the env spec and plan train worked from."""
    import gymnasium
    import stable_baselines3
    import torch

    return AgentMeta(
        env_id=spec.env_id,
        env_kwargs=spec.kwargs,
        algorithm=todo.algorithm,
        observation_space=spec.observation_space,
        action_space=spec.action_space,
        reward_threshold=spec.reward_threshold,
        max_episode_steps=spec.max_episode_steps,
        render_modes=spec.render_modes,
        render_fps=spec.render_fps,
        total_timesteps=todo.total_timesteps,
        trained_timesteps=int(steps),
        n_envs=todo.n_envs,
        seed=seed,
        hyperparams=todo.hyperparams,
        preset=todo.preset,
        checkpoint=checkpoint,
        train_seconds=round(seconds, 2),
        step_limit_added=spec.step_limit_added,
        versions={
            "stable_baselines3": stable_baselines3.__version__,
            "gymnasium": gymnasium.__version__,
            "torch": torch.__version__,
        },
    )


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
