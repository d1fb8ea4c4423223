"""The API against the tiny trained models: answers, limits and 422s, and 503 before training.

Every refusal is a 4xx with a short JSON reason; the OpenAPI document states the limits the
server applies (1 to max_chars characters, not only whitespace and HTML tags; 1 to max_batch
texts).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.capacity import (
    CHUNK_TEXTS,
    ClientGone,
    WorkLimiter,
    predict_in_chunks,
)
from {{ cookiecutter.package_name }}.api.deps import Predictor
from {{ cookiecutter.package_name }}.api.schemas import HAS_TEXT
from {{ cookiecutter.package_name }}.reporting.example_files import load_request

from .conftest import PROJECT

MAX_CHARS, MAX_BATCH = 50, 3  # through the environment, over params.yaml's serve section


@pytest.fixture
def client(trained: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    monkeypatch.setenv("SERVE_MAX_CHARS", str(MAX_CHARS))
    monkeypatch.setenv("SERVE_MAX_BATCH", str(MAX_BATCH))
    with TestClient(app) as test_client:
        yield test_client


def post_raw(client: TestClient, body: bytes):
    return client.post("/predict", content=body, headers={"Content-Type": "application/json"})


def test_the_documented_example_is_a_held_out_text_and_the_live_answer(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    body = load_request(trained / "models")
    assert body is not None and isinstance(body["text"], str)
    with TestClient(app) as client:
        operation = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
        live = client.post("/predict", json=body).json()
        schema = client.get("/openapi.json").json()["components"]["schemas"]["PredictRequest"]
    assert schema["examples"] == [body]
    assert operation["responses"]["200"]["content"]["application/json"]["example"] == live


def test_health_and_model_info(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["model"] in ("baseline", "neural") and info["classes"] == ["negative", "positive"]
    assert info["registered_model"] == "test-model"
    assert info["serving"]["max_chars"] == MAX_CHARS
    assert isinstance(app.state.predictor, Predictor)


def test_predict_one_text(client: TestClient) -> None:
    response = client.post("/predict", json={"text": "A wonderful, moving and superb film"})
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "positive"
    assert body["probability"] == pytest.approx(max(body["probabilities"].values()))
    assert set(body["probabilities"]) == {"negative", "positive"}
    assert body["model"] == client.get("/model-info").json()["model"]


def test_predict_batch_keeps_the_order(client: TestClient) -> None:
    texts = ["awful boring dreadful plot", "wonderful brilliant story", "tedious pointless film"]
    response = client.post("/predict/batch", json={"texts": texts})
    assert response.status_code == 200
    labels = [p["label"] for p in response.json()["predictions"]]
    assert labels == ["negative", "positive", "negative"]


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/predict", {"text": ""}, "text is empty"),
        ("/predict", {"text": "  \n\t\u3000\u00a0 "}, "text is empty"),
        ("/predict", {"text": "<br /><br />\n<p> </p><!-- -->"}, "only HTML tags"),
        ("/predict", {"text": "x" * (MAX_CHARS + 1)}, f"at most {MAX_CHARS} characters"),
        ("/predict", {"text": 42}, "string"),
        ("/predict", {"texts": ["a"]}, "Field required"),
        ("/predict", {"text": "good", "extra": 1}, "Extra inputs"),
        ("/predict/batch", {"texts": []}, "at least 1"),
        ("/predict/batch", {"texts": ["good"] * (MAX_BATCH + 1)}, "at most"),
        ("/predict/batch", {"texts": ["good", " "]}, "text is empty"),
        ("/predict/batch", {"texts": "good"}, "valid list"),
    ],
    ids=[
        "empty",
        "whitespace",
        "html-only",
        "too-long",
        "not-a-string",
        "missing",
        "extra-field",
        "empty-batch",
        "batch-too-big",
        "empty-in-batch",
        "batch-not-a-list",
    ],
)
def test_bad_requests_get_422_with_the_reason(
    client: TestClient, path: str, body: dict, reason: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])
    assert "input" not in response.json()["detail"][0]  # the text is never echoed back


def test_whitespace_is_what_the_schema_says_it_is(client: TestClient) -> None:
    # Python counts \x1c as whitespace, JSON Schema's pattern engines do not: the schema said such
    # a text was valid and the server refused it. Now both go by the pattern's own list.
    assert client.post("/predict", json={"text": "\x1c"}).status_code == 200
    assert client.post("/predict", json={"text": "\u2003\ufeff"}).status_code == 422


@pytest.mark.parametrize(
    ("text", "has_words"),
    [
        ("<br /><br />", False),
        ("<p>\u3000</p>\n", False),
        ("<b>fine</b>", True),
        ("<3 it", True),
        ("a < b", True),
        ("<", True),
        ("<b", True),
        ("<a<b>", True),
    ],
)
def test_html_only_text_is_refused_as_the_schema_says(
    client: TestClient, text: str, has_words: bool
) -> None:
    # "<br /><br />" reached the model as no words and got a coin-flip answer. The schema's
    # pattern and the server's check agree on every case.
    assert bool(re.search(HAS_TEXT, text)) is has_words
    status = client.post("/predict", json={"text": text}).status_code
    assert status == (200 if has_words else 422)


def test_a_lone_surrogate_gets_422_not_500(client: TestClient) -> None:
    # A 422 that echoed "\ud800" could not be encoded as UTF-8 and would become a 500.
    response = post_raw(client, b'{"text": "\\ud800", "extra": 1}')
    assert response.status_code == 422
    assert "lone UTF-16 surrogate" in response.json()["detail"][0]["msg"]
    # A surrogate pair is one valid character (an emoji here) and is classified.
    assert post_raw(client, b'{"text": "great \\ud83d\\ude00"}').status_code == 200


@pytest.mark.parametrize("body", [b'{"text": NaN}', b'{"text": "good", "n": 1e999}'])
def test_non_finite_numbers_get_422_not_500(client: TestClient, body: bytes) -> None:
    response = post_raw(client, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_a_body_that_is_not_utf8_gets_a_documented_422(client: TestClient) -> None:
    # Not an undocumented 400: the schema's own 422.
    response = post_raw(client, '{"text": "très bien"}'.encode("latin-1"))
    assert response.status_code == 422
    assert "not valid UTF-8" in response.json()["detail"][0]["msg"]


def test_a_body_over_the_limit_gets_413_before_parsing(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The JSON APIs parsed any body in full before their limits applied.
    monkeypatch.setenv("MODEL_DIR", str(trained / "models"))
    monkeypatch.setenv("SERVE_MAX_BODY_BYTES", "1000")
    with TestClient(app) as client:
        response = client.post("/predict/batch", json={"texts": ["good film " * 50] * 3})
        assert client.post("/predict", json={"text": "good"}).status_code == 200
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["detail"]


def test_the_openapi_document_states_the_limits_the_server_applies(client: TestClient) -> None:
    # The schema refuses an empty text, so the documented contract and the server agree.
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    text = schemas["PredictRequest"]["properties"]["text"]
    assert (text["minLength"], text["maxLength"]) == (1, MAX_CHARS)
    assert text["pattern"] == HAS_TEXT
    texts = schemas["BatchRequest"]["properties"]["texts"]
    assert (texts["minItems"], texts["maxItems"]) == (1, MAX_BATCH)
    assert texts["items"]["maxLength"] == MAX_CHARS
    assert schemas["PredictRequest"]["additionalProperties"] is False
    for path in ("/predict", "/predict/batch"):
        assert set(spec["paths"][path]["post"]["responses"]) == {"200", "413", "422", "503"}


def test_503_before_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "nothing"))
    with TestClient(app) as test_client:
        assert test_client.get("/health").json()["model_loaded"] is False
        response = test_client.post("/predict", json={"text": "good"})
    assert response.status_code == 503
    assert "dvc repro" in response.json()["detail"]


def test_work_beyond_the_character_budget_gets_503_with_retry_after() -> None:
    async def scenario() -> None:
        limiter = WorkLimiter(max_running=1, max_pending_chars=100)
        async with limiter.admitted(60), limiter.admitted(40):  # exactly the budget: admitted
            with pytest.raises(HTTPException) as refused:
                async with limiter.admitted(1):
                    pass
        assert refused.value.status_code == 503
        assert refused.value.headers == {"Retry-After": "1"}
        assert limiter.pending_chars == 0  # released, so the next request is admitted
        async with limiter.admitted(500):  # larger than the budget, but alone: admitted
            pass

    asyncio.run(scenario())


def test_a_batch_stops_between_chunks_once_its_client_has_gone() -> None:
    class GoneAfterFirstChunk:
        def __init__(self) -> None:
            self.asked = 0

        async def is_disconnected(self) -> bool:
            self.asked += 1
            return self.asked > 1

    called: list[int] = []

    def predict(texts: list[str]) -> list[str]:
        called.append(len(texts))
        return list(texts)

    limiter = WorkLimiter(max_running=1, max_pending_chars=10**6)
    texts = ["good"] * (CHUNK_TEXTS * 3)
    with pytest.raises(ClientGone):
        asyncio.run(predict_in_chunks(limiter, GoneAfterFirstChunk(), predict, texts))
    assert called == [CHUNK_TEXTS]  # one chunk ran; the other two were never started
    assert limiter.pending_chars == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def uvicorn_url(trained: Path) -> Iterator[str]:
    """The API on a real uvicorn on 127.0.0.1, serving the tiny models, room for 2 big batches."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")]),
        "MODEL_DIR": str(trained / "models"),
        "SERVE_MAX_BATCH": "64",
        "SERVE_MAX_CHARS": "20000",
        "SERVE_MAX_PENDING_CHARS": str(2 * 64 * 20_000),
    }
    command = [sys.executable, "-m", "uvicorn", "{{ cookiecutter.package_name }}.api.app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    server = subprocess.Popen(command, cwd=trained, env=env, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).json()["model_loaded"]:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_many_full_batches_at_once_get_answers_or_503_and_health_stays_fast(
    uvicorn_url: str,
) -> None:
    # 200 connections of full batches kept the server busy for minutes, /health took 15 s and
    # memory grew to gigabytes. Now the excess is refused at once and /health answers at once.
    body = {"texts": ["a superb, moving film. " * 860] * 64}  # 19,780 characters each
    statuses: list[int] = []
    retry_after: list[str | None] = []

    def send() -> None:
        response = httpx.post(f"{uvicorn_url}/predict/batch", json=body, timeout=120)
        statuses.append(response.status_code)
        retry_after.append(response.headers.get("retry-after"))

    clients = [threading.Thread(target=send) for _ in range(8)]
    for client in clients:
        client.start()
    health = []
    while any(client.is_alive() for client in clients):
        started = time.perf_counter()
        assert httpx.get(f"{uvicorn_url}/health", timeout=10).status_code == 200
        health.append(time.perf_counter() - started)
        time.sleep(0.05)
    for client in clients:
        client.join()
    assert set(statuses) == {200, 503}, statuses
    assert 1 <= statuses.count(200) <= 7
    refused = [after for status, after in zip(statuses, retry_after, strict=True) if status == 503]
    assert refused == ["1"] * len(refused)
    assert health and max(health) < 2.0, health
