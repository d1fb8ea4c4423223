"""The exported model: every candidate family converts and answers like scikit-learn (also on
the log scale), the API serves it by default without the training stack, and
`serve.runtime: native` switches back."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.api.app import app
from {{ cookiecutter.package_name }}.candidates import CANDIDATES, on_log_scale
from {{ cookiecutter.package_name }}.config import PreprocessConfig
from {{ cookiecutter.package_name }}.core.errors import ExportError
from {{ cookiecutter.package_name }}.core.onnx_export import (
    PARITY_RTOL,
    check_export,
    check_predictions,
    export_onnx,
)
from {{ cookiecutter.package_name }}.core.records import example_request
from {{ cookiecutter.package_name }}.features import infer_schema
from {{ cookiecutter.package_name }}.predict import load_predictor
from {{ cookiecutter.package_name }}.preprocessing import build_preprocessor

from .serving_stack import post_without_training_stack
from .tiny import tiny_table


def fitted(name: str, *, log_target: bool = False, rows: int = 60, max_categories: int = 20):
    frame = tiny_table(rows)
    target = frame.pop("price")
    schema = infer_schema(frame, target)
    preprocess = build_preprocessor(schema, PreprocessConfig(max_categories=max_categories))
    estimator = CANDIDATES[name](0)
    if log_target:
        estimator = on_log_scale(estimator)
    model = Pipeline([("preprocess", preprocess), ("model", estimator)])
    model.fit(schema.coerce(frame), target)
    return model, schema, frame


# Gradient boosting converts tree by tree: the slowest family, so it runs in the slow tier.
FAMILIES = [
    pytest.param(name, marks=pytest.mark.slow) if name == "hist_gradient_boosting" else name
    for name in sorted(CANDIDATES)
]


@pytest.mark.parametrize("log_target", [False, True], ids=["target", "log-target"])
@pytest.mark.parametrize("name", FAMILIES)
def test_every_candidate_family_exports_with_the_same_predictions(tmp_path, name, log_target):
    model, schema, frame = fitted(name, log_target=log_target)
    held_out = tiny_table(20, seed=1).drop(columns="price")
    held_out.loc[0, "town"] = "Atlantis"  # a category training never saw
    held_out.loc[1, ["town", "area_m2"]] = np.nan
    export_onnx(model, schema, tmp_path / "model.onnx")
    assert check_export(model, schema, tmp_path / "model.onnx", held_out) <= PARITY_RTOL


def test_rare_categories_grouped_by_the_encoder_export_too(tmp_path):
    # max_categories=2 leaves one town of three in scikit-learn's "infrequent" group.
    model, schema, frame = fitted("ridge", max_categories=2)
    assert model[0].named_transformers_["categories"][-1].infrequent_categories_[0] is not None
    held_out = frame.copy()
    held_out.loc[::3, "town"] = "Atlantis"
    export_onnx(model, schema, tmp_path / "model.onnx")
    assert check_export(model, schema, tmp_path / "model.onnx", held_out) <= PARITY_RTOL


def test_an_export_that_answers_differently_fails_the_check(tmp_path):
    model, schema, frame = fitted("ridge")
    other, _, _ = fitted("random_forest")
    export_onnx(other, schema, tmp_path / "model.onnx")
    with pytest.raises(ExportError, match="differ from the trained model's"):
        check_export(model, schema, tmp_path / "model.onnx", frame)


def test_parity_allows_float32_rounding_but_not_another_answer():
    native = np.array([120.0, 0.5, 3e5])
    assert check_predictions(native, native.astype(np.float32), what="t") < PARITY_RTOL
    with pytest.raises(ExportError, match="differ"):
        check_predictions(native, native + [0, 0, 10.0], what="t")


def test_training_writes_the_onnx_model_beside_the_native_one(trained):
    models = trained / "models"
    assert (models / "model.onnx").is_file() and (models / "model.joblib").is_file()


def test_both_runtimes_give_the_same_answers_to_records(trained):
    onnx_model = load_predictor(trained / "models", runtime="onnx")
    native = load_predictor(trained / "models", runtime="native")
    records = [
        onnx_model.schema.example,
        {name: None for name in onnx_model.schema.names},
        onnx_model.schema.example | {"town": "Atlantis"},
    ]
    for one, other in zip(onnx_model.predict(records), native.predict(records), strict=True):
        assert one["prediction"] == pytest.approx(other["prediction"], rel=PARITY_RTOL)
        assert one["interval"]["low"] == pytest.approx(other["interval"]["low"], rel=1e-4)
    # One record takes its own path: the same answer as within a batch.
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
            answers[runtime] = client.post("/predict", json=example).json()
        finally:
            client.__exit__(None, None, None)
    assert answers["onnx"]["prediction"] == pytest.approx(
        answers["native"]["prediction"], rel=PARITY_RTOL
    )


def test_the_onnx_api_answers_without_the_training_stack(trained, tmp_path):
    # Only what the Docker image holds: models/ and params.yaml, no reports/.
    shutil.copytree(trained / "models", tmp_path / "models")
    shutil.copy(trained / "params.yaml", tmp_path / "params.yaml")
    example = example_request(load_predictor(trained / "models").schema)  # JSON booleans
    codes, answers, loaded = post_without_training_stack(
        tmp_path, [("/predict", example), ("/predict/batch", {"records": [example] * 2})]
    )
    assert (codes, loaded) == ([200, 200], [])
    assert answers[0]["interval"]["low"] < answers[0]["prediction"]
