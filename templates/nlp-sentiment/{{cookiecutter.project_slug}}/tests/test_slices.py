"""Accuracy per value of a column of the learner's file (evaluate.slices): the data stage keeps
the column for the test rows outside what training reads; evaluate scores each value; IMDB and
unknown columns are refused before any work."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.core.errors import ConfigError
from {{ cookiecutter.package_name }}.data import prepare
from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.predict import load_model
from {{ cookiecutter.package_name }}.report import report
from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START
from {{ cookiecutter.package_name }}.reporting.slices import MIN_ROWS

from .conftest import synthetic_reviews, write_config

# The test texts' sources: 24 from a blog, 12 from a forum, 4 from a shop (too few to rate), and
# 4 with none given.
TEST_SOURCES = ["blog"] * 24 + ["forum"] * 12 + ["shop"] * 4 + [None] * 4


def texts_file(path: Path, *, sources: bool = True) -> Path:
    """A CSV of labelled texts with its own split, and (unless not) a `source` column."""
    train = synthetic_reviews(20, seed=3)
    test = synthetic_reviews(22, seed=4)  # 44 texts, as many as TEST_SOURCES
    frame = pd.DataFrame(
        {
            "text": [text for text, _ in train + test],
            "label": [label for _, label in train + test],
            "split": ["train"] * len(train) + ["test"] * len(test),
        }
    )
    if sources:
        frame["source"] = ["blog"] * len(train) + TEST_SOURCES
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def file_config(root: Path, slices: list[str], **file: object):
    """The tiny params.yaml in `root`, reading root/data/raw/texts.csv."""
    data = {"source": "file", "file": {"path": str(root / "data/raw/texts.csv"), **file}}
    return write_config(root, data=data, evaluate={"slices": slices})


@pytest.fixture
def copy(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the trained tiny project as the working directory, MLflow inside it."""
    root = shutil.copytree(trained, tmp_path / "copy")
    monkeypatch.chdir(root)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    return root


def block(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index(START) : text.index(END)]


def test_the_data_stage_keeps_the_test_rows_columns_outside_what_training_reads(tmp_path):
    plain, sliced = tmp_path / "plain", tmp_path / "sliced"
    texts_file(plain / "data/raw/texts.csv", sources=False)
    texts_file(sliced / "data/raw/texts.csv")
    prepare(file_config(plain, []))
    prepare(file_config(sliced, ["source"]))
    for split in ("train", "test"):  # what training reads does not change with the column
        names = [f"data/processed/{split}.parquet"]
        frames = [pd.read_parquet(root / name) for root in (plain, sliced) for name in names]
        assert list(frames[1].columns) == ["text", "label"]
        pd.testing.assert_frame_equal(*frames)
    columns = pd.read_parquet(sliced / "data/test_columns.parquet")
    assert list(columns.columns) == ["source"]
    assert [None if pd.isna(value) else value for value in columns["source"]] == TEST_SOURCES
    assert len(pd.read_parquet(plain / "data/test_columns.parquet").columns) == 0


def test_accuracy_per_source_goes_to_slices_json_and_the_card_with_one_readme_line(copy):
    texts_file(copy / "data/raw/texts.csv")
    config = file_config(copy, ["source"])
    prepare(config)
    evaluate(config)
    report(config, copy / "README.md", copy / "MODEL_CARD.md")

    slices = json.loads((copy / "reports/slices.json").read_text(encoding="utf-8"))
    assert slices["metric"] == "accuracy" and slices["min_rows"] == MIN_ROWS
    (column,) = slices["columns"]
    assert column["column"] == "source" and column["binned"] is False
    by_value = {item["value"]: item for item in column["slices"]}
    assert list(by_value) == ["blog", "forum", "shop", "missing"]
    assert [by_value[name]["rows"] for name in by_value] == [24, 12, 4, 4]
    assert by_value["shop"]["accuracy"] is None and by_value["missing"]["accuracy"] is None

    best = json.loads((copy / "models/best.json").read_text(encoding="utf-8"))
    test = pd.read_parquet(copy / "data/processed/test.parquet")
    proba = load_model(copy / "models" / best["best_model"]).predict_proba(test["text"].tolist())
    correct = np.asarray(best["classes"])[proba.argmax(axis=1)] == test["label"].to_numpy()
    sources = np.asarray(TEST_SOURCES, dtype=object)
    for name in ("blog", "forum"):
        assert by_value[name]["accuracy"] == round(float(correct[sources == name].mean()), 4)
        low, high = by_value[name]["interval"]
        assert low <= by_value[name]["accuracy"] <= high

    card, readme = block(copy / "MODEL_CARD.md"), block(copy / "README.md")
    assert "### Accuracy by slice" in card and "by slice" not in readme
    for name, item in by_value.items():  # the card's numbers are slices.json's
        shown = (
            "too few to rate | –"
            if item["accuracy"] is None
            else "{:.4f} | [{:.4f}, {:.4f}]".format(item["accuracy"], *item["interval"])
        )
        assert f"| `{name}` | {item['rows']} | {shown} |" in card
    pointer = [line for line in readme.splitlines() if "reports/slices.json" in line]
    assert len(pointer) == 1 and "[model card](MODEL_CARD.md)" in pointer[0]
    assert "`source`" in pointer[0]


def test_without_slices_nothing_is_said_of_them(trained: Path) -> None:
    slices = json.loads((trained / "reports/slices.json").read_text(encoding="utf-8"))
    assert slices["columns"] == []
    assert "reports/slices.json" not in block(trained / "README.md")
    assert "by slice" not in block(trained / "MODEL_CARD.md")


def test_slices_on_imdb_stop_evaluate_before_any_work(copy):
    before = (copy / "reports/metrics.json").read_bytes()
    config = write_config(copy, evaluate={"slices": ["source"]})
    assert config.data.source == "imdb"
    with pytest.raises(ConfigError, match=re.escape("IMDB's reviews have no columns")):
        evaluate(config)
    assert (copy / "reports/metrics.json").read_bytes() == before


def test_an_unknown_column_stops_evaluate_naming_the_known_ones(copy):
    texts_file(copy / "data/raw/texts.csv")
    config = file_config(copy, ["source", "topic"])
    prepare(config)
    before = (copy / "reports/metrics.json").read_bytes()
    with pytest.raises(ConfigError) as error:
        evaluate(config)
    assert str(error.value) == (
        "evaluate.slices names 'topic', which the data file's other columns do not have; "
        "known columns: source"
    )
    assert (copy / "reports/metrics.json").read_bytes() == before
