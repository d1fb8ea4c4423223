"""How the README and the model card name an agent: its environment, its returns, its model."""

from __future__ import annotations

from typing import Any

from ..config import AGENT_META
from ..core.metadata import AgentMeta
from ..tabular import ALGORITHMS as TABULAR
from .page import Terms

# An agent learns from an environment, and is scored by returns over evaluation episodes.
TERMS = Terms(
    data="The environment",
    card_data="Environment",
    scored="{label}",
    places=2,
    subject="this agent",
)
HYPERPARAMS_SHOWN = 8  # in the model line; models/agent.json holds them all


def hyperparameter(key: str, value: Any) -> str:
    """`key=value`, a Zoo schedule such as `lin_0.001` said in words."""
    if isinstance(value, str) and value.startswith("lin_"):
        value = f"{value.removeprefix('lin_')} decaying linearly to 0"
    return f"{key}={value}"


def model_line(meta: AgentMeta) -> str:
    """The algorithm, the environment and where its hyper-parameters come from, said once."""
    shown = sorted(meta.hyperparams.items())
    hyper = ", ".join(hyperparameter(key, value) for key, value in shown[:HYPERPARAMS_SHOWN])
    if len(shown) > HYPERPARAMS_SHOWN:
        hyper += f" and {len(shown) - HYPERPARAMS_SHOWN} more (`models/{AGENT_META}`)"
    name = f"{meta.algorithm} on {meta.env_id}"
    if meta.algorithm in TABULAR:
        table = f"{meta.observation_space['n']} states x {meta.action_space['n']} actions"
        return f"{name} (a NumPy Q-table of {table}, greedy once trained; train.tabular: {hyper})"
    source = "RL Baselines3 Zoo's tuned ones" if meta.preset else "Stable-Baselines3's defaults"
    library = meta.versions["stable_baselines3"]
    line = f"{name} with Stable-Baselines3 {library}; hyper-parameters ({source}, then "
    return line + "params.yaml's)" + (f": {hyper}" if hyper else "")
