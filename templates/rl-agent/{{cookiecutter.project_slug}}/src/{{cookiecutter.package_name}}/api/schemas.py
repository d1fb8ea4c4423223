"""Request and response bodies of the API, with the examples shown in /docs.

The observation model is built at start-up from the trained agent's observation space, so the
OpenAPI document states what the server checks: the exact number of values, their bounds (a
Box's low/high, else the range of its dtype, so 1e39 cannot become float32 infinity), numbers
only (no strings, no booleans), no other keys.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, create_model
from pydantic_core import PydanticCustomError

from ..spaces import ObservationError, check_observation, size, summary

# Shown in /docs only before any training; after it, a real observation (models/example.json).
EXAMPLE = [0.012, -0.021, 0.034, 0.027]
DESCRIPTION = (
    "The observation's numbers, flattened in row-major order. Its length and bounds must match "
    "the observation space (see GET /model-info)."
)
# Before training the space is unknown: the default environment's observation as an example.
UNTRAINED = (
    f"{DESCRIPTION} E.g. CartPole-v1's cart position, cart velocity, pole angle and pole angular "
    "velocity."
)


def _dtype_range(dtype: str) -> tuple[float, float]:
    kind = np.dtype(dtype)
    info = np.iinfo(kind) if kind.kind in "iub" else np.finfo(kind)
    return float(info.min), float(info.max)


def _bounds(bound: Any, count: int, fallback: float) -> list[float]:
    values = np.array(bound, dtype=object).ravel().tolist() if isinstance(bound, list) else None
    values = values or [bound] * count
    return [fallback if value is None else float(value) for value in values]


def number_bounds(space: dict[str, Any]) -> tuple[list[float], list[float]]:
    """Lowest and highest accepted value of each observation number."""
    if space["type"] == "Discrete":
        start = space.get("start", 0)
        return [float(start)], [float(start + space["n"] - 1)]
    low, high = _dtype_range(space["dtype"])
    count = size(space)
    return _bounds(space["low"], count, low), _bounds(space["high"], count, high)


def _check(space: dict[str, Any], lows: list[float], highs: list[float]):
    def check(values: list[float]) -> list[float]:
        try:
            check_observation(values, space)
        except ObservationError as error:
            raise PydanticCustomError("observation", str(error)) from None
        for i, value in enumerate(values):  # the dtype's range, where the space has no bound
            if not lows[i] <= value <= highs[i]:
                raise PydanticCustomError(
                    "observation",
                    f"observation[{i}]={value:g} is outside the range of {space['dtype']}",
                )
        return values

    return check


def observation_model(
    space: dict[str, Any] | None, example: list[float] | None = None
) -> type[BaseModel]:
    """The request body for `space` (before training: any list of numbers, answered by 503),
    showing `example`, a real observation, in /docs."""
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"observation": EXAMPLE}]})
    if space is None:
        return create_model(
            "ObservationIn",
            __config__=config,
            observation=(list[StrictFloat], Field(description=UNTRAINED)),
        )
    lows, highs = number_bounds(space)
    count = len(lows)
    integer = space["type"] == "Discrete"
    if len(set(lows)) == 1 and len(set(highs)) == 1:  # one bound for all: compact schema
        item = {"type": "integer" if integer else "number", "minimum": lows[0], "maximum": highs[0]}
        shape = {"items": item}
    else:
        items = [
            {"type": "number", "minimum": lo, "maximum": hi}
            for lo, hi in zip(lows, highs, strict=True)
        ]
        shape = {"prefixItems": items, "items": False}
    # The limits live in the schema for clients and in one check for the server, so the
    # reasons stay those of spaces.check_observation.
    schema = {"minItems": count, "maxItems": count, **shape}
    if example is None or len(example) != count:
        example = EXAMPLE if count == len(EXAMPLE) and not integer else [lows[0]] * count
    if integer:  # a state index reads as one: 329, not 329.0
        example = [int(value) for value in example]
    observation = Annotated[
        list[Annotated[float, Field(strict=True, allow_inf_nan=False)]],
        Field(
            description=f"{DESCRIPTION} Here {summary(space)}: exactly {count} number(s).",
            json_schema_extra=schema,
        ),
        AfterValidator(_check(space, lows, highs)),
    ]
    return create_model(
        "ObservationIn",
        __config__=ConfigDict(
            extra="forbid", json_schema_extra={"examples": [{"observation": example}]}
        ),
        observation=(observation, ...),
    )


class ActionOut(BaseModel):
    """The action the agent takes: an index for discrete actions, a vector for continuous ones."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": 1}, {"action": [-0.73]}]})

    action: int | list[float] = Field(
        description="Discrete action space: the action's index (CartPole-v1: 0 pushes left, "
        "1 pushes right). Continuous: one number per action dimension, within its bounds."
    )
