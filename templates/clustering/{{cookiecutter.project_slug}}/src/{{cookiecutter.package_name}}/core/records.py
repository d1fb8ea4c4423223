"""Records as JSON clients send them: a column read from CSV as True/False is a JSON boolean.

The model keeps such a column as the categories "False" and "True" (what it was trained on);
the API takes `true`/`false` and hands the predictor the same values.
"""

from __future__ import annotations

from typing import Any

from ..features import Feature, FeatureSchema

BOOLEAN_TEXT = {"False": False, "True": True}


def is_boolean(feature: Feature) -> bool:
    """Whether the column held only booleans (and gaps) in the training data."""
    return (
        feature.kind == "category"
        and bool(feature.categories)
        and set(feature.categories) <= set(BOOLEAN_TEXT)
    )


def example_request(schema: FeatureSchema) -> dict[str, Any]:
    """The schema's real example row as the JSON body of POST /predict."""
    body = dict(schema.example)
    for feature in schema.features:
        value = body.get(feature.name)
        if is_boolean(feature) and value in BOOLEAN_TEXT:
            body[feature.name] = BOOLEAN_TEXT[value]
    return body
