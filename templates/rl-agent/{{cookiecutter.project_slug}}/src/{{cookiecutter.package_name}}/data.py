"""Stage `data`: check the environment named in params.yaml and record what the agent will face.

Reinforcement learning has no dataset: the agent makes its own data by acting. What the other
stages need to agree on is the environment, so this stage writes its spec (spaces, episode
limit, reward threshold) to data/env_spec.json, which train, evaluate and the API read.
"""

from __future__ import annotations

from .config import ENV_SPEC, Config, load_config
from .core.stage import run_stage
from .envs import EnvSpec, env_spec, save_env_spec
from .reporting.environment import warn_if_undescribed


def prepare(config: Config) -> EnvSpec:
    """Build the environment once, describe it and write data/env_spec.json."""
    spec = env_spec(config.data.env.id, config.data.env.kwargs)
    save_env_spec(spec, ENV_SPEC)
    warn_if_undescribed(config.data)
    observation, action = spec.observation_space, spec.action_space
    print(
        f"{spec.env_id}: observations {observation['type']} {observation.get('shape', '')}, "
        f"actions {action['type']} {action.get('n', action.get('shape', ''))}, "
        f"reward threshold {spec.reward_threshold} -> {ENV_SPEC}"
    )
    return spec


def main() -> None:
    prepare(load_config())


if __name__ == "__main__":
    run_stage(main)
