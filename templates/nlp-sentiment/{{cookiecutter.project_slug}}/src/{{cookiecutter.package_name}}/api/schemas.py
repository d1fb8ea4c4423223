"""Request and response bodies of the prediction routes; limits from params.yaml (`serve`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from ..config import load_serve_config

LIMITS = load_serve_config()
EXAMPLE = "A moving, beautifully acted film; the ending stayed with me for days."


def check_text(text: str) -> str:
    if not text.strip():
        raise ValueError("text is empty or only whitespace")
    if len(text) > LIMITS.max_chars:
        raise ValueError(
            f"text has {len(text)} characters, more than the limit of {LIMITS.max_chars}"
        )
    return text


class PredictRequest(BaseModel):
    """One text to classify."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": EXAMPLE}]})

    text: StrictStr = Field(description=f"The text, 1 to {LIMITS.max_chars} characters")

    @field_validator("text")
    @classmethod
    def _check(cls, value: str) -> str:
        return check_text(value)


class BatchRequest(BaseModel):
    """Several texts to classify in one call."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"texts": [EXAMPLE, "Dull, predictable and far too long."]}]
        },
    )

    texts: list[StrictStr] = Field(
        min_length=1,
        max_length=LIMITS.max_batch,
        description=f"1 to {LIMITS.max_batch} texts, each 1 to {LIMITS.max_chars} characters",
    )

    @field_validator("texts")
    @classmethod
    def _check(cls, values: list[str]) -> list[str]:
        for i, value in enumerate(values):
            try:
                check_text(value)
            except ValueError as error:
                raise ValueError(f"texts[{i}]: {error}") from None
        return values


class Prediction(BaseModel):
    """The predicted label, its probability, every class's probability and which model answered."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "label": "positive",
                    "probability": 0.97,
                    "probabilities": {"negative": 0.03, "positive": 0.97},
                    "model": "baseline",
                }
            ]
        },
    )

    label: str
    probability: float = Field(ge=0, le=1)
    probabilities: dict[str, float]
    model: str = Field(description="The model that answered: baseline, neural or transformer")


class BatchResponse(BaseModel):
    """One prediction per text, in the order sent."""

    predictions: list[Prediction]
