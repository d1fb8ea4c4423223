"""Run the exported policy (models/model.onnx) in onnxruntime: numpy only, no torch or SB3."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import ModelNotFoundError

ONNX_FILE = "model.onnx"
INPUT, OUTPUT = "observation", "action"


def feed(observations: np.ndarray) -> dict[str, np.ndarray]:
    """The session's input for checked observations stacked as (batch, *shape): float32."""
    return {INPUT: np.ascontiguousarray(observations, dtype=np.float32)}


class OnnxPolicy:
    """The agent's deterministic action for a batch of observations, from the exported graph."""

    runtime = "onnx"

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One observation is one tiny forward pass: a thread pool only adds overhead.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def load(cls, model_dir: Path) -> OnnxPolicy:
        path = Path(model_dir) / ONNX_FILE
        if not path.is_file():
            raise ModelNotFoundError(
                f"no exported policy {path}: train again (`dvc repro`) to export it, "
                "or serve the agent itself with serve.runtime: native"
            )
        return cls(path)

    def __call__(self, observations: np.ndarray) -> np.ndarray:
        """One action per observation (a row of the batch)."""
        return self.session.run([OUTPUT], feed(observations))[0]
