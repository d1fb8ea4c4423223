"""Request and response models, built from the trained model's feature schema.

A record's fields are the training columns (JSON names exactly as in the CSV), each required
and typed (number, boolean or text; null means unknown and is imputed); unknown fields are
refused. Numbers
must be finite and within ±serve.max_abs_number. Before any training there is no schema: the
models then accept any object and /predict answers 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..core.records import is_boolean
from ..features import Feature, FeatureSchema
from .limits import ServeSettings


@dataclass(frozen=True)
class ApiModels:
    """The four models the /predict routes use."""

    record: type[BaseModel]
    batch: type[BaseModel]
    prediction: type[BaseModel]
    batch_prediction: type[BaseModel]


def _field(feature: Feature, max_abs: float) -> tuple[Any, Any]:
    if feature.kind == "number":
        # Strict: "1.5" as text is a client bug worth a 422, not a silent conversion.
        return float | None, Field(
            alias=feature.name,
            title=feature.name,
            strict=True,
            allow_inf_nan=False,
            ge=-max_abs,
            le=max_abs,
            description=f"a finite number within ±{max_abs:g} (null: unknown, imputed)",
        )
    if is_boolean(feature):
        # Strict: the CSV held True/False, so JSON true/false; "yes" or 1 is a client bug.
        return bool | None, Field(
            alias=feature.name,
            title=feature.name,
            strict=True,
            description="true or false (null: unknown)",
        )
    seen = ", ".join(feature.categories[:20]) + (" ..." if len(feature.categories) > 20 else "")
    return str | None, Field(
        alias=feature.name,
        title=feature.name,
        description=f"one of: {seen} (null: unknown; others are treated as unseen)",
    )


def record_model(
    schema: FeatureSchema | None, max_abs: float, example: dict[str, Any] | None = None
) -> type[BaseModel]:
    """One record to predict for: a field per training column; `example` is shown in /docs."""
    if schema is None:
        return create_model("Record", __config__=ConfigDict(extra="allow"))
    # Field names are positional, the CSV names are aliases: CSV headers need not be identifiers.
    fields = {f"feature_{i}": _field(feature, max_abs) for i, feature in enumerate(schema.features)}
    examples = [example] if example is not None else []
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples})
    return create_model("Record", __config__=config, **fields)


class PredictionInterval(BaseModel):
    """Where the true value lies with the stated probability (split-conformal)."""

    low: float
    high: float
    level: float = Field(description="the share of new rows such intervals cover")


def prediction_model(target: str | None) -> type[BaseModel]:
    """The answer for one record: the predicted target and its prediction interval."""
    name = target or "the target"
    example = {"prediction": 150.0, "interval": {"low": 60.0, "high": 240.0, "level": 0.9}}
    return create_model(
        "Prediction",
        __config__=ConfigDict(json_schema_extra={"examples": [example]}),
        prediction=(float, Field(description=f"the predicted value of {name}")),
        interval=(
            PredictionInterval | None,
            Field(description="split-conformal prediction interval (null: none saved)"),
        ),
    )


def build_models(
    schema: FeatureSchema | None, limits: ServeSettings, example: dict[str, Any] | None = None
) -> ApiModels:
    """The request and response models for `schema`, within the serving limits; `example` is
    the request body /docs shows (a real row of the training data)."""
    record = record_model(schema, limits.max_abs_number, example)
    prediction = prediction_model(schema.target if schema else None)
    examples = [example] if example is not None else []
    batch = create_model(
        "BatchRequest",
        __config__=ConfigDict(
            extra="forbid", json_schema_extra={"examples": [{"records": examples}]}
        ),
        records=(list[record], Field(min_length=1, max_length=limits.max_batch)),
    )
    batch_prediction = create_model(
        "BatchPrediction", predictions=(list[prediction], Field(description="in request order"))
    )
    return ApiModels(record, batch, prediction, batch_prediction)
