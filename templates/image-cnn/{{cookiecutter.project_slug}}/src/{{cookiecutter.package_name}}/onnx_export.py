"""Export the trained network to ONNX next to its weights, and check it against the network.

The check scores the held-out test images both ways, each with its own serving path: the torch
network with training's preprocessing, and onnxruntime with the numpy preprocessing of
onnx_runtime.py. The stage fails when a probability differs by more than TOLERANCE or a
predicted class differs (other than between two classes tied within the tolerance).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError
from .images import ImageSpec, open_image
from .onnx_runtime import INPUT, ONNX_FILE, OUTPUT, OnnxScorer

OPSET = 18
TOLERANCE = 1e-4  # largest difference allowed between two probabilities of the same image
BATCH_SIZE = 256


class ParityError(DataError):
    """Raised when the exported model's answers differ from the network's."""


def export(network: Any, spec: ImageSpec, path: Path) -> Path:
    """Write network + softmax to `path`, any batch size, quietly and reproducibly."""
    import torch

    model = torch.nn.Sequential(network, torch.nn.Softmax(dim=1)).eval()
    # Traced with 2 rows so that the batch size stays dynamic.
    example = torch.zeros((2, spec.channels, spec.size, spec.size))
    # The exporter reports each of its steps on stdout; the stage prints one line instead.
    with contextlib.redirect_stdout(io.StringIO()), torch.no_grad():
        torch.onnx.export(
            model,
            (example,),
            path,
            dynamo=True,
            verbose=False,
            external_data=False,  # one file, whatever the size
            opset_version=OPSET,
            input_names=[INPUT],
            output_names=[OUTPUT],
            dynamic_shapes=({0: torch.export.Dim("batch")},),
        )
    return path


def compare(native: np.ndarray, exported: np.ndarray) -> float:
    """The largest probability difference; ParityError beyond TOLERANCE or on another class."""
    difference = float(np.max(np.abs(native.astype(np.float64) - exported), initial=0.0))
    if difference > TOLERANCE:
        raise ParityError(
            f"the exported model's probabilities differ from the network's by up to "
            f"{difference:.2e} (tolerance {TOLERANCE:g}) on {len(native)} test images"
        )
    chosen = exported.argmax(axis=1)
    rows = np.arange(len(native))
    # Another class is only acceptable when the network itself rates it as likely (a tie).
    margins = native.max(axis=1) - native[rows, chosen]
    mismatched = int(np.count_nonzero(margins > TOLERANCE))
    if mismatched:
        raise ParityError(
            f"the exported model predicts another class than the network for {mismatched} of "
            f"{len(native)} test images"
        )
    return difference


def export_model(
    network: Any, spec: ImageSpec, test_images: Sequence[Path], model_dir: Path
) -> Path:
    """Export to model_dir/model.onnx and check it on the test images; ParityError if off."""
    from .predict import TorchScorer

    path = export(network, spec, Path(model_dir) / ONNX_FILE)
    images = [open_image(image) for image in test_images]
    native = TorchScorer(network, spec)(images, BATCH_SIZE)
    exported = OnnxScorer(path, spec)(images, BATCH_SIZE)
    difference = compare(native, exported)
    print(
        f"exported the network to {ONNX_FILE}: onnxruntime's probabilities match the network's "
        f"on {len(images)} test images (largest difference {difference:.1e}, tolerance "
        f"{TOLERANCE:g}), same predicted classes"
    )
    return path
