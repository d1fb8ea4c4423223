"""The algorithms on offer, which action spaces each can handle, and their tuned defaults.

The tuned defaults are the hyper-parameters published by RL Baselines3 Zoo
(https://github.com/DLR-RM/rl-baselines3-zoo, hyperparams/*.yml) for the classic-control
environments that need no observation normalisation. Anything in params.yaml's
`train.hyperparams` goes on top of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ConfigError

# Which action spaces each algorithm can act in.
ACTION_SPACES: dict[str, tuple[str, ...]] = {
    "PPO": ("Discrete", "Box"),
    "A2C": ("Discrete", "Box"),
    "DQN": ("Discrete",),
    "SAC": ("Box",),
}
KIND = {"Discrete": "discrete", "Box": "continuous"}

# (algorithm, env id) -> n_envs, budget in environment steps, constructor arguments.
# "lin_X" means a value decaying linearly from X to 0 over training.
PRESETS: dict[tuple[str, str], dict[str, Any]] = {
    ("PPO", "CartPole-v1"): {
        "n_envs": 8,
        "total_timesteps": 100_000,
        "hyperparams": {
            "n_steps": 32,
            "batch_size": 256,
            "gae_lambda": 0.8,
            "gamma": 0.98,
            "n_epochs": 20,
            "ent_coef": 0.0,
            "learning_rate": "lin_0.001",
            "clip_range": "lin_0.2",
        },
    },
    ("A2C", "CartPole-v1"): {
        "n_envs": 8,
        "total_timesteps": 500_000,
        "hyperparams": {"ent_coef": 0.0},
    },
    ("DQN", "CartPole-v1"): {
        "n_envs": 1,
        "total_timesteps": 50_000,
        "hyperparams": {
            "learning_rate": 2.3e-3,
            "batch_size": 64,
            "buffer_size": 100_000,
            "learning_starts": 1000,
            "gamma": 0.99,
            "target_update_interval": 10,
            "train_freq": 256,
            "gradient_steps": 128,
            "exploration_fraction": 0.16,
            "exploration_final_eps": 0.04,
            "policy_kwargs": {"net_arch": [256, 256]},
        },
    },
    ("DQN", "Acrobot-v1"): {
        "n_envs": 1,
        "total_timesteps": 100_000,
        "hyperparams": {
            "learning_rate": 6.3e-4,
            "batch_size": 128,
            "buffer_size": 50_000,
            "learning_starts": 0,
            "gamma": 0.99,
            "target_update_interval": 250,
            "train_freq": 4,
            "gradient_steps": -1,
            "exploration_fraction": 0.12,
            "exploration_final_eps": 0.1,
            "policy_kwargs": {"net_arch": [256, 256]},
        },
    },
    ("DQN", "MountainCar-v0"): {
        "n_envs": 1,
        "total_timesteps": 120_000,
        "hyperparams": {
            "learning_rate": 4e-3,
            "batch_size": 128,
            "buffer_size": 10_000,
            "learning_starts": 1000,
            "gamma": 0.98,
            "target_update_interval": 600,
            "train_freq": 16,
            "gradient_steps": 8,
            "exploration_fraction": 0.2,
            "exploration_final_eps": 0.07,
            "policy_kwargs": {"net_arch": [256, 256]},
        },
    },
    ("PPO", "Pendulum-v1"): {
        "n_envs": 4,
        "total_timesteps": 100_000,
        "hyperparams": {
            "n_steps": 1024,
            "gae_lambda": 0.95,
            "gamma": 0.9,
            "n_epochs": 10,
            "ent_coef": 0.0,
            "learning_rate": 1e-3,
            "clip_range": 0.2,
            "use_sde": True,
            "sde_sample_freq": 4,
        },
    },
    ("SAC", "Pendulum-v1"): {
        "n_envs": 1,
        "total_timesteps": 20_000,
        "hyperparams": {"learning_rate": 1e-3},
    },
    ("SAC", "MountainCarContinuous-v0"): {
        "n_envs": 1,
        "total_timesteps": 50_000,
        "hyperparams": {
            "learning_rate": 3e-4,
            "buffer_size": 50_000,
            "batch_size": 512,
            "ent_coef": 0.1,
            "train_freq": 32,
            "gradient_steps": 32,
            "gamma": 0.9999,
            "tau": 0.01,
            "learning_starts": 0,
            "use_sde": True,
            "policy_kwargs": {"log_std_init": -3.67, "net_arch": [64, 64]},
        },
    },
}


@dataclass(frozen=True)
class Plan:
    """What training will do, once params.yaml and the tuned defaults are merged."""

    algorithm: str
    n_envs: int
    total_timesteps: int
    hyperparams: dict[str, Any]
    preset: str | None


def check_algorithm(algorithm: str, spec: dict[str, Any]) -> None:
    """Refuse an algorithm that cannot act in the environment's action space."""
    action_type = spec["action_space"]["type"]
    if action_type in ACTION_SPACES[algorithm]:
        return
    fitting = [name for name, kinds in ACTION_SPACES.items() if action_type in kinds]
    needs = " or ".join(KIND[kind] for kind in ACTION_SPACES[algorithm])
    raise ConfigError(
        f"train.algorithm {algorithm} cannot act in {spec['env_id']}: it needs {needs} actions, "
        f"and {spec['env_id']} has {KIND[action_type]} ones ({action_type}). "
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
