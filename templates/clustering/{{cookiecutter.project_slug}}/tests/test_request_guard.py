{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_request_guard.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""JSON bodies no model can use are refused with a 422 and a reason, before any route runs.

The guard answers before the model is needed, so these run without a trained model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.guard import MAX_DEPTH, json_problem


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "no-model"))
    # A server error must reach the test as a 500, not as an exception inside it.
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def refusal(client: TestClient, body: bytes) -> str:
    """The reason of the 422 that POST /predict answers `body` with."""
    response = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    return response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("opening", ["[", '{"a": '])
def test_thousands_of_nested_brackets_get_422_not_500(client: TestClient, opening: str) -> None:
    # 3,000 levels overflowed the JSON reader's stack: a RecursionError and a 500.
    closing = "]" if opening == "[" else "}"
    body = (opening * 3000 + "1" + closing * 3000).encode()
    assert f"more than {MAX_DEPTH} levels" in refusal(client, body)


def test_nesting_within_the_limit_is_left_to_the_schema() -> None:
    # Just inside the limit the guard has nothing to say; one level more and it refuses.
    assert json_problem(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode()) is None
    deeper = MAX_DEPTH + 1
    assert "levels" in json_problem(("[" * deeper + "]" * deeper).encode())


def test_a_key_given_twice_gets_422_naming_it(client: TestClient) -> None:
    # The JSON reader kept the last value silently: the first one was never looked at.
    reason = refusal(client, b'{"a": {"b": 1, "b": 2}}')
    assert reason == "the key 'b' appears twice in one object"


def test_the_refusals_are_documented(client: TestClient) -> None:
    description = client.get("/openapi.json").json()["info"]["description"]
    assert f"more than {MAX_DEPTH} levels deep" in description
    assert "a key given twice" in description
