"""The exported model: k-means and the mixture convert and answer like scikit-learn, HDBSCAN is
served natively with the reason, the API serves ONNX by default without the training stack."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.candidates import ClusterModel, build, fit_anomaly, neighbours_of
from {{ cookiecutter.package_name }}.config import PreprocessConfig, load_config
from {{ cookiecutter.package_name }}.core.errors import ExportError
from {{ cookiecutter.package_name }}.core.onnx_export import check_export, export_onnx, not_exportable
from {{ cookiecutter.package_name }}.core.onnx_model import PARITY_ATOL
from {{ cookiecutter.package_name }}.core.records import example_request
from {{ cookiecutter.package_name }}.features import infer_schema
from {{ cookiecutter.package_name }}.predict import load_predictor
from {{ cookiecutter.package_name }}.preprocessing import build_preprocessor

from .serving_stack import post_without_training_stack
from .tiny import tiny_table


def fitted(family: str, project, *, anomaly: bool = True, max_categories: int = 20):
    frame = tiny_table().drop(columns="group")
    schema = infer_schema(frame)
    preprocess = build_preprocessor(schema, PreprocessConfig(max_categories=max_categories))
    matrix = preprocess.fit_transform(schema.coerce(frame))
    setting = 5 if family == "hdbscan" else 3
    clusterer = build(family, setting, 0, load_config().train)
    labels = clusterer.fit_predict(matrix)
    model = ClusterModel(
        family, setting, preprocess, clusterer, fit_anomaly(matrix, 20, 0) if anomaly else None
    )
    if family == "hdbscan":
        model.neighbours, model.neighbour_labels = neighbours_of(matrix, labels)
    return model, schema, frame


def held_out_rows():
    rows = tiny_table(6, seed=1).drop(columns="group")
    rows.loc[0, "channel"] = "phone"  # a category training never saw
    rows.loc[1, ["channel", "visits"]] = np.nan
    return rows


@pytest.mark.parametrize("family", ["kmeans", "gaussian_mixture"])
@pytest.mark.parametrize("anomaly", [True, False], ids=["with-anomaly", "without"])
def test_each_converting_family_exports_with_the_same_answers(project, tmp_path, family, anomaly):
    model, schema, _ = fitted(family, project, anomaly=anomaly)
    export_onnx(model, schema, tmp_path / "model.onnx")
    assert check_export(model, schema, tmp_path / "model.onnx", held_out_rows()) <= 1e-4


def test_rare_categories_grouped_by_the_encoder_export_too(project, tmp_path):
    model, schema, frame = fitted("kmeans", project, max_categories=2)
    rows = frame.copy()
    rows.loc[::3, "channel"] = "phone"
    export_onnx(model, schema, tmp_path / "model.onnx")
    assert check_export(model, schema, tmp_path / "model.onnx", rows) <= 1e-4


def test_an_export_that_answers_differently_fails_the_check(project, tmp_path):
    model, schema, frame = fitted("kmeans", project)
    other = fitted("kmeans", project)[0]
    other.clusterer.cluster_centers_ = other.clusterer.cluster_centers_ + 0.5
    export_onnx(other, schema, tmp_path / "model.onnx")
    with pytest.raises(ExportError, match="differ"):
        check_export(model, schema, tmp_path / "model.onnx", frame)


def test_hdbscan_says_why_it_has_no_export_and_is_served_natively(project, tmp_path):
    model, schema, frame = fitted("hdbscan", project)
    assert "skl2onnx has no converter" in not_exportable(model)
    answer = model.assign(model.transform(schema.coerce(frame.head(3))))
    assert answer["probability"] is None and (answer["distance"] >= 0).all()


def test_both_runtimes_give_the_same_answers_to_records(trained):
    onnx_model = load_predictor(trained / "models", runtime="onnx")
    native = load_predictor(trained / "models", runtime="native")
    assert onnx_model.runtime == "onnx" and native.runtime == "native"
    records = [
        onnx_model.schema.example,
        {name: None for name in onnx_model.schema.names},
        onnx_model.schema.example | {"channel": "phone"},
    ]
    for one, other in zip(onnx_model.predict(records), native.predict(records), strict=True):
        assert one["cluster"] == other["cluster"]
        assert set(one) == set(other)
        for key in set(one) - {"cluster"}:
            tolerance = 1e-4 if key == "anomaly_score" else PARITY_ATOL  # float32 trees
            assert one[key] == pytest.approx(other[key], abs=tolerance), key
    assert onnx_model.predict(records[:1])[0] == onnx_model.predict(records)[0]


def start(directory, **environment):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(directory)
        for name, value in environment.items():
            patch.setenv(name, value)
        client = TestClient(app)
        client.__enter__()
    return client


def test_the_api_serves_onnx_by_default_and_native_on_request(trained):
    example = example_request(load_predictor(trained / "models").schema)  # JSON booleans
    answers = {}
    for runtime in ("onnx", "native"):
        client = start(trained, SERVE_RUNTIME=runtime)
        try:
            info = client.get("/model-info").json()
            assert info["runtime"] == info["serving"]["runtime"] == runtime
            assert info["onnx"] == "exported"
            answers[runtime] = client.post("/predict", json=example).json()
        finally:
            client.__exit__(None, None, None)
    assert answers["onnx"]["cluster"] == answers["native"]["cluster"]


def test_the_onnx_api_answers_without_the_training_stack(trained, tmp_path):
    # Only what the Docker image holds: models/ and params.yaml, no reports/.
    shutil.copytree(trained / "models", tmp_path / "models")
    shutil.copy(trained / "params.yaml", tmp_path / "params.yaml")
    example = example_request(load_predictor(trained / "models").schema)  # JSON booleans
    codes, answers, loaded = post_without_training_stack(
        tmp_path, [("/predict", example), ("/predict/batch", {"records": [example] * 2})]
    )
    assert (codes, loaded) == ([200, 200], [])
    assert answers[0]["cluster"] in load_predictor(trained / "models").clusters
