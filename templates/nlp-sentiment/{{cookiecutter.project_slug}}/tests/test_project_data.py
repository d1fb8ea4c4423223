"""The project's own data, as params.yaml names it: what must hold for any labelled texts.

These read the learner's params.yaml and, once trained, the saved models; without the data file
(not pulled from DVC yet) or without a trained model they are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import MODEL_DIR, load_config
from {{ cookiecutter.package_name }}.data import load_file_source
from {{ cookiecutter.package_name }}.predict import BEST_FILE
from {{ cookiecutter.package_name }}.reporting.example_files import load_request

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config(monkeypatch):
    monkeypatch.chdir(ROOT)  # data.file.path is relative to the project
    return load_config()


@pytest.fixture
def best() -> dict:
    path = ROOT / MODEL_DIR / BEST_FILE
    if not path.is_file():
        pytest.skip("no trained model yet (`dvc repro` trains one)")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_configured_file_gives_two_labelled_splits(config):
    if config.data.source != "file":
        pytest.skip("the project reads the IMDB archive, not a file of its own")
    if not (ROOT / config.data.file.path).is_file():
        pytest.skip(f"{config.data.file.path} is not here (`dvc pull` fetches it)")
    train, test, _ = load_file_source(config.data, config.seed)
    assert len(train) and len(test)
    assert set(test["label"]) <= set(train["label"])
    assert train["text"].str.strip().str.len().gt(0).all()


def test_the_saved_example_is_a_text_and_the_classes_are_the_datas(config, best):
    body = load_request(ROOT / MODEL_DIR)
    assert body is not None and list(body) == ["text"], "training saves models/example.json"
    assert isinstance(body["text"], str) and body["text"].strip()
    assert len(best["classes"]) >= 2
    if config.data.source == "file" and (ROOT / config.data.file.path).is_file():
        train, _, _ = load_file_source(config.data, config.seed)
        assert sorted(best["classes"]) == sorted(set(train["label"]))
