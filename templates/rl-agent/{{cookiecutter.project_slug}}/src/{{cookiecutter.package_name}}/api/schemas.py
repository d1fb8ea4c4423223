"""Request and response bodies of the API, with the examples shown in /docs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ObservationIn(BaseModel):
    """One observation of the environment, as the agent would see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"observation": [0.012, -0.021, 0.034, 0.027]}]}
    )

    observation: list[float] = Field(
        description=(
            "The observation's numbers, flattened in row-major order: e.g. CartPole-v1's cart "
            "position, cart velocity, pole angle and pole angular velocity. Its length and bounds "
            "must match the observation space (see GET /model-info)."
        ),
    )


class ActionOut(BaseModel):
    """The action the agent takes: an index for discrete actions, a vector for continuous ones."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": 1}, {"action": [-0.73]}]})

    action: int | list[float] = Field(
        description="Discrete action space: the action's index (CartPole-v1: 0 pushes left, "
        "1 pushes right). Continuous: one number per action dimension, within its bounds."
    )
