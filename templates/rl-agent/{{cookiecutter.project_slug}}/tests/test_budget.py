"""Any classic-control environment trains: with no tuned preset, a budget from its spaces."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.agents import PRESETS, plan, spaces_budget
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.envs import env_spec, solved_threshold


def default_plan(algorithm: str, env_id: str, **changes):
    """The plan params.yaml's defaults give, with only the environment (and `changes`) set."""
    settings = {"tuned_defaults": True, "total_timesteps": None, "n_envs": None, "hyperparams": {}}
    settings.update(changes)
    return plan(algorithm, env_id, spec=env_spec(env_id), **settings)


def test_ppo_on_acrobot_gets_a_budget_from_its_spaces_and_says_so_in_one_line() -> None:
    todo = default_plan("PPO", "Acrobot-v1")
    assert todo.total_timesteps == 100_000 and todo.n_envs == 8 and todo.preset is None
    assert todo.hyperparams == {}
    assert todo.warning.startswith(
        "no tuned PPO preset for Acrobot-v1: 100,000 steps chosen from its spaces "
        "(6-dim Box observations, 3 discrete actions)"
    )
    assert "\n" not in todo.warning


def test_mountain_car_names_the_tuned_algorithm_and_its_budget_up_front() -> None:
    todo = default_plan("PPO", "MountainCar-v0")
    budget = PRESETS[("DQN", "MountainCar-v0")]["total_timesteps"]
    assert f"train.algorithm: DQN trains {budget:,} steps" in todo.warning


def test_continuous_actions_and_larger_observations_get_more_steps() -> None:
    assert spaces_budget(env_spec("MountainCarContinuous-v0")) == 200_000
    assert spaces_budget(env_spec("Acrobot-v1")) == 100_000
    todo = default_plan("PPO", "MountainCarContinuous-v0")
    assert "SAC" in todo.warning  # the Zoo's tuned choice for it


def test_a_tuned_preset_or_a_budget_of_ones_own_has_no_warning() -> None:
    cartpole = default_plan("PPO", "CartPole-v1")
    assert cartpole.warning is None
    assert cartpole.total_timesteps == PRESETS[("PPO", "CartPole-v1")]["total_timesteps"]
    assert cartpole.n_envs == 8
    chosen = default_plan("PPO", "Acrobot-v1", total_timesteps=5_000)
    assert chosen.warning is None and chosen.total_timesteps == 5_000


def test_without_tuned_defaults_the_budget_still_comes_from_the_spaces() -> None:
    todo = default_plan("A2C", "CartPole-v1", tuned_defaults=False)
    assert todo.total_timesteps == 100_000 and todo.hyperparams == {}
    assert todo.warning.startswith("tuned_defaults is false for CartPole-v1")


@pytest.mark.parametrize(
    ("env_id", "threshold"),
    [("CartPole-v1", 475.0), ("Acrobot-v1", -100.0), ("MountainCar-v0", -110.0)],
)
def test_the_solved_threshold_is_gymnasiums(env_id: str, threshold: float) -> None:
    assert solved_threshold(env_id) == threshold


def test_an_environment_without_a_threshold_has_none_and_an_unknown_one_says_so() -> None:
    assert solved_threshold("Pendulum-v1") is None
    with pytest.raises(DataError, match="Nope-v9"):
        solved_threshold("Nope-v9")
