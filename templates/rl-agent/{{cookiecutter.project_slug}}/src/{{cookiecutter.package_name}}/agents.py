"""The algorithms on offer, which action spaces each can handle, and their tuned defaults.

The tuned defaults are the hyper-parameters published by RL Baselines3 Zoo
(https://github.com/DLR-RM/rl-baselines3-zoo, hyperparams/*.yml) for the classic-control
environments that need no observation normalisation. Anything in params.yaml's
`train.hyperparams` goes on top of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .envs import EnvSpec
from .errors import ConfigError

# Which action spaces each algorithm can act in.
ACTION_SPACES: dict[str, tuple[str, ...]] = {
    "PPO": ("Discrete", "Box"),
    "A2C": ("Discrete", "Box"),
    "DQN": ("Discrete",),
    "SAC": ("Box",),
}
KIND = {"Discrete": "discrete", "Box": "continuous"}

# (algorithm, env id) -> the tuned run: one YAML table per algorithm in hyperparams/, keyed by
# environment, as RL Baselines3 Zoo keeps them.
HYPERPARAMS_DIR = Path(__file__).parent / "hyperparams"
RUN_KEYS = ("n_envs", "n_timesteps")


def load_presets(folder: Path = HYPERPARAMS_DIR) -> dict[tuple[str, str], dict[str, Any]]:
    """Every tuned preset: n_envs, total_timesteps and the constructor's hyperparams."""
    presets = {}
    for algorithm in ACTION_SPACES:
        table = yaml.safe_load((folder / f"{algorithm.lower()}.yml").read_text(encoding="utf-8"))
        for env_id, entry in (table or {}).items():
            presets[(algorithm, env_id)] = {
                "n_envs": int(entry["n_envs"]),
                "total_timesteps": int(float(entry["n_timesteps"])),  # the Zoo writes 1e5 too
                "hyperparams": {k: v for k, v in entry.items() if k not in RUN_KEYS},
            }
    return presets


PRESETS = load_presets()


@dataclass(frozen=True)
class Plan:
    """What training will do, once params.yaml and the tuned defaults are merged."""

    algorithm: str
    n_envs: int
    total_timesteps: int
    hyperparams: dict[str, Any]
    preset: str | None


def check_algorithm(algorithm: str, spec: EnvSpec) -> None:
    """Refuse an algorithm that cannot act in the environment's action space."""
    action_type = spec.action_space["type"]
    if action_type in ACTION_SPACES[algorithm]:
        return
    fitting = [name for name, kinds in ACTION_SPACES.items() if action_type in kinds]
    needs = " or ".join(KIND[kind] for kind in ACTION_SPACES[algorithm])
    raise ConfigError(
        f"train.algorithm {algorithm} cannot act in {spec.env_id}: it needs {needs} actions, "
        f"and {spec.env_id} has {KIND[action_type]} ones ({action_type}). "
        f"Use {', '.join(fitting)} for this environment, or pick another data.env.id"
    )


def plan(
    algorithm: str,
    env_id: str,
    *,
    tuned_defaults: bool,
    total_timesteps: int | None,
    n_envs: int | None,
    hyperparams: dict[str, Any],
) -> Plan:
    """Merge params.yaml over the tuned defaults for this algorithm and environment."""
    preset = PRESETS.get((algorithm, env_id)) if tuned_defaults else None
    base = preset or {"n_envs": 1, "total_timesteps": None, "hyperparams": {}}
    budget = total_timesteps or base["total_timesteps"]
    if budget is None:
        reason = "tuned_defaults is false" if not tuned_defaults else "no tuned preset has it"
        raise ConfigError(
            f"set train.total_timesteps for {algorithm} on {env_id}: {reason} "
            f"(presets: {', '.join(f'{a} on {e}' for a, e in PRESETS)})"
        )
    return Plan(
        algorithm=algorithm,
        n_envs=n_envs or base["n_envs"],
        total_timesteps=budget,
        hyperparams={**base["hyperparams"], **hyperparams},
        preset=f"RL Baselines3 Zoo, {algorithm} on {env_id}" if preset else None,
    )


def algorithm_class(name: str):
    """The Stable-Baselines3 class for an algorithm name."""
    import stable_baselines3

    return getattr(stable_baselines3, name)


def constructor_kwargs(hyperparams: dict[str, Any]) -> dict[str, Any]:
    """Turn the YAML-friendly hyper-parameters into what Stable-Baselines3's constructors take."""
    kwargs = {}
    for name, value in hyperparams.items():
        if isinstance(value, str) and value.startswith("lin_"):
            kwargs[name] = _linear(name, value)
        elif name == "policy_kwargs":
            kwargs[name] = _policy_kwargs(value)
        else:
            kwargs[name] = value
    return kwargs


def _linear(name: str, value: str):
    from stable_baselines3.common.utils import LinearSchedule

    try:
        start = float(value.removeprefix("lin_"))
    except ValueError as error:
        raise ConfigError(f"train.hyperparams.{name}: {value!r} is not lin_<number>") from error
    # SB3's own schedule class (not a lambda), so the saved agent loads without this project.
    return LinearSchedule(start=start, end=0.0, end_fraction=1.0)


def _policy_kwargs(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"train.hyperparams.policy_kwargs must be a mapping, got {value!r}")
    kwargs = dict(value)
    activation = kwargs.get("activation_fn")
    if isinstance(activation, str):
        from torch import nn

        if not hasattr(nn, activation):
            raise ConfigError(f"train.hyperparams.policy_kwargs: torch.nn has no {activation!r}")
        kwargs["activation_fn"] = getattr(nn, activation)
    return kwargs
