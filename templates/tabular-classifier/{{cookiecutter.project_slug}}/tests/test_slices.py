"""Accuracy per slice of the held-out rows: values, quantile bins, too few rows, unknown columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.classifier.slices import MIN_ROWS, slice_section, slice_table
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

from .test_pipeline import results_block
from .tiny import tiny_table


def features_and_correct() -> tuple[pd.DataFrame, np.ndarray]:
    """40 rows: a colour seen 30 times (all right) and 6 times (half right), 4 missing (wrong);
    a size with 40 distinct values, right on its smaller half only."""
    colour = ["red"] * 30 + ["blue"] * 6 + [None] * 4
    size = np.arange(40, dtype=float)
    correct = np.array([True] * 30 + [True, False] * 3 + [False] * 4)
    features = pd.DataFrame({"colour": colour, "size": size})
    return features, correct


def test_each_value_gets_its_rows_accuracy_and_interval_and_small_ones_none():
    features, correct = features_and_correct()
    table = slice_table(features, correct, ["colour"], seed=0)
    assert table["metric"] == "accuracy" and table["min_rows"] == MIN_ROWS
    (column,) = table["columns"]
    assert column["column"] == "colour" and column["binned"] is False
    by_value = {item["value"]: item for item in column["slices"]}
    assert list(by_value) == ["blue", "red", "missing"]
    assert [by_value[name]["rows"] for name in by_value] == [6, 30, 4]
    assert by_value["blue"]["accuracy"] is None and by_value["missing"]["accuracy"] is None
    red = by_value["red"]
    # 30 of 30 right: Wilson's interval, which never claims certainty.
    assert red["accuracy"] == 1.0 and red["interval_method"] == "95% Wilson score interval"
    assert 0.88 < red["interval"][0] < 0.89 and red["interval"][1] == 1.0


def test_a_numeric_column_with_many_values_is_cut_into_quartiles():
    features, correct = features_and_correct()
    correct = np.arange(40) < 20
    (column,) = slice_table(features, correct, ["size"], seed=0)["columns"]
    assert column["binned"] is True
    assert [item["rows"] for item in column["slices"]] == [10, 10, 10, 10]
    assert [item["accuracy"] for item in column["slices"]] == [1.0, 1.0, 0.0, 0.0]
    assert [item["value"] for item in column["slices"]] == [
        "0 to 9.75",
        "9.75 to 19.5",
        "19.5 to 29.25",
        "29.25 to 39",
    ]


def test_an_unknown_column_is_one_error_naming_the_known_ones():
    features, correct = features_and_correct()
    with pytest.raises(ConfigError) as error:
        slice_table(features, correct, ["size", "weight"], seed=0)
    assert str(error.value) == (
        "evaluate.slices names 'weight', which the held-out rows do not have; "
        "known columns: colour, size"
    )


def test_the_card_shows_values_as_text_and_small_slices_unrated():
    features, correct = features_and_correct()
    features["colour"] = features["colour"].replace("blue", "[blue](https://evil.example)")
    section = slice_section(slice_table(features, correct, ["colour"], seed=0))
    assert section[0] == "### Accuracy by slice"
    table = section[-1]
    assert "| `[blue](https://evil.example)` | 6 | too few to rate | – |" in table
    assert "| `red` | 30 | 1.0000 | [0.8865, 1.0000] |" in table
    assert slice_section({"metric": "accuracy", "min_rows": MIN_ROWS, "columns": []}) == []


def set_slices(columns: list[str]) -> None:
    path = Path("params.yaml")
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["evaluate"]["slices"] = columns
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")


def test_the_pipeline_writes_slices_into_the_card_with_one_line_on_the_readme(project):
    from {{ cookiecutter.package_name }}.data import prepare_data
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.train import train

    tiny_table(rows_per_class=60).to_csv(project / "data/raw/tiny.csv", index=False)
    set_slices(["island", "bill_length_mm"])
    config = load_config()
    prepare_data(config)
    train(config)
    evaluate(config)
    report(config)
    slices = json.loads((project / "reports/slices.json").read_text(encoding="utf-8"))
    test_rows = len(pd.read_csv(project / "data/test.csv"))
    island, bill = slices["columns"]
    assert island["column"] == "island" and not island["binned"] and bill["binned"]
    for column in (island, bill):
        assert sum(item["rows"] for item in column["slices"]) == test_rows
    card = results_block(project / "MODEL_CARD.md")
    readme = results_block(project / "README.md")
    assert "### Accuracy by slice" in card and "Accuracy by slice" not in readme
    assert "| `Biscoe` |" in card and "| `Biscoe` |" not in readme
    pointer = [line for line in readme.splitlines() if "reports/slices.json" in line]
    assert len(pointer) == 1 and "[model card](MODEL_CARD.md)" in pointer[0]
    assert "`island`, `bill_length_mm`" in pointer[0]


def test_without_slices_the_readme_says_nothing_of_them(trained):
    slices = json.loads((trained / "reports/slices.json").read_text(encoding="utf-8"))
    assert slices["columns"] == []
    assert "slices" not in results_block(trained / "README.md")
    assert "Accuracy by slice" not in results_block(trained / "MODEL_CARD.md")


def test_an_unknown_slice_column_stops_evaluate_before_it_writes(trained, tmp_path, monkeypatch):
    from {{ cookiecutter.package_name }}.evaluate import evaluate

    copy = shutil.copytree(trained, tmp_path / "copy")
    monkeypatch.chdir(copy)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{copy / 'mlflow.db'}")
    before = (copy / "reports/evaluation.json").read_bytes()
    set_slices(["island", "sex"])
    with pytest.raises(ConfigError) as error:
        evaluate(load_config())
    assert str(error.value) == (
        "evaluate.slices names 'sex', which the held-out rows do not have; "
        "known columns: island, bill_length_mm, bill_depth_mm, banded"
    )
    assert (copy / "reports/evaluation.json").read_bytes() == before
