"""The algorithms on offer, which spaces each can handle, the default choice, and tuned settings.

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

from .core.errors import ConfigError
from .envs import EnvSpec
from .spaces import size
from .tabular import ALGORITHMS as TABULAR

# Which action spaces each algorithm can act in.
ACTION_SPACES: dict[str, tuple[str, ...]] = {
    "PPO": ("Discrete", "Box"),
    "A2C": ("Discrete", "Box"),
    "DQN": ("Discrete",),
    "SAC": ("Box",),
    **{name: ("Discrete",) for name in TABULAR},
}
KIND = {"Discrete": "discrete", "Box": "continuous"}
DEFAULT = "PPO"  # for Box observations, unless the Zoo tuned only another algorithm (choose)

# (algorithm, env id) -> the tuned run: one YAML table per algorithm in hyperparams/, keyed by
# environment, as RL Baselines3 Zoo keeps them.
HYPERPARAMS_DIR = Path(__file__).parent / "hyperparams"
RUN_KEYS = ("n_envs", "n_timesteps")


def load_presets(folder: Path = HYPERPARAMS_DIR) -> dict[tuple[str, str], dict[str, Any]]:
    """Every tuned preset: n_envs, total_timesteps and the constructor's hyperparams."""
    presets = {}
    for algorithm in (name for name in ACTION_SPACES if name not in TABULAR):
        table = yaml.safe_load((folder / f"{algorithm.lower()}.yml").read_text(encoding="utf-8"))
        for env_id, entry in (table or {}).items():
            presets[(algorithm, env_id)] = {
                "n_envs": int(entry["n_envs"]),
                "total_timesteps": int(float(entry["n_timesteps"])),  # the Zoo writes 1e5 too
                "hyperparams": {k: v for k, v in entry.items() if k not in RUN_KEYS},
            }
    return presets


PRESETS = load_presets()


# Without a tuned preset: a budget read from the environment's spaces (see spaces_budget), on
# Stable-Baselines3's default hyper-parameters; on-policy algorithms then collect from as many
# envs as the CartPole preset does (one env gives PPO too few rollouts in that budget).
BASE_BUDGET = 100_000
MAX_BUDGET = 1_000_000
ON_POLICY_ENVS = {"PPO": 8, "A2C": 8}
# Sparse rewards: PPO's generic settings never reach the flag here, the Zoo's tuned off-policy
# presets do. Elsewhere (Acrobot, Pendulum...) PPO, its budget from the spaces, stays the default.
PPO_FAILS = {"MountainCar-v0", "MountainCarContinuous-v0"}


@dataclass(frozen=True)
class Plan:
    """What training will do, once params.yaml and the tuned defaults are merged."""

    algorithm: str
    n_envs: int
    total_timesteps: int
    hyperparams: dict[str, Any]
    preset: str | None
    warning: str | None = None  # one line for the stage output when the budget was guessed


@dataclass(frozen=True)
class Choice:
    """The algorithm to train and why, as the train stage says it."""

    algorithm: str
    reason: str


def is_tabular(spec: EnvSpec) -> bool:
    """Discrete observations and actions: a table of action values can hold the whole policy."""
    return spec.observation_space["type"] == spec.action_space["type"] == "Discrete"


def choose(requested: str | None, spec: EnvSpec, *, tuned_defaults: bool) -> Choice:
    """train.algorithm when set; else from the spaces: QLearning for discrete observations and
    actions, else PPO, or, where PPO's generic settings fail and the Zoo has no PPO preset, the
    algorithm RL Baselines3 Zoo tuned (SAC for MountainCarContinuous-v0, DQN for MountainCar-v0)."""
    if requested is not None:
        return Choice(requested, "train.algorithm in params.yaml")
    if is_tabular(spec):
        states, actions = spec.observation_space["n"], spec.action_space["n"]
        return Choice(
            "QLearning",
            f"{spec.env_id} has discrete observations and actions: a table of "
            f"{states} states x {actions} actions holds every action value",
        )
    if tuned_defaults and spec.env_id in PPO_FAILS and (DEFAULT, spec.env_id) not in PRESETS:
        for other, env_id in PRESETS:
            if env_id == spec.env_id and spec.action_space["type"] in ACTION_SPACES[other]:
                return Choice(
                    other,
                    f"RL Baselines3 Zoo tuned {other}, not {DEFAULT}, for {spec.env_id}",
                )
    return Choice(DEFAULT, f"the default for {KIND[spec.action_space['type']]} actions")


def check_algorithm(algorithm: str, spec: EnvSpec) -> None:
    """Refuse an algorithm that cannot act in the environment's spaces."""
    if algorithm in TABULAR and spec.observation_space["type"] != "Discrete":
        raise ConfigError(
            f"train.algorithm {algorithm} needs discrete observations (one table row per state), "
            f"and {spec.env_id} has {describe_spaces(spec)}. Use PPO, A2C"
            + (", DQN" if spec.action_space["type"] == "Discrete" else ", SAC")
            + " for this environment, or pick another data.env.id"
        )
    action_type = spec.action_space["type"]
    if action_type in ACTION_SPACES[algorithm]:
        return
    fitting = [
        name
        for name, kinds in ACTION_SPACES.items()
        if action_type in kinds and (name not in TABULAR or is_tabular(spec))
    ]
    needs = " or ".join(KIND[kind] for kind in ACTION_SPACES[algorithm])
    raise ConfigError(
        f"train.algorithm {algorithm} cannot act in {spec.env_id}: it needs {needs} actions, "
        f"and {spec.env_id} has {KIND[action_type]} ones ({action_type}). "
        f"Use {', '.join(fitting)} for this environment, or pick another data.env.id"
    )


def spaces_budget(spec: EnvSpec) -> int:
    """Steps for an environment nobody tuned: 100,000, doubled for continuous actions and for
    each doubling of the observation size beyond 8 numbers, at most 1,000,000.

    100,000 steps of PPO with its defaults solve the small classic-control tasks that are not
    hard-exploration ones (Acrobot-v1: mean return about -90); bigger spaces need more.
    """
    budget = BASE_BUDGET
    if spec.action_space["type"] == "Box":
        budget *= 2
    numbers = size(spec.observation_space)
    while numbers > 8 and budget < MAX_BUDGET:
        budget *= 2
        numbers /= 2
    return min(budget, MAX_BUDGET)


def describe_spaces(spec: EnvSpec) -> str:
    """'6-dim Box observations, 3 discrete actions', as the budget warning says it."""
    observations = spec.observation_space
    if observations["type"] == "Box":
        seen = f"{size(observations)}-dim Box observations"
    else:
        seen = f"{observations.get('n', '?')} discrete observations"
    actions = spec.action_space
    if actions["type"] == "Discrete":
        acts = f"{actions['n']} discrete actions"
    else:
        acts = f"{size(actions)}-dim continuous actions"
    return f"{seen}, {acts}"


def tuned_alternative(algorithm: str, spec: EnvSpec) -> str | None:
    """Another algorithm the Zoo tuned for this environment, as a suggestion, or None."""
    action_type = spec.action_space["type"]
    for (other, env_id), preset in PRESETS.items():
        if env_id == spec.env_id and other != algorithm and action_type in ACTION_SPACES[other]:
            return (
                f"RL Baselines3 Zoo tuned {other} for it: train.algorithm: {other} trains "
                f"{preset['total_timesteps']:,} steps with its settings"
            )
    return None


def plan(
    algorithm: str,
    env_id: str,
    *,
    tuned_defaults: bool,
    total_timesteps: int | None,
    n_envs: int | None,
    hyperparams: dict[str, Any],
    spec: EnvSpec | None = None,
    tabular: dict[str, Any] | None = None,
) -> Plan:
    """Merge params.yaml over the tuned defaults for this algorithm and environment.

    With no preset and no train.total_timesteps, the budget comes from the environment's
    spaces when `spec` is given (and the plan carries a warning saying so), else ConfigError.
    The tabular algorithms learn with `tabular` (train.tabular) on the spaces' budget.
    """
    if algorithm in TABULAR:
        budget = total_timesteps or (spaces_budget(spec) if spec is not None else BASE_BUDGET)
        return Plan(algorithm, 1, budget, dict(tabular or {}), None)
    preset = PRESETS.get((algorithm, env_id)) if tuned_defaults else None
    base = preset or {"n_envs": 1, "total_timesteps": None, "hyperparams": {}}
    budget = total_timesteps or base["total_timesteps"]
    warning = None
    if budget is None and spec is not None:
        budget = spaces_budget(spec)
        base = {**base, "n_envs": ON_POLICY_ENVS.get(algorithm, 1)}
        why = "tuned_defaults is false" if not tuned_defaults else f"no tuned {algorithm} preset"
        warning = (
            f"{why} for {env_id}: {budget:,} steps chosen from its spaces "
            f"({describe_spaces(spec)}); set train.total_timesteps to change it"
        )
        alternative = tuned_alternative(algorithm, spec) if tuned_defaults else None
        if alternative:
            warning += f". {alternative}"
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
        warning=warning,
    )


def algorithm_class(name: str):
    """The class that trains and loads an algorithm: Stable-Baselines3's, or the Q-table's."""
    if name in TABULAR:
        from .tabular import TabularAgent

        return TabularAgent
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
