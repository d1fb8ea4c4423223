"""Score images with the exported network in onnxruntime: Pillow and numpy only, no torch.

The pixels are prepared by the same function as in training (images.prepare) and normalised
with numpy in float32, in the order training's tensors are (divide by 255, subtract the mean,
divide by the std), so both paths feed the network the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from ..images import ImageSpec, prepare
from .onnx_model import ONNX_FILE, open_session

INPUT, OUTPUT = "images", "probabilities"


def pixels(image: Image.Image, spec: ImageSpec) -> np.ndarray:
    """The image as the network's input: float32 (channels, size, size), normalised."""
    prepared = prepare(image, size=spec.size, channels=spec.channels, fit=spec.fit)
    array = np.asarray(prepared, dtype=np.uint8)
    if array.ndim == 2:
        array = array[:, :, None]
    mean = np.asarray(spec.mean, dtype=np.float32).reshape(-1, 1, 1)
    std = np.asarray(spec.std, dtype=np.float32).reshape(-1, 1, 1)
    values = array.transpose(2, 0, 1).astype(np.float32) / np.float32(255.0)
    return (values - mean) / std


class OnnxScorer:
    """Class probabilities of images from models/model.onnx."""

    runtime = "onnx"

    def __init__(self, path: Path, spec: ImageSpec) -> None:
        self.session = open_session(path)
        self.spec = spec

    @classmethod
    def load(cls, model_dir: Path, spec: ImageSpec) -> OnnxScorer:
        """The exported model in model_dir; ModelNotFoundError when it was never written."""
        return cls(Path(model_dir) / ONNX_FILE, spec)

    def __call__(self, images: Sequence[Image.Image], batch_size: int) -> np.ndarray:
        """One row of probabilities per image, the batch scored in one run per batch_size images."""
        rows = []
        for start in range(0, len(images), batch_size):
            batch = np.stack([pixels(im, self.spec) for im in images[start : start + batch_size]])
            rows.append(self.session.run([OUTPUT], {INPUT: batch})[0])
        return np.concatenate(rows)
