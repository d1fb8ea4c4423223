"""Export the trained policy's deterministic action to ONNX, and check it against the agent.

The exported graph is what Stable-Baselines3's `predict(obs, deterministic=True)` computes after
the observation becomes a tensor: the policy's own preprocessing (one-hot for Discrete
observations), the network, the mode of the action distribution (or DQN's best Q-value), and
for Box actions the rescaling of squashed actions or the clipping to the bounds. Serving then
feeds a float32 array to onnxruntime, with neither Stable-Baselines3 nor torch loaded.
A Q-table (tabular.py) becomes a graph of four nodes: the state's row of the table, and the
index of its largest value (`table_graph`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ExportError
from .metadata import AgentMeta
from .onnx_model import ONNX_FILE
from .onnx_policy import INPUT, OUTPUT, OnnxPolicy
from .stage import drop_log_messages

OPSET = 18
# Largest difference allowed between a continuous action from onnxruntime and from the agent
# (float32 arithmetic in another order); discrete actions must be equal.
TOLERANCE = 1e-4
PARITY_STEPS = 1_000  # observations collected from evaluation episodes for the check
PARITY_SEED_OFFSET = 20_000  # episodes seeded apart from training and evaluation


def deterministic_policy(agent: Any) -> Any:
    """A torch module: float32 observations (batch, *shape) in, deterministic actions out."""
    import torch
    from gymnasium import spaces

    policy = agent.policy
    box = isinstance(policy.action_space, spaces.Box)

    class DeterministicPolicy(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.policy = policy
            if box:
                self.register_buffer("low", torch.as_tensor(policy.action_space.low).float())
                self.register_buffer("high", torch.as_tensor(policy.action_space.high).float())

        def forward(self, observation: torch.Tensor) -> torch.Tensor:
            actions = self.policy._predict(observation, deterministic=True)
            if not box:
                return actions
            actions = actions.reshape((-1, *self.low.shape))
            if self.policy.squash_output:
                return self.low + 0.5 * (actions + 1.0) * (self.high - self.low)
            return torch.maximum(torch.minimum(actions, self.high), self.low)

    return DeterministicPolicy().eval()


@contextlib.contextmanager
def _unchecked_distributions() -> Iterator[None]:
    """Without torch's argument checks, which branch on values and cannot be exported."""
    from torch.distributions import Distribution

    checked = Distribution._validate_args
    Distribution.set_default_validate_args(False)
    try:
        yield
    finally:
        Distribution.set_default_validate_args(checked)


def table_graph(q_table: np.ndarray, state_start: int = 0, action_start: int = 0) -> Any:
    """The greedy policy of a Q-table as ONNX: Cast the observation to an index, Sub the first
    state's number, Gather the state's row, ArgMax over it (the first best action on a tie, as
    NumPy's argmax), Add the first action's number."""
    from onnx import TensorProto, helper, numpy_helper

    constants = [
        numpy_helper.from_array(np.asarray(q_table, dtype=np.float64), "q_table"),
        numpy_helper.from_array(np.asarray(state_start, dtype=np.int64), "state_start"),
        numpy_helper.from_array(np.asarray(action_start, dtype=np.int64), "action_start"),
    ]
    nodes = [
        helper.make_node("Cast", [INPUT], ["number"], to=TensorProto.INT64),
        helper.make_node("Sub", ["number", "state_start"], ["state"]),
        helper.make_node("Gather", ["q_table", "state"], ["values"], axis=0),
        helper.make_node("ArgMax", ["values"], ["best"], axis=1, keepdims=0),
        helper.make_node("Add", ["best", "action_start"], [OUTPUT]),
    ]
    graph = helper.make_graph(
        nodes,
        "greedy_q_table",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["batch"])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.INT64, ["batch"])],
        constants,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def export(agent: Any, observations: np.ndarray, path: Path) -> Path:
    """Write the deterministic policy to `path` (any batch size), quietly and reproducibly."""
    from ..tabular import TabularAgent

    if isinstance(agent, TabularAgent):
        import onnx

        model = table_graph(agent.q, agent.state_start, agent.action_start)
        onnx.checker.check_model(model)
        onnx.save(model, path)
        return path
    import torch

    agent.policy.set_training_mode(False)
    example = torch.as_tensor(observations[:2])  # traced with 2 rows: the batch stays dynamic
    buffer = io.StringIO()
    # The exporter looks up torchvision's operators, which this network never uses, and
    # says so when torchvision is not installed (it is not needed here).
    drop_log_messages("torch.onnx._internal.exporter._registration", "torchvision is not installed")
    # The exporter reports each of its steps on stdout; the stage prints one line instead.
    with contextlib.redirect_stdout(buffer), torch.no_grad(), _unchecked_distributions():
        torch.onnx.export(
            deterministic_policy(agent),
            (example,),
            path,
            dynamo=True,
            verbose=False,
            external_data=False,
            opset_version=OPSET,
            input_names=[INPUT],
            output_names=[OUTPUT],
            dynamic_shapes=({0: torch.export.Dim("batch")},),
        )
    return path


def episode_observations(agent: Any, meta: AgentMeta, steps: int, seed: int) -> np.ndarray:
    """What the deterministic agent observes in evaluation episodes: float32 (steps, *shape)."""
    from ..envs import env_action, make_env

    env = make_env(meta.env_id, meta.env_kwargs)
    seen: list[np.ndarray] = []
    try:
        observation, _ = env.reset(seed=seed)
        while len(seen) < steps:
            seen.append(np.asarray(observation, dtype=np.float32))
            action, _ = agent.predict(observation, deterministic=True)
            observation, _, terminated, truncated, _ = env.step(
                env_action(action, meta.action_space)
            )
            if terminated or truncated:
                observation, _ = env.reset()
    finally:
        env.close()
    return np.stack(seen)


def agent_actions(agent: Any, observations: np.ndarray, discrete_observations: bool) -> np.ndarray:
    """The agent's own deterministic actions, the reference the export must match."""
    batch = observations.astype(np.int64) if discrete_observations else observations
    actions, _ = agent.predict(batch, deterministic=True)
    return np.asarray(actions)


def check_actions(agent: Any, meta: AgentMeta, path: Path, observations: np.ndarray) -> float:
    """The largest action difference over `observations`; ExportError beyond the tolerance."""
    exported = OnnxPolicy(path)(observations)
    expected = agent_actions(agent, observations, meta.observation_space["type"] == "Discrete")
    if meta.action_space["type"] == "Discrete":
        mismatched = int(np.count_nonzero(exported.ravel() != expected.ravel()))
        if mismatched:
            raise ExportError(
                f"the exported policy chose another action than the agent for {mismatched} of "
                f"{len(observations)} observations"
            )
        return 0.0
    difference = float(np.max(np.abs(exported.astype(np.float64) - expected), initial=0.0))
    if difference > TOLERANCE:
        raise ExportError(
            f"the exported policy's actions differ from the agent's by up to {difference:.2e} "
            f"(tolerance {TOLERANCE:g}) over {len(observations)} observations"
        )
    return difference


def export_policy(agent: Any, meta: AgentMeta, model_dir: Path, seed: int) -> Path:
    """Export to model_dir/model.onnx and check it on evaluation-episode observations."""
    observations = episode_observations(agent, meta, PARITY_STEPS, seed + PARITY_SEED_OFFSET)
    path = export(agent, observations, Path(model_dir) / ONNX_FILE)
    difference = check_actions(agent, meta, path, observations)
    print(
        f"exported the policy to {ONNX_FILE}: onnxruntime's actions match the agent's on "
        f"{len(observations)} observations from evaluation episodes "
        f"(largest difference {difference:.1e}, tolerance {TOLERANCE:g})"
    )
    return path
