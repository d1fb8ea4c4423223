{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/onnx_model.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The exported model: which runtime serves, how the ONNX file is opened, and the parity check.

Training writes `models/model.onnx` beside the native model and fails unless both give the same
probabilities on the held-out split; the API serves the ONNX file with onnxruntime by default
(`serve.runtime: onnx`), which needs numpy and onnxruntime only, not the training stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from .errors import ExportError, ModelNotFoundError

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

Runtime = Literal["onnx", "native"]
ONNX_FILE = "model.onnx"
# Largest absolute difference allowed between the two models' class probabilities.
PARITY_ATOL = 1e-5


def open_session(path: Path) -> InferenceSession:
    """The ONNX model ready to run, or ModelNotFoundError naming the missing file."""
    if not path.is_file():
        raise ModelNotFoundError(
            f"no exported model at {path}: train again (`dvc repro`) to write it, "
            "or serve the native model with serve.runtime: native"
        )
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One request is a few rows: one thread answers fastest and leaves the cores to the server.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def check_parity(
    native: np.ndarray, exported: np.ndarray, *, what: str, atol: float = PARITY_ATOL
) -> float:
    """The largest absolute difference between two (rows, classes) probability arrays.

    ExportError when it exceeds `atol`, or when the two pick a different class for a row whose
    two most likely classes are further apart than `2 * atol` (closer than that is a tie that
    rounding may break either way).
    """
    native = np.asarray(native, dtype=np.float64)
    exported = np.asarray(exported, dtype=np.float64)
    if native.shape != exported.shape:
        raise ExportError(
            f"{what}: the ONNX model answers with shape {exported.shape}, "
            f"the trained one with {native.shape}"
        )
    difference = float(np.max(np.abs(native - exported))) if native.size else 0.0
    if not difference <= atol:  # also catches NaN
        raise ExportError(
            f"{what}: the ONNX model's probabilities differ from the trained model's by up to "
            f"{difference:.3g} (tolerance {atol:g}); the export is not kept"
        )
    ordered = np.sort(native, axis=1)
    clear = (ordered[:, -1] - ordered[:, -2] > 2 * atol) if native.shape[1] > 1 else True
    flipped = (native.argmax(axis=1) != exported.argmax(axis=1)) & clear
    if flipped.any():
        raise ExportError(
            f"{what}: the ONNX model picks another class for {int(flipped.sum())} row(s); "
            "the export is not kept"
        )
    return difference
