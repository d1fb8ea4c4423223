"""The project's own data, as params.yaml names it: what must hold for any table.

These read the learner's params.yaml and, once trained, the saved model; a fresh clone without
the data (not pulled from DVC yet) or without a trained model skips them.
"""

from __future__ import annotations

import json

import pytest

from {{ cookiecutter.package_name }}.config import MODEL_DIR, SCHEMA_FILE, WINE, load_config
from {{ cookiecutter.package_name }}.data import clean, load_source
from {{ cookiecutter.package_name }}.reporting.example_files import load_request

from .tiny import ROOT


@pytest.fixture
def config(monkeypatch):
    monkeypatch.chdir(ROOT)  # data.source is relative to the project
    config = load_config()
    if config.data.source != WINE and not (ROOT / config.data.source).is_file():
        pytest.skip(f"{config.data.source} is not here (`dvc pull` fetches it)")
    return config


@pytest.fixture
def saved_schema():
    path = ROOT / MODEL_DIR / SCHEMA_FILE
    if not path.is_file():
        pytest.skip("no trained model yet (`dvc repro` trains one)")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_configured_data_passes_the_data_stage_checks(config):
    table = clean(load_source(config.data), config.data, config.train.k.max)
    assert not set(config.data.drop_columns) & set(table.columns)
    if config.data.label:
        assert config.data.label in table


def test_the_saved_schema_matches_the_configured_columns(config, saved_schema):
    table = load_source(config.data)
    expected = [
        str(name)
        for name in table.columns
        if name != config.data.label and name not in config.data.drop_columns
    ]
    assert [feature["name"] for feature in saved_schema["features"]] == expected


def test_the_saved_example_request_has_every_feature(saved_schema):
    body = load_request(ROOT / MODEL_DIR)
    assert body is not None, "training saves models/example.json"
    assert list(body) == [feature["name"] for feature in saved_schema["features"]]
