"""The ONNX model's input, built straight from validated records: no pandas on the serving path.

The exported graph starts after imputation (see export.py), so missing values are filled here
with what training learned (each number column's median, the "missing" category), stored in the
ONNX file's metadata. One input per feature column, in the schema's order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..features import MISSING_CATEGORY, FeatureSchema

# metadata: {"medians": {column: median}, "category": "missing", "rare": {column: {known, as}}}
IMPUTATION_KEY = "imputation"
ESTIMATOR_KEY = "estimator"  # metadata: the scikit-learn class exported, e.g. LogisticRegression


class OnnxFeed:
    """Turns records keyed by feature name into the arrays the ONNX model's inputs take."""

    def __init__(
        self, schema: FeatureSchema, input_names: Sequence[str], imputation: Mapping[str, Any]
    ) -> None:
        if len(input_names) != len(schema.features):
            raise ValueError(
                f"the ONNX model takes {len(input_names)} inputs, the schema has "
                f"{len(schema.features)} features"
            )
        medians = imputation["medians"]
        self.fill = str(imputation.get("category", MISSING_CATEGORY))
        # Columns with a group of rare categories: unseen text is sent as one of them.
        self.rare = {
            column: (frozenset(group["known"]), group["as"])
            for column, group in imputation.get("rare", {}).items()
        }
        # (input name, feature name, median or None for a category column), in input order
        self.columns = [
            (name, feature.name, float(medians[feature.name]) if feature.kind == "number" else None)
            for name, feature in zip(input_names, schema.features, strict=True)
        ]

    @classmethod
    def from_metadata(
        cls, schema: FeatureSchema, input_names: Sequence[str], metadata: Mapping[str, str]
    ) -> OnnxFeed:
        """The feed for a model whose metadata holds IMPUTATION_KEY."""
        return cls(schema, input_names, json.loads(metadata[IMPUTATION_KEY]))

    def __call__(self, records: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
        """One (rows, 1) array per input: float64 numbers, object arrays of text."""
        if len(records) == 1:
            return self.one(records[0])
        feed = {}
        for name, column, median in self.columns:
            values = [record[column] for record in records]
            if median is None:
                feed[name] = np.array(
                    [[self._text(column, value)] for value in values], dtype=object
                ).reshape(-1, 1)
            else:
                numbers = np.array(
                    [median if value is None else value for value in values], dtype=np.float64
                )
                feed[name] = np.where(np.isnan(numbers), median, numbers).reshape(-1, 1)
        return feed

    def one(self, record: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """The feed for a single record: plain Python per value, the API's most common call."""
        feed = {}
        for name, column, median in self.columns:
            value = record[column]
            if median is None:
                feed[name] = np.array([[self._text(column, value)]], dtype=object)
            else:
                missing = value is None or value != value
                feed[name] = np.array([[median if missing else value]], dtype=np.float64)
        return feed

    def _text(self, column: str, value: Any) -> str:
        if value is None or (not isinstance(value, str) and value != value):  # None or NaN
            text = self.fill
        else:
            text = value if isinstance(value, str) else str(value)
        if column in self.rare:
            known, rare = self.rare[column]
            return text if text in known else rare
        return text
