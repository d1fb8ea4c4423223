"""The feature schema: inferred from the training rows, saved, and used to type new records."""

from __future__ import annotations

import math

import pandas as pd

from {{ cookiecutter.package_name }}.core.records import example_request, is_boolean
from {{ cookiecutter.package_name }}.features import infer_schema, load_schema, save_schema

from .tiny import tiny_table


def schema_of_tiny_table():
    table = tiny_table()
    return infer_schema(table.drop(columns="price"), table["price"])


def test_kinds_categories_and_the_target_are_inferred():
    schema = schema_of_tiny_table()
    assert schema.target == "price"
    kinds = {feature.name: feature.kind for feature in schema.features}
    assert kinds == {
        "town": "category",
        "area_m2": "number",
        "rooms": "number",
        "garden": "category",
    }
    assert schema.features[0].categories == ["Ames", "Boone", "Nevada"]
    assert [is_boolean(feature) for feature in schema.features] == [False, False, False, True]


def test_the_example_request_is_a_complete_real_row_with_json_types():
    schema = schema_of_tiny_table()
    table = tiny_table().drop(columns="price").dropna()
    example = example_request(schema)
    assert None not in example.values()
    assert isinstance(example["garden"], bool)
    assert any(row == example for row in table.to_dict("records"))


def test_the_schema_survives_a_round_trip(tmp_path):
    schema = schema_of_tiny_table()
    save_schema(schema, tmp_path)
    assert load_schema(tmp_path) == schema


def test_records_and_csv_rows_get_the_same_types():
    schema = schema_of_tiny_table()
    table = tiny_table().drop(columns="price")
    from_csv = schema.coerce(table)
    from_records = schema.frame(table.to_dict("records"))
    pd.testing.assert_frame_equal(from_csv, from_records)
    assert from_csv["town"].dtype == object


def test_none_means_missing():
    schema = schema_of_tiny_table()
    record = {"town": None, "area_m2": None, "rooms": 3.0, "garden": None}
    frame = schema.frame([record])
    assert math.isnan(frame.loc[0, "area_m2"])
    assert pd.isna(frame.loc[0, "town"]) and frame.loc[0, "town"] is not None
    assert pd.isna(frame.loc[0, "garden"])
