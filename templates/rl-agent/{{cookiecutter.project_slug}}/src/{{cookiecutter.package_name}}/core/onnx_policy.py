"""Run the exported policy (models/model.onnx) in onnxruntime: numpy only, no torch or SB3."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .onnx_model import ONNX_FILE, open_session

INPUT, OUTPUT = "observation", "action"


def feed(observations: np.ndarray) -> dict[str, np.ndarray]:
    """The session's input for checked observations stacked as (batch, *shape): float32."""
    return {INPUT: np.ascontiguousarray(observations, dtype=np.float32)}


class OnnxPolicy:
    """The agent's deterministic action for a batch of observations, from the exported graph."""

    runtime = "onnx"

    def __init__(self, path: Path) -> None:
        self.session = open_session(path)

    @classmethod
    def load(cls, model_dir: Path) -> OnnxPolicy:
        """The exported policy in model_dir; ModelNotFoundError when it was never written."""
        return cls(Path(model_dir) / ONNX_FILE)

    def __call__(self, observations: np.ndarray) -> np.ndarray:
        """One action per observation (a row of the batch)."""
        return self.session.run([OUTPUT], feed(observations))[0]
