"""Export the trained network to ONNX next to its weights, and check it against the network.

The check scores the held-out test images both ways, each with its own serving path: the torch
network with training's preprocessing, and onnxruntime with the numpy preprocessing of
onnx_runtime.py. The stage fails (ExportError from onnx_model.check_parity) when a probability
differs by more than TOLERANCE or a predicted class differs (other than between two classes tied
within the tolerance).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..images import ImageSpec, open_image
from .onnx_model import ONNX_FILE, check_parity
from .onnx_runtime import INPUT, OUTPUT, OnnxScorer

OPSET = 18
# Largest difference allowed between two probabilities of the same image: float32 convolutions
# summed in another order drift further than the shared default.
TOLERANCE = 1e-4
BATCH_SIZE = 256


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


def export_model(
    network: Any, spec: ImageSpec, test_images: Sequence[Path], model_dir: Path
) -> Path:
    """Export to model_dir/model.onnx and check it on the test images; ExportError if off."""
    from ..predict import TorchScorer

    path = export(network, spec, Path(model_dir) / ONNX_FILE)
    images = [open_image(image) for image in test_images]
    native = TorchScorer(network, spec)(images, BATCH_SIZE)
    exported = OnnxScorer(path, spec)(images, BATCH_SIZE)
    what = f"{path} on {len(images)} test images"
    difference = check_parity(native, exported, what=what, atol=TOLERANCE)
    print(
        f"exported the network to {ONNX_FILE}: onnxruntime's probabilities match the network's "
        f"on {len(images)} test images (largest difference {difference:.1e}, tolerance "
        f"{TOLERANCE:g}), same predicted classes"
    )
    return path
