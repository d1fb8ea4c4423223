"""Describe Gymnasium spaces as JSON, and check an observation against such a description.

The API validates requests with these descriptions alone, so serving needs neither the
environment nor Gymnasium.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .core.errors import DataError

SUPPORTED = ("Box", "Discrete")


class ObservationError(DataError):
    """Raised when an observation does not belong to the environment's observation space."""


def describe(space: Any, role: str = "space") -> dict[str, Any]:
    """A JSON-ready description of a Box or Discrete space (infinite bounds become null)."""
    from gymnasium import spaces

    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "n": int(space.n), "start": int(space.start)}
    if isinstance(space, spaces.Box):
        return {
            "type": "Box",
            "shape": list(space.shape),
            "dtype": str(space.dtype),
            "low": _bound(space.low),
            "high": _bound(space.high),
        }
    raise DataError(
        f"the {role} is {space}; this project handles {' and '.join(SUPPORTED)} spaces "
        "(flatten others with a Gymnasium wrapper, e.g. gymnasium.wrappers.FlattenObservation)"
    )


def _bound(values: np.ndarray) -> float | None | list[Any]:
    flat = [None if not math.isfinite(v) else float(v) for v in values.astype(np.float64).ravel()]
    if len(set(flat)) == 1:
        return flat[0]  # one number for the whole space keeps image spaces readable
    return np.array(flat, dtype=object).reshape(values.shape).tolist()


def summary(description: dict[str, Any]) -> str:
    """A short human form, e.g. `Box(shape=[4], float32)` or `Discrete(2)`."""
    if description["type"] == "Discrete":
        start = description.get("start", 0)
        return f"Discrete({description['n']})" + (f" starting at {start}" if start else "")
    return f"Box(shape={description['shape']}, {description['dtype']})"


def size(description: dict[str, Any]) -> int:
    """How many numbers make one observation of this space."""
    if description["type"] == "Discrete":
        return 1
    return math.prod(description["shape"])


def check_observation(values: Sequence[float], description: dict[str, Any]) -> np.ndarray:
    """Return `values` as an array the agent accepts, or raise ObservationError saying why not."""
    array = np.asarray(values, dtype=np.float64).ravel()
    expected = size(description)
    if array.size != expected:
        raise ObservationError(
            f"observation must have {expected} value(s) for {summary(description)}, "
            f"got {array.size}"
        )
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ObservationError(f"observation[{bad[0]}] is {array[bad[0]]}, not a finite number")
    if description["type"] == "Discrete":
        return _check_discrete(float(array[0]), description)
    low = _full(description["low"], array.size)
    high = _full(description["high"], array.size)
    for i, value in enumerate(array):
        if low[i] is not None and value < low[i]:
            raise ObservationError(
                f"observation[{i}]={value:g} is below the space's lower bound {low[i]:g}"
            )
        if high[i] is not None and value > high[i]:
            raise ObservationError(
                f"observation[{i}]={value:g} is above the space's upper bound {high[i]:g}"
            )
    return array.reshape(description["shape"]).astype(description["dtype"])


def _full(bound: Any, count: int) -> list[float | None]:
    if isinstance(bound, list):
        return list(np.array(bound, dtype=object).ravel())
    return [bound] * count


def _check_discrete(value: float, description: dict[str, Any]) -> np.ndarray:
    start, n = description.get("start", 0), description["n"]
    if value != int(value) or not start <= value < start + n:
        raise ObservationError(
            f"observation must be one whole number from {start} to {start + n - 1} "
            f"(space {summary(description)}), got {value:g}"
        )
    return np.array(int(value), dtype=np.int64)
