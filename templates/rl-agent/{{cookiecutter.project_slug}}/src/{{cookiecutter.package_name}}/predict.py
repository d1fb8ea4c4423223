"""Load the trained agent once and answer: given this observation, which action?"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import __version__
from .config import AGENT_FILE, AGENT_META, METRICS, RUN_RECORD
from .core.errors import ModelNotFoundError
from .core.metadata import AgentMeta, load_agent_meta
from .core.onnx_model import Runtime
from .spaces import check_observation, summary


class Policy(Protocol):
    """Deterministic actions for a batch of checked observations: the export or the agent."""

    runtime: str

    def __call__(self, observations: np.ndarray) -> np.ndarray: ...


class NativePolicy:
    """The Stable-Baselines3 agent itself (needs the training install)."""

    runtime = "native"

    def __init__(self, agent: Any) -> None:
        self.agent = agent

    def __call__(self, observations: np.ndarray) -> np.ndarray:
        actions, _ = self.agent.predict(observations, deterministic=True)
        return np.asarray(actions)


class AgentPredictor:
    """The trained policy and what it expects; `predict` checks observations, returns actions."""

    def __init__(self, policy: Policy, meta: AgentMeta, extra: dict[str, Any] | None = None):
        self.policy, self.meta, self.extra = policy, meta, extra or {}

    @property
    def observation_space(self) -> dict[str, Any]:
        return self.meta.observation_space

    def predict(self, observations: Sequence[Sequence[float]]) -> list[int | list[float]]:
        """The action for each observation, in order, from one run of the policy on the batch.

        ObservationError if an observation does not belong to the observation space.
        """
        if not observations:
            return []
        space = self.observation_space
        batch = np.stack([check_observation(observation, space) for observation in observations])
        return [self._action(action) for action in self.policy(batch)]

    def act(self, observation: Sequence[float]) -> int | list[float]:
        """The agent's deterministic action for one observation."""
        return self.predict([observation])[0]

    def _action(self, action: np.ndarray) -> int | list[float]:
        if self.meta.action_space["type"] == "Discrete":
            return int(np.asarray(action).ravel()[0])
        return [float(value) for value in np.asarray(action, dtype=np.float64).ravel()]

    def info(self) -> dict[str, Any]:
        """What /model-info shows: the agent, its spaces, its training and its evaluation."""
        return {
            "version": __version__,
            "env_id": self.meta.env_id,
            "algorithm": self.meta.algorithm,
            "runtime": self.policy.runtime,
            "observation_space": self.observation_space,
            "observation": summary(self.observation_space),
            "action_space": self.meta.action_space,
            "action": summary(self.meta.action_space),
            "trained_timesteps": self.meta.trained_timesteps,
            "checkpoint": asdict(self.meta.checkpoint),
            **self.extra,
        }


def load_predictor(model_dir: str | Path, *, runtime: Runtime = "native") -> AgentPredictor:
    """The trained agent in model_dir; ModelNotFoundError if nothing is trained.

    `onnx` runs models/model.onnx in onnxruntime (neither torch nor Stable-Baselines3 is
    imported); `native` loads models/agent.zip (what the stages use).
    """
    model_dir = Path(model_dir)
    agent_path, meta_path = model_dir / AGENT_FILE, model_dir / AGENT_META
    if not agent_path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(f"no trained agent in {model_dir}/ ({AGENT_FILE}, {AGENT_META})")
    meta = load_agent_meta(meta_path)
    if runtime == "onnx":
        from .core.onnx_policy import OnnxPolicy

        policy: Policy = OnnxPolicy.load(model_dir)
    else:
        policy = NativePolicy(load_agent(agent_path, meta.algorithm))
    extra = {}
    if METRICS.is_file():
        extra["metrics"] = json.loads(METRICS.read_text(encoding="utf-8"))
    if (model_dir / RUN_RECORD).is_file():
        extra["mlflow"] = json.loads((model_dir / RUN_RECORD).read_text(encoding="utf-8"))
    return AgentPredictor(policy, meta, extra)


def load_agent(agent_path: Path, algorithm: str) -> Any:
    """The Stable-Baselines3 agent saved at agent_path, on the CPU."""
    import torch

    from .agents import algorithm_class

    # One request is one small forward pass: more threads only add overhead.
    torch.set_num_threads(1)
    return algorithm_class(algorithm).load(agent_path, device="cpu")
