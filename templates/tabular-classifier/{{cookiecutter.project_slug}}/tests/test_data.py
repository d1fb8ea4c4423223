"""The data stage: the built-in data set, a CSV, and the CSVs that cannot train a model.

The project's own data is checked in test_project_data.py; these tests run on the tiny table.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import BREAST_CANCER, TEST_CSV, TRAIN_CSV, load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError, DataError
from {{ cookiecutter.package_name }}.data import breast_cancer, prepare_data, read_split

from .tiny import ROOT, TINY_CSV, tiny_params, write_params


def test_the_built_in_data_is_split_stratified_with_text_labels(project):
    params = tiny_params()
    params["data"] |= {"source": BREAST_CANCER, "target": "diagnosis"}
    write_params(project, params)
    table = breast_cancer()
    train, test = prepare_data(load_config())
    assert len(train) + len(test) == len(table)
    assert len(test) == pytest.approx(len(table) * 0.25, abs=1)
    features, labels = read_split(TRAIN_CSV, "diagnosis")
    assert list(features) == [name for name in table if name != "diagnosis"]
    assert labels.map(type).eq(str).all()
    test_labels = read_split(TEST_CSV, "diagnosis")[1]
    shares = labels.value_counts(normalize=True), test_labels.value_counts(normalize=True)
    assert (shares[0] - shares[1]).abs().max() < 0.02


def test_a_csv_with_categories_gaps_and_text_labels_is_kept_as_is(project):
    prepare_data(load_config())
    features, labels = read_split(TRAIN_CSV, "species")
    assert features["island"].isna().any() and features["bill_length_mm"].isna().any()
    assert set(labels) == {"adelie", "chinstrap", "gentoo"}


def test_the_split_is_the_same_every_time(project):
    first = prepare_data(load_config())[0]
    second = prepare_data(load_config())[0]
    pd.testing.assert_frame_equal(first, second)


def test_numeric_labels_become_text(project):
    table = pd.read_csv(TINY_CSV)
    table["species"] = table["species"].map({"adelie": 0, "chinstrap": 1, "gentoo": 2})
    table.to_csv(TINY_CSV, index=False)
    prepare_data(load_config())
    assert set(read_split(TRAIN_CSV, "species")[1]) == {"0", "1", "2"}


def numbered_species() -> None:
    """The tiny table's species as the integers 0, 1 and 2, as many CSVs code their classes."""
    rewrite(lambda t: t.assign(species=t.species.map({"adelie": 0, "chinstrap": 1, "gentoo": 2})))


def with_label_names(project, names) -> None:
    params = tiny_params()
    params["data"] |= {"label_names": names}
    write_params(project, params)


def test_label_names_replace_the_values_they_name_and_the_others_keep_their_form(project, capsys):
    numbered_species()
    with_label_names(project, {0: "Adélie", 1: "chinstrap penguin"})
    train, test = prepare_data(load_config())
    assert set(read_split(TRAIN_CSV, "species")[1]) == {"Adélie", "chinstrap penguin", "2"}
    assert set(read_split(TEST_CSV, "species")[1]) == {"Adélie", "chinstrap penguin", "2"}
    assert "(2 16, Adélie 16, chinstrap penguin 16)" in capsys.readouterr().out


def test_label_names_read_text_keys_and_true_false_alike(project):
    with_label_names(project, {"gentoo": "Gentoo"})
    prepare_data(load_config())
    assert set(read_split(TRAIN_CSV, "species")[1]) == {"adelie", "chinstrap", "Gentoo"}
    params = tiny_params()
    params["data"] |= {"target": "banded", "label_names": {True: "banded", False: "plain"}}
    params["data"]["drop_columns"] = ["species"]
    write_params(project, params)
    prepare_data(load_config())
    assert set(read_split(TRAIN_CSV, "banded")[1]) == {"banded", "plain"}


BAD_NAMES = {
    "value not in the column": (
        {0: "Adélie", 3: "emperor"},
        DataError,
        "data.label_names names '3', which is not a value of target column 'species' "
        "(its values: 0, 1, 2)",
    ),
    "name of another value": (
        {0: "2"},
        DataError,
        "data.label_names gives the name '2', which is also an unnamed value of 'species'",
    ),
    "same name twice": (
        {0: "penguin", 1: "penguin"},
        ConfigError,
        "params.yaml: data.label_names: names must differ; 'penguin' is given to more than one",
    ),
    "not text": (
        {0: "Adélie", 1: 7},
        ConfigError,
        "params.yaml: data.label_names[1]: input should be a valid string, got 7",
    ),
    "empty": ({0: " "}, ConfigError, "params.yaml: data.label_names: the name of 0 is empty"),
}


@pytest.mark.parametrize("names, error, message", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_bad_label_names_stop_with_one_line_naming_the_problem(project, names, error, message):
    numbered_species()
    with_label_names(project, names)
    with pytest.raises(error) as caught:
        prepare_data(load_config())
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not TRAIN_CSV.exists()


def test_rows_without_a_label_are_dropped(project, capsys):
    table = pd.read_csv(TINY_CSV)
    table.loc[:2, "species"] = None
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
    "no target": (lambda: rewrite(lambda t: t.drop(columns="species")), "target column 'species'"),
    "one class": (lambda: rewrite(lambda t: t.assign(species="adelie")), "one class only"),
    "all-missing column": (lambda: rewrite(lambda t: t.assign(island=None)), "hold no values"),
    "repeated column": (
        lambda: rewrite(lambda t: t.rename(columns={"island": "bill_length_mm"})),
        r"column\(s\) \['bill_length_mm'\] more than once",
    ),
    "single-row class": (
        lambda: rewrite(lambda t: t.assign(species=["rare"] + list(t.species[1:]))),
        "have a single row",
    ),
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
        "or set data.source to sklearn-breast-cancer"
    ]
