{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_examples.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The API's documented examples: the request saved at training, answered by the real app.

`trained_project` (each template's conftest) is a tiny project after its whole pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.reporting.example_files import IMAGE_FILE, load_request
from {{ cookiecutter.package_name }}.reporting.examples import write_examples


@pytest.fixture
def served_from(trained_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The trained project as the working directory, its models/ served as `dvc repro` left it."""
    monkeypatch.chdir(trained_project)
    monkeypatch.delenv("MODEL_DIR", raising=False)
    return trained_project


def documented_answer(client: TestClient) -> object:
    operation = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    return operation["responses"]["200"]["content"]["application/json"]["example"]


def live_answer(client: TestClient, models: Path) -> object:
    """What the app answers the saved example: the JSON body, or the image upload."""
    body = load_request(models)
    if body is not None:
        return client.post("/predict", json=body).json()
    image = (models / IMAGE_FILE).read_bytes()
    return client.post("/predict", files={"file": (IMAGE_FILE, image, "image/png")}).json()


def test_training_saved_an_example_request(served_from: Path):
    models = served_from / "models"
    assert load_request(models) is not None or (models / IMAGE_FILE).is_file()


def test_the_docs_example_is_the_live_answer(served_from: Path):
    with TestClient(app) as client:
        assert documented_answer(client) == live_answer(client, served_from / "models")


def test_write_examples_records_the_live_answers(served_from: Path, tmp_path: Path):
    path = tmp_path / "examples.json"
    examples = write_examples(path)
    assert json.loads(path.read_text(encoding="utf-8")) == examples
    assert [item["path"] for item in examples] == ["/predict"]
    (item,) = examples
    assert item["method"] == "POST" and item["title"]
    assert item["curl"].startswith("curl -s -X POST http://127.0.0.1:8000/predict ")
    assert "models/example." in item["curl"]
    with TestClient(app) as client:
        assert item["response"] == live_answer(client, served_from / "models")
        assert item["response"] == documented_answer(client)
