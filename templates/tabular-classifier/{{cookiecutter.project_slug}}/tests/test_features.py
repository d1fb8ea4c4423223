"""The feature schema: inferred from the training rows, saved, and used to type new records."""

from __future__ import annotations

import math

import pandas as pd

from {{ cookiecutter.package_name }}.core.records import example_request, is_boolean
from {{ cookiecutter.package_name }}.features import infer_schema, load_schema, save_schema

from .tiny import tiny_table


def schema_of_tiny_table():
    table = tiny_table()
    return infer_schema(table.drop(columns="species"), table["species"])


def test_kinds_categories_and_classes_are_inferred():
    schema = schema_of_tiny_table()
    assert schema.target == "species"
    assert schema.classes == ["adelie", "chinstrap", "gentoo"]
    kinds = {feature.name: feature.kind for feature in schema.features}
    assert kinds == {
        "island": "category",
        "bill_length_mm": "number",
        "bill_depth_mm": "number",
        "banded": "category",
    }
    assert schema.features[0].categories == ["Biscoe", "Dream", "Torgersen"]
    assert [is_boolean(feature) for feature in schema.features] == [False, False, False, True]


def test_the_example_request_is_a_complete_real_row_with_json_types():
    schema = schema_of_tiny_table()
    table = tiny_table().drop(columns="species").dropna()
    example = example_request(schema)
    assert None not in example.values()
    assert isinstance(example["banded"], bool)
    assert any(row == example for row in table.to_dict("records"))


def test_the_schema_survives_a_round_trip(tmp_path):
    schema = schema_of_tiny_table()
    save_schema(schema, tmp_path)
    assert load_schema(tmp_path) == schema


def test_records_and_csv_rows_get_the_same_types():
    schema = schema_of_tiny_table()
    table = tiny_table().drop(columns="species")
    from_csv = schema.coerce(table)
    from_records = schema.frame(table.to_dict("records"))
    pd.testing.assert_frame_equal(from_csv, from_records)
    assert from_csv["island"].dtype == object


def test_none_means_missing():
    schema = schema_of_tiny_table()
    record = {"island": None, "bill_length_mm": None, "bill_depth_mm": 17.0, "banded": None}
    frame = schema.frame([record])
    assert math.isnan(frame.loc[0, "bill_length_mm"])
    assert pd.isna(frame.loc[0, "island"]) and frame.loc[0, "island"] is not None
    assert pd.isna(frame.loc[0, "banded"])


def test_a_json_boolean_becomes_the_text_the_model_was_trained_on():
    schema = schema_of_tiny_table()
    record = {"island": "Dream", "bill_length_mm": 40.0, "bill_depth_mm": 17.0}
    frame = schema.frame([record | {"banded": True}, record | {"banded": False}])
    assert frame["banded"].tolist() == ["True", "False"]
