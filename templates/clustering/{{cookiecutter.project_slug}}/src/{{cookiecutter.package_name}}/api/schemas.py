"""Request and response models, built from the trained model's feature schema.

A record's fields are the training columns (JSON names exactly as in the CSV), each required
and typed (number, boolean or text; null means unknown and is imputed); unknown fields are
refused. Numbers
must be finite and within ±serve.max_abs_number. Before any training there is no schema: the
models then accept any object and /predict answers 503.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

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
    """One record to place in a cluster: a field per training column; `example` shows in /docs."""
    if schema is None:
        return create_model("Record", __config__=ConfigDict(extra="allow"))
    # Field names are positional, the CSV names are aliases: CSV headers need not be identifiers.
    fields = {f"feature_{i}": _field(feature, max_abs) for i, feature in enumerate(schema.features)}
    examples = [example] if example is not None else []
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples})
    return create_model("Record", __config__=config, **fields)


def prediction_model(clusters: list[int] | None) -> type[BaseModel]:
    """The answer for one record: its cluster, how close or likely, and how unusual it is."""
    cluster: Any = Literal[tuple(clusters)] if clusters else int
    example = {
        "cluster": (clusters or [0])[0],
        "distance": 1.5,
        "anomaly_score": -0.1,
    }
    return create_model(
        "Prediction",
        __config__=ConfigDict(json_schema_extra={"examples": [example]}),
        cluster=(cluster, Field(description="the cluster (-1: in none, HDBSCAN's noise)")),
        distance=(
            float | None,
            Field(
                None,
                description="k-means: distance to the cluster's centre; HDBSCAN: to the "
                "nearest training row (in standardised units); absent for the mixture",
            ),
        ),
        probability=(
            float | None,
            Field(None, description="Gaussian mixture: probability of the cluster; else absent"),
        ),
        anomaly_score=(
            float | None,
            Field(
                None,
                description="isolation forest: above 0 is flagged as an anomaly, higher is "
                "more unusual; absent when train.anomaly is off",
            ),
        ),
    )


def build_models(
    schema: FeatureSchema | None,
    limits: ServeSettings,
    example: dict[str, Any] | None = None,
    clusters: list[int] | None = None,
) -> ApiModels:
    """The request and response models for `schema`, within the serving limits; `example` is
    the request body /docs shows (a real row of the training data)."""
    record = record_model(schema, limits.max_abs_number, example)
    prediction = prediction_model(clusters)
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
