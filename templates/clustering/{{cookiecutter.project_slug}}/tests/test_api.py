"""The API: typed requests built from the feature schema, 422 for bad ones, 503 before training.

Each answer is a cluster, its distance or probability, and an anomaly score.

Every refusal is a 4xx with a short JSON reason: no echo of the input, no 500 for NaN, Infinity,
numbers beyond a float's range or the scaler's, lone surrogates or bodies that are not UTF-8,
and a body over the size limit is refused before it is parsed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.api.deps import Predictor
from {{ cookiecutter.package_name }}.predict import load_predictor
from {{ cookiecutter.package_name }}.reporting.example_files import load_request

MAX_BATCH = 2  # set through the environment, over params.yaml's serve.max_batch (3 in the tiny one)


@pytest.fixture(scope="module")
def predictor(trained):
    return load_predictor(trained / "models")


def serve(directory: Path, **environment: str) -> TestClient:
    """The real app, started in `directory` with these environment variables."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        for name, value in environment.items():
            patch.setenv(name, value)
        client = TestClient(app)
        client.__enter__()  # the lifespan reads the settings and the model now
    return client


@pytest.fixture
def client(trained) -> Iterator[TestClient]:
    """A fresh start per test: one app object serves every test, each with its own settings."""
    served = serve(trained, MODEL_DIR=str(trained / "models"), SERVE_MAX_BATCH=str(MAX_BATCH))
    yield served
    served.__exit__(None, None, None)


@pytest.fixture
def row(trained):
    """The example request training saved: a real row, as JSON (booleans as booleans)."""
    return load_request(trained / "models")


def post_raw(client: TestClient, body: bytes, path: str = "/predict", **headers: str):
    return client.post(path, content=body, headers={"Content-Type": "application/json", **headers})


def test_one_record_gets_its_cluster_distance_and_anomaly_score(client, row, predictor):
    response = client.post("/predict", json=row)
    assert response.status_code == 200
    body = response.json()
    assert body["cluster"] in predictor.clusters
    if predictor.estimator == "KMeans":
        assert set(body) == {"cluster", "distance", "anomaly_score"} and body["distance"] >= 0
    else:
        assert set(body) == {"cluster", "probability", "anomaly_score"}
        assert 0 <= body["probability"] <= 1
    assert math.isfinite(body["anomaly_score"])
    native = predictor.predict([row])[0]  # the scikit-learn model; the API serves ONNX
    assert body["anomaly_score"] == pytest.approx(native["anomaly_score"], abs=1e-4)


def test_the_predictor_meets_the_api_protocol(predictor):
    assert isinstance(predictor, Predictor)


def test_null_means_unknown_and_unseen_categories_are_accepted(client, row):
    row |= {"spend": None, "channel": "phone"}
    assert client.post("/predict", json=row).status_code == 200


def test_a_batch_keeps_the_order(client, row, predictor):
    other = row | {"spend": 120.0}
    response = client.post("/predict/batch", json={"records": [row, other]})
    assert response.status_code == 200
    for record, prediction in zip((row, other), response.json()["predictions"], strict=True):
        single = client.post("/predict", json=record).json()
        assert prediction["cluster"] == single["cluster"]
        assert prediction["anomaly_score"] == pytest.approx(single["anomaly_score"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"spend": "long"}, "Input should be a valid number"),
        ({"spend": True}, "Input should be a valid number"),
        ({"channel": 3}, "Input should be a valid string"),
        ({"member": "True"}, "Input should be a valid boolean"),
        ({"member": 1}, "Input should be a valid boolean"),
        ({"height": 1.0}, "Extra inputs are not permitted"),
        # Beyond the bound, the scaler overflows to infinity (a 500 without the bound).
        ({"visits": 1e308}, "less than or equal to 1000000000000"),
        ({"visits": -1e13}, "greater than or equal to -1000000000000"),
    ],
    ids=[
        "text for a number",
        "boolean",
        "number for text",
        "text for a boolean",
        "number for a boolean",
        "unknown field",
        "huge",
        "-huge",
    ],
)
def test_a_malformed_record_gets_422_with_the_reason(client, row, change, reason):
    response = client.post("/predict", json=row | change)
    assert response.status_code == 422
    assert reason in response.text
    assert "input" not in response.json()["detail"][0]  # never echoed


@pytest.mark.parametrize("value", [True, False, None])
def test_a_boolean_column_takes_json_booleans_as_trained(client, row, trained, value):
    # A column read from CSV as True/False used to have to be sent as the text "True".
    response = client.post("/predict", json=row | {"member": value})
    assert response.status_code == 200
    served = load_predictor(trained / "models", runtime="onnx")  # what the API serves
    text = {True: "True", False: "False", None: None}[value]
    assert response.json() == served.predict([row | {"member": text}])[0]


def test_the_largest_accepted_number_still_gets_a_finite_answer(client, row):
    response = client.post("/predict", json=row | {"visits": 1e12, "spend": -1e12})
    assert response.status_code == 200
    assert math.isfinite(response.json()["anomaly_score"])


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" * 400])
def test_a_non_finite_or_out_of_range_number_gets_422_not_500(client, row, token):
    # Python reads these as nan/inf and the 422 that echoed them failed to encode.
    body = '{"spend": ' + token + ', "visits": 15.0, "channel": "web"}'
    response = post_raw(client, body.encode())
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize("where", ["value", "key"])
def test_a_lone_surrogate_gets_422_not_500(client, where):
    # "\ud800" is not valid Unicode: a 422 that echoed it would fail to encode.
    body = '{"channel": "\\ud800"}' if where == "value" else '{"\\udfff": 1}'
    response = post_raw(client, body.encode())
    assert response.status_code == 422
    assert "lone UTF-16 surrogate" in response.json()["detail"][0]["msg"]


def test_a_body_that_is_not_utf8_gets_a_documented_422(client):
    # Not an undocumented 400: the schema's own 422.
    response = post_raw(client, '{"channel": "wëb"}'.encode("latin-1"))
    assert response.status_code == 422
    assert "not valid UTF-8" in response.json()["detail"][0]["msg"]


def test_a_refusal_never_echoes_a_huge_input(client, row):
    response = client.post("/predict", json=row | {"spend": "x" * 500_000, "y" * 1000: 1})
    assert response.status_code == 422
    assert len(response.content) < 3_000


@pytest.mark.parametrize("size", [0, MAX_BATCH + 1])
def test_an_empty_or_oversized_batch_gets_422(client, row, size):
    response = client.post("/predict/batch", json={"records": [row] * size})
    assert response.status_code == 422
    assert "records" in response.json()["detail"][0]["loc"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_before_it_is_parsed(trained, row, chunked):
    # Parsing 100,000 records before the 422 would take seconds and hundreds of MB.
    served = serve(trained, MODEL_DIR=str(trained / "models"), SERVE_MAX_BODY_BYTES="5000")
    body = b'{"records": [' + b",".join([b"{}"] * 10_000) + b"]}"
    content = iter([body[:4000], body[4000:]]) if chunked else body
    try:
        response = served.post(
            "/predict/batch", content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert "5,000 bytes" in response.json()["detail"]
        assert served.post("/predict", json=row).status_code == 200  # small bodies still pass
    finally:
        served.__exit__(None, None, None)


def test_the_openapi_docs_show_the_real_fields_limits_and_refusals(client, predictor, row):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    record = schemas["Record"]
    assert list(record["properties"]) == predictor.schema.names
    assert record["examples"] == [row]
    assert record["properties"]["member"]["anyOf"][0] == {"type": "boolean"}
    assert record["additionalProperties"] is False
    number = record["properties"]["spend"]["anyOf"][0]
    assert number == {"type": "number", "minimum": -1e12, "maximum": 1e12}
    assert schemas["Prediction"]["properties"]["cluster"]["enum"] == predictor.clusters
    assert schemas["BatchRequest"]["properties"]["records"]["maxItems"] == MAX_BATCH
    for path in ("/predict", "/predict/batch"):
        assert set(spec["paths"][path]["post"]["responses"]) == {"200", "413", "422", "503"}


def test_the_documented_example_is_the_live_answer(client, row):
    operation = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    documented = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert documented == client.post("/predict", json=row).json()


def test_the_app_reports_health_model_info_and_its_limits(trained, client):
    assert client.get("/health").json() == {"status": "ok", "model_loaded": True}
    info = client.get("/model-info").json()
    assert info["clusters"] == [0, 1, 2]  # the three tiny groups
    assert info["onnx"] == "exported"
    assert set(info["test_metrics"]) >= {"silhouette", "stability_ari", "label_ari"}
    assert info["serving"]["max_batch"] == MAX_BATCH


def test_a_broken_train_section_does_not_stop_the_server(trained, tmp_path):
    # The API reads only the serve section, so a pipeline mistake cannot stop it.
    (tmp_path / "params.yaml").write_text("train: {k: many}\nserve: {max_batch: 7}\n")
    served = serve(tmp_path, MODEL_DIR=str(trained / "models"))
    try:
        assert served.get("/model-info").json()["serving"]["max_batch"] == 7
    finally:
        served.__exit__(None, None, None)


def test_a_bad_serve_key_stops_the_start_with_its_name(tmp_path):
    (tmp_path / "params.yaml").write_text("serve: {max_batch: 0}\n")
    with pytest.raises(Exception, match=r"serve\.max_batch: Input should be greater than"):
        serve(tmp_path, MODEL_DIR=str(tmp_path))


def test_without_a_model_predict_answers_503_saying_how_to_train(tmp_path):
    served = serve(tmp_path, MODEL_DIR=str(tmp_path))
    try:
        assert served.get("/health").json()["model_loaded"] is False
        response = served.post("/predict", json={})
    finally:
        served.__exit__(None, None, None)
    assert response.status_code == 503
    assert "dvc repro" in response.json()["detail"]
