"""Prediction intervals the API can state honestly: split-conformal, from residuals on rows the
model was not fitted on (cross-validation on the training rows), saved beside the model.

Imports numpy only: the ONNX API uses it without the training stack.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

INTERVAL_FILE = "interval.json"


@dataclass(frozen=True)
class Interval:
    """prediction ± half_width, on the log scale when the model is fitted on log(1 + target),
    where the interval then widens with the prediction."""

    level: float
    half_width: float
    log_scale: bool
    residuals: int  # how many out-of-fold residuals set the width

    def bounds(self, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The low and high ends of the interval around each prediction."""
        predicted = np.asarray(predicted, dtype=float)
        if self.log_scale:
            centre = np.log1p(np.maximum(predicted, -1 + 1e-12))
            return np.expm1(centre - self.half_width), np.expm1(centre + self.half_width)
        return predicted - self.half_width, predicted + self.half_width


def conformal_half_width(residuals: np.ndarray, level: float) -> float:
    """The split-conformal quantile of absolute residuals: the ceil((n + 1) level)-th smallest,
    which covers a new row with probability at least `level` when rows are exchangeable."""
    ordered = np.sort(np.abs(np.asarray(residuals, dtype=float)))
    rank = math.ceil((len(ordered) + 1) * level)
    return float(ordered[min(rank, len(ordered)) - 1])


def save_interval(interval: Interval, model_dir: Path) -> Path:
    """Write the interval beside the model; return its path."""
    path = Path(model_dir) / INTERVAL_FILE
    path.write_text(json.dumps(asdict(interval), indent=2) + "\n", encoding="utf-8")
    return path


def load_interval(model_dir: Path) -> Interval | None:
    """The saved interval, or None for a model trained without one."""
    path = Path(model_dir) / INTERVAL_FILE
    if not path.is_file():
        return None
    return Interval(**json.loads(path.read_text(encoding="utf-8")))
