"""The data stage: the built-in data set, a CSV, and the CSVs that cannot be clustered.

The project's own data is checked in test_project_data.py; these tests run on the tiny table.
"""

from __future__ import annotations

import json
import re

import pytest

from {{ cookiecutter.package_name }}.config import TEST_CSV, TRAIN_CSV, WINE, load_config
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.data import prepare_data, read_split, wine

from .tiny import TINY_CSV, tiny_params, tiny_table, write_params


def test_the_built_in_data_keeps_its_label_apart_from_the_features(project):
    params = tiny_params()
    params["data"] |= {"source": WINE, "label": "cultivar"}
    write_params(project, params)
    train, test = prepare_data(load_config())
    assert len(train) + len(test) == len(wine())
    features, label = read_split(TRAIN_CSV, "cultivar")
    assert "cultivar" not in features.columns
    assert set(label) == {"class_0", "class_1", "class_2"}
    assert all("/" not in name for name in features.columns)  # JSON-friendly field names


def test_an_unlabelled_csv_is_split_and_read_without_a_label(project):
    params = tiny_params()
    table = tiny_table().drop(columns="group")
    table.to_csv(project / TINY_CSV, index=False)
    params["data"] |= {"label": None}
    write_params(project, params)
    prepare_data(load_config())
    features, label = read_split(TEST_CSV, None)
    assert label is None and list(features.columns) == list(table.columns)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("", "is empty"),
        ("a,b\n", "has a header but no rows"),
    ],
    ids=["missing", "empty", "header-only"],
)
def test_a_csv_that_cannot_be_read_stops_with_the_reason(project, content, message):
    path = project / TINY_CSV
    if content is None:
        path.unlink()
    else:
        path.write_text(content)
    with pytest.raises(DataError, match=message):
        prepare_data(load_config())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "segment"}, "name ['segment'], which data/raw/tiny.csv does not have"),
        ({"drop_columns": ["spend", "visits", "channel", "member"]}, "no feature columns left"),
    ],
)
def test_bad_column_names_are_refused(project, change, message):
    params = tiny_params()
    params["data"] |= change
    write_params(project, params)
    with pytest.raises(DataError, match=re.escape(message)):
        prepare_data(load_config())


def test_too_few_rows_for_the_largest_k_is_refused(project):
    tiny_table(rows_per_group=3).to_csv(project / TINY_CSV, index=False)
    with pytest.raises(DataError, match=r"9 rows: too few to compare up to train.k.max=4"):
        prepare_data(load_config())


def test_an_id_column_and_a_constant_column_are_warned_of(project):
    table = tiny_table()
    table.insert(0, "customer_id", [f"c{i}" for i in range(len(table))])
    table["country"] = "NZ"
    table.to_csv(project / TINY_CSV, index=False)
    prepare_data(load_config())
    warnings = json.loads((project / "reports/data_checks.json").read_text())["warnings"]
    assert any("'customer_id' is different in every row" in line for line in warnings)
    assert any("'country' holds a single value" in line for line in warnings)
