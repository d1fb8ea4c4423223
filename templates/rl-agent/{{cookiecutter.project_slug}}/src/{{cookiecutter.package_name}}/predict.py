"""Load the trained agent once and answer: given this observation, which action?"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .config import AGENT_FILE, AGENT_META, METRICS, RUN_RECORD
from .errors import ModelNotFoundError
from .metadata import AgentMeta, load_agent_meta
from .spaces import check_observation, summary


class AgentPredictor:
    """The trained agent and what it expects; `act` checks an observation and returns the action."""

    def __init__(self, agent: Any, meta: AgentMeta, extra: dict[str, Any] | None = None):
        self.agent, self.meta, self.extra = agent, meta, extra or {}

    @property
    def observation_space(self) -> dict[str, Any]:
        return self.meta.observation_space

    def predict(self, observations: Sequence[Sequence[float]]) -> list[int | list[float]]:
        """The action for each observation, in order (what the API calls)."""
        return [self.act(observation) for observation in observations]

    def act(self, observation: Sequence[float]) -> int | list[float]:
        """The agent's deterministic action; ObservationError if the observation is invalid."""
        array = check_observation(observation, self.observation_space)
        action, _ = self.agent.predict(array, deterministic=True)
        if self.meta.action_space["type"] == "Discrete":
            return int(np.asarray(action).ravel()[0])
        return [float(value) for value in np.asarray(action, dtype=np.float64).ravel()]

    def info(self) -> dict[str, Any]:
        """What /model-info shows: the agent, its spaces, its training and its evaluation."""
        return {
            "version": __version__,
            "env_id": self.meta.env_id,
            "algorithm": self.meta.algorithm,
            "observation_space": self.observation_space,
            "observation": summary(self.observation_space),
            "action_space": self.meta.action_space,
            "action": summary(self.meta.action_space),
            "trained_timesteps": self.meta.trained_timesteps,
            "checkpoint": asdict(self.meta.checkpoint),
            **self.extra,
        }


def load_predictor(model_dir: str | Path, *, runtime: str = "native") -> AgentPredictor:
    """Load models/agent.zip with what train recorded; ModelNotFoundError if nothing is trained."""
    if runtime != "native":  # no ONNX export of this model yet
        raise ModelNotFoundError(
            f"serve.runtime: {runtime} is not available for this model; use serve.runtime: native"
        )
    model_dir = Path(model_dir)
    agent_path, meta_path = model_dir / AGENT_FILE, model_dir / AGENT_META
    if not agent_path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(f"no trained agent in {model_dir}/ ({AGENT_FILE}, {AGENT_META})")
    import torch

    from .agents import algorithm_class

    # One request is one small forward pass: more threads only add overhead.
    torch.set_num_threads(1)
    meta = load_agent_meta(meta_path)
    agent = algorithm_class(meta.algorithm).load(agent_path, device="cpu")
    extra = {}
    if METRICS.is_file():
        extra["metrics"] = json.loads(METRICS.read_text(encoding="utf-8"))
    if (model_dir / RUN_RECORD).is_file():
        extra["mlflow"] = json.loads((model_dir / RUN_RECORD).read_text(encoding="utf-8"))
    return AgentPredictor(agent, meta, extra)
