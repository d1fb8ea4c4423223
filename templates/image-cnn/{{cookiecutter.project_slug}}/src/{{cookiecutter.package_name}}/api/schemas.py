"""Request and response models of the API, with the examples shown in /docs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Prediction(BaseModel):
    """One candidate class."""

    label: str = Field(description="Class name (a folder name of the training images)")
    probability: float = Field(ge=0, le=1, description="Softmax probability of this class")


class PredictionResponse(BaseModel):
    """The most likely classes of the uploaded image, most likely first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "predictions": [
                        {"label": "3", "probability": 0.981},
                        {"label": "5", "probability": 0.012},
                        {"label": "8", "probability": 0.004},
                    ]
                }
            ]
        }
    )

    predictions: list[Prediction]
