"""Mean absolute error per slice of the held-out rows: values, quantile bins, too few rows,
unknown columns, and the numbers the model card shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError
from {{ cookiecutter.package_name }}.regression.slices import MIN_ROWS, slice_section, slice_table

from .test_pipeline import results_block


def rows_and_errors() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """40 rows: a colour seen 30 times (errors 0..29), 6 times and missing 4 times (too few);
    a size with 40 distinct values whose error is the size itself."""
    colour = ["red"] * 30 + ["blue"] * 6 + [None] * 4
    size = np.arange(40, dtype=float)
    truth = np.full(40, 100.0)
    errors = np.concatenate([np.arange(30), np.full(6, 3.0), np.full(4, 7.0)])
    features = pd.DataFrame({"colour": colour, "size": size})
    return features, truth, truth - errors  # predictions below the truth by `errors`


def test_each_value_gets_its_rows_mae_and_interval_and_small_ones_none():
    features, truth, predicted = rows_and_errors()
    table = slice_table(features, truth, predicted, ["colour"], seed=0)
    assert table["metric"] == "mae" and table["min_rows"] == MIN_ROWS
    (column,) = table["columns"]
    assert column["column"] == "colour" and column["binned"] is False
    by_value = {item["value"]: item for item in column["slices"]}
    assert list(by_value) == ["blue", "red", "missing"]
    assert [by_value[name]["rows"] for name in by_value] == [6, 30, 4]
    assert by_value["blue"]["mae"] is None and by_value["missing"]["mae"] is None
    red = by_value["red"]
    assert red["mae"] == 14.5 and red["interval_method"] == "95% bootstrap percentile interval"
    low, high = red["interval"]
    assert 10 < low < 14.5 < high < 19  # the mean of 0..29, give or take its resampling


def test_a_numeric_column_with_many_values_is_cut_into_quartiles():
    features, truth, _ = rows_and_errors()
    predicted = truth - features["size"].to_numpy()
    (column,) = slice_table(features, truth, predicted, ["size"], seed=0)["columns"]
    assert column["binned"] is True
    assert [item["rows"] for item in column["slices"]] == [10, 10, 10, 10]
    assert [item["mae"] for item in column["slices"]] == [4.5, 14.5, 24.5, 34.5]
    assert column["slices"][0]["value"] == "0 to 9.75"


def test_an_unknown_column_is_one_error_naming_the_known_ones():
    features, truth, predicted = rows_and_errors()
    with pytest.raises(ConfigError) as error:
        slice_table(features, truth, predicted, ["size", "weight"], seed=0)
    assert str(error.value) == (
        "evaluate.slices names 'weight', which the held-out rows do not have; "
        "known columns: colour, size"
    )


def test_the_card_shows_values_as_text_and_small_slices_unrated():
    features, truth, predicted = rows_and_errors()
    features["colour"] = features["colour"].replace("blue", "[blue](https://evil.example)")
    section = slice_section(slice_table(features, truth, predicted, ["colour"], seed=0))
    assert section[0] == "### Mean absolute error by slice"
    assert "| `[blue](https://evil.example)` | 6 | too few to rate | – |" in section[-1]
    assert "| `red` | 30 | 14.5000 | [" in section[-1]


def set_slices(columns: list[str]) -> None:
    path = Path("params.yaml")
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["evaluate"]["slices"] = columns
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")


@pytest.fixture
def trained_copy(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the trained tiny project as the working directory, MLflow inside it."""
    copy = shutil.copytree(trained, tmp_path / "copy")
    monkeypatch.chdir(copy)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{copy / 'mlflow.db'}")
    return copy


def card_rows(card: str) -> dict[str, list[str]]:
    """The model card's slice rows, by their value: [rows, MAE, interval]."""
    rows = {}
    for line in card.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_pipeline_writes_slices_into_the_card_with_one_line_on_the_readme(trained_copy):
    from {{ cookiecutter.package_name }}.data import read_split
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.predict import load_predictor
    from {{ cookiecutter.package_name }}.report import report

    set_slices(["town", "area_m2"])
    evaluate(load_config())
    report(load_config())
    slices = json.loads((trained_copy / "reports/slices.json").read_text(encoding="utf-8"))
    town, area = slices["columns"]
    assert town["column"] == "town" and not town["binned"] and area["binned"]
    trained = load_predictor(Path("models"))
    features, target = read_split(Path("data/test.csv"), "price")
    errors = np.abs(target.to_numpy() - trained.model.predict(trained.schema.coerce(features)))
    for column in (town, area):
        assert sum(item["rows"] for item in column["slices"]) == len(target)
    for item in town["slices"]:
        name = item["value"]
        rows = features["town"].isna() if name == "missing" else features["town"] == name
        assert item["rows"] == int(rows.sum())
        if item["rows"] >= MIN_ROWS:
            assert item["mae"] == round(float(errors[rows.to_numpy()].mean()), 4)
    card = results_block(trained_copy / "MODEL_CARD.md")
    readme = results_block(trained_copy / "README.md")
    assert "### Mean absolute error by slice" in card and "by slice" not in readme
    shown = card_rows(card)
    for item in town["slices"]:  # every number in the card is the one slices.json holds
        rows, mae, interval = shown[item["value"]]
        assert int(rows) == item["rows"]
        if item["mae"] is None:
            assert mae == "too few to rate"
        else:
            assert float(mae) == item["mae"]
            assert interval == "[{:.4f}, {:.4f}]".format(*item["interval"])
    pointer = [line for line in readme.splitlines() if "reports/slices.json" in line]
    assert len(pointer) == 1 and "[model card](MODEL_CARD.md)" in pointer[0]
    assert "`town`, `area_m2`" in pointer[0]


def test_without_slices_the_readme_says_nothing_of_them(trained):
    slices = json.loads((trained / "reports/slices.json").read_text(encoding="utf-8"))
    assert slices["columns"] == []
    assert "reports/slices.json" not in results_block(trained / "README.md")
    assert "by slice" not in results_block(trained / "MODEL_CARD.md")


def test_an_unknown_slice_column_stops_evaluate_before_it_writes(trained_copy):
    from {{ cookiecutter.package_name }}.evaluate import evaluate

    before = (trained_copy / "reports/evaluation.json").read_bytes()
    set_slices(["town", "price"])  # the target is no feature
    with pytest.raises(ConfigError) as error:
        evaluate(load_config())
    assert str(error.value) == (
        "evaluate.slices names 'price', which the held-out rows do not have; "
        "known columns: town, area_m2, rooms, garden"
    )
    assert (trained_copy / "reports/evaluation.json").read_bytes() == before
    assert not (trained_copy / "reports/slices.json").read_text(encoding="utf-8").count("town")
