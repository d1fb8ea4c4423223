"""The data stage: the built-in data set, a CSV, and the CSVs that cannot train a model.

The project's own data is checked in test_project_data.py; these tests run on the tiny table.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import DIABETES, TEST_CSV, TRAIN_CSV, load_config
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.data import diabetes, prepare_data, read_split

from .tiny import ROOT, TINY_CSV, tiny_params, write_params


def test_the_built_in_data_is_split_with_named_columns_in_their_units(project):
    params = tiny_params()
    params["data"] |= {"source": DIABETES, "target": "progression"}
    write_params(project, params)
    table = diabetes()
    train, test = prepare_data(load_config())
    assert len(train) + len(test) == len(table) == 442
    assert len(test) == pytest.approx(len(table) * 0.25, abs=1)
    features, target = read_split(TRAIN_CSV, "progression")
    assert list(features) == ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]
    assert features["age"].between(18, 90).all()  # years, not scikit-learn's scaled values
    assert target.dtype == "float64" and target.between(25, 346).all()


def test_a_csv_with_categories_and_gaps_is_kept_as_is(project):
    prepare_data(load_config())
    features, target = read_split(TRAIN_CSV, "price")
    assert features["town"].isna().any() and features["area_m2"].isna().any()
    assert target.notna().all()


def test_the_split_is_the_same_every_time(project):
    first = prepare_data(load_config())[0]
    second = prepare_data(load_config())[0]
    pd.testing.assert_frame_equal(first, second)


def test_a_target_written_as_text_numbers_is_read_as_numbers(project):
    table = pd.read_csv(TINY_CSV)
    table["price"] = table["price"].map(lambda value: f" {value}")
    table.to_csv(TINY_CSV, index=False)
    prepare_data(load_config())
    assert read_split(TEST_CSV, "price")[1].dtype == "float64"


def test_rows_without_a_target_are_dropped(project, capsys):
    table = pd.read_csv(TINY_CSV)
    table.loc[:2, "price"] = None
    table.to_csv(TINY_CSV, index=False)
    train, test = prepare_data(load_config())
    assert len(train) + len(test) == len(table) - 3
    assert "dropped 3 rows" in capsys.readouterr().out


def rewrite(change):
    table = pd.read_csv(TINY_CSV)
    change(table).to_csv(TINY_CSV, index=False)


BAD_CSVS = {
    "no such file": (lambda: os.remove(TINY_CSV), "does not exist"),
    "empty": (lambda: open(TINY_CSV, "w").close(), "is empty"),
    "header only": (lambda: rewrite(lambda t: t.head(0)), "has a header but no rows"),
    "no target": (lambda: rewrite(lambda t: t.drop(columns="price")), "target column 'price'"),
    "text target": (
        lambda: rewrite(lambda t: t.assign(price=["cheap", "dear"] * (len(t) // 2))),
        "must hold numbers; it holds 'cheap', 'dear'",
    ),
    "two values": (
        lambda: rewrite(lambda t: t.assign(price=[0, 1] * (len(t) // 2))),
        "holds 2 distinct value",
    ),
    "all-missing column": (lambda: rewrite(lambda t: t.assign(town=None)), "hold no values"),
}


@pytest.mark.parametrize("spoil, message", BAD_CSVS.values(), ids=BAD_CSVS.keys())
def test_a_bad_csv_stops_with_a_clear_message(project, spoil, message):
    spoil()
    with pytest.raises(DataError, match=message):
        prepare_data(load_config())


def test_the_stage_prints_one_error_line_and_exits_1(project):
    os.remove(TINY_CSV)
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.data"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: data.source: {TINY_CSV} does not exist; put your CSV there "
        "or set data.source to sklearn-diabetes"
    ]
