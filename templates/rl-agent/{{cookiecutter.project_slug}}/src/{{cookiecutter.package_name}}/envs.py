"""Build the Gymnasium environment named in params.yaml, and describe it for the other stages."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .core.errors import DataError
from .spaces import describe

# Episodes of an environment that registers no step limit (CliffWalking-v1) stop after this many
# steps: a policy that never reaches the goal would otherwise play one evaluation forever.
STEP_LIMIT = 1_000


def bounded(env_id: str, kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """gymnasium.make's keyword arguments, with STEP_LIMIT when the environment has no limit."""
    import gymnasium as gym

    kwargs = dict(kwargs or {})
    try:
        registered = gym.spec(env_id).max_episode_steps
    except gym.error.Error:
        return kwargs  # make_env names the problem
    if registered is None:
        kwargs.setdefault("max_episode_steps", STEP_LIMIT)
    return kwargs


def adds_step_limit(env_id: str, kwargs: dict[str, Any] | None) -> bool:
    """Whether this project, not the environment, sets the episode limit."""
    return "max_episode_steps" in bounded(env_id, kwargs) and "max_episode_steps" not in (
        kwargs or {}
    )


def make_env(env_id: str, kwargs: dict[str, Any] | None = None, render_mode: str | None = None):
    """gymnasium.make, with its many failure modes turned into one DataError naming the problem."""
    import gymnasium as gym

    if render_mode is not None:
        # Render off-screen: no display is needed, and SDL stays quiet about it.
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    try:
        return gym.make(env_id, render_mode=render_mode, **bounded(env_id, kwargs))
    except gym.error.Error as error:
        raise DataError(f"data.env.id {env_id!r} cannot be made: {error}") from error
    except ImportError as error:
        raise DataError(f"data.env.id {env_id!r}: {error}") from error
    except TypeError as error:
        raise DataError(f"data.env.kwargs {kwargs!r} do not fit {env_id}: {error}") from error


@dataclass(frozen=True)
class EnvSpec:
    """What the agent will face, as the data stage writes it to data/env_spec.json."""

    env_id: str
    kwargs: dict[str, Any]
    observation_space: dict[str, Any]  # spaces.describe's form, which the API checks against
    action_space: dict[str, Any]
    reward_threshold: float | None
    max_episode_steps: int | None
    render_modes: list[str]
    render_fps: int | None
    gymnasium_version: str
    step_limit_added: bool = False  # the environment registers none: STEP_LIMIT applies


def env_spec(env_id: str, kwargs: dict[str, Any] | None = None) -> EnvSpec:
    """What the agent will face: spaces, episode limit, reward threshold, rendering."""
    import gymnasium as gym

    env = make_env(env_id, kwargs)
    try:
        spec = env.spec
        return EnvSpec(
            env_id=env_id,
            kwargs=dict(kwargs or {}),
            observation_space=describe(env.observation_space, "observation space"),
            action_space=describe(env.action_space, "action space"),
            reward_threshold=spec.reward_threshold if spec else None,
            max_episode_steps=spec.max_episode_steps if spec else None,
            render_modes=list(env.metadata.get("render_modes", [])),
            render_fps=env.metadata.get("render_fps"),
            gymnasium_version=gym.__version__,
            step_limit_added=adds_step_limit(env_id, kwargs),
        )
    finally:
        env.close()


def solved_threshold(env_id: str) -> float | None:
    """The mean return Gymnasium registers as solving the environment, or None if it has none."""
    import gymnasium as gym

    try:
        threshold = gym.spec(env_id).reward_threshold
    except gym.error.Error as error:
        raise DataError(f"data.env.id {env_id!r} is not registered: {error}") from error
    return None if threshold is None else float(threshold)


def save_env_spec(spec: EnvSpec, path: str | Path) -> None:
    """Write the spec as JSON, one key per field."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(spec), indent=2) + "\n", encoding="utf-8")


def load_env_spec(path: str | Path) -> EnvSpec:
    """The spec written by the data stage; DataError if it is missing or not one."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} not found: run `dvc repro data` first")
    try:
        return EnvSpec(**json.loads(path.read_text(encoding="utf-8")))
    except (TypeError, ValueError) as error:
        # A hand-edited file or one from another version: rebuilding it is cheap.
        raise DataError(
            f"{path} is not an environment spec ({error}): run `dvc repro data`"
        ) from error


def make_vec_env(env_id: str, kwargs: dict[str, Any], n_envs: int, seed: int):
    """`n_envs` copies of the environment stepped together, in Monitors, seeded seed .. seed+n-1."""
    from stable_baselines3.common.env_util import make_vec_env as sb3_make_vec_env

    return sb3_make_vec_env(env_id, n_envs=n_envs, seed=seed, env_kwargs=bounded(env_id, kwargs))


def env_action(action: Any, space: dict[str, Any]) -> Any:
    """An agent's answer as the environment's step takes it: a plain int for a Discrete space
    (toy-text environments index tables with it), a float array for a Box."""
    import numpy as np

    if space["type"] == "Discrete":
        return int(np.asarray(action).ravel()[0])
    return np.asarray(action, dtype=np.float32).reshape(space["shape"])
