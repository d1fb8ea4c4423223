"""train -> evaluate -> report on the tiny project: the files, the numbers, the MLflow run."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.tracking import load_run_record
from {{ cookiecutter.package_name }}.data import prepare_data, read_split
from {{ cookiecutter.package_name }}.features import infer_schema
from {{ cookiecutter.package_name }}.predict import load_predictor
from {{ cookiecutter.package_name }}.selection import select_model

from .tiny import tiny_params, write_params

FIGURES = [
    "predicted_vs_actual",
    "residuals_vs_predicted",
    "error_by_range",
    "permutation_importance",
    "cv_comparison",
]


def results_block(path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.search(r"<!-- results:start -->(.*?)<!-- results:end -->", text, re.S).group(1)


def test_every_stage_leaves_its_outputs(trained):
    for name in [
        "data/train.csv",
        "data/test.csv",
        "models/model.joblib",
        "models/model.onnx",
        "models/feature_schema.json",
        "models/interval.json",
        "models/run.json",
        "reports/cv_results.json",
    ]:
        assert (trained / name).is_file(), name
    for name in FIGURES:
        assert (trained / f"reports/figures/{name}.png").stat().st_size > 1000, name


def test_the_metrics_are_r2_rmse_and_mae_on_the_held_out_rows(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    assert list(metrics) == ["r2", "rmse", "mae"]
    assert metrics["r2"] > 0.5  # the tiny target is mostly explained by its columns
    assert 0 < metrics["mae"] <= metrics["rmse"]


def test_the_cv_comparison_names_every_candidate_and_the_best(trained):
    cv = json.loads((trained / "reports/cv_results.json").read_text(encoding="utf-8"))
    assert set(cv["candidates"]) == {"ridge", "random_forest", "hist_gradient_boosting"}
    assert cv["scoring"] == "r2" and cv["log_target"] is False
    best = max(cv["candidates"], key=lambda name: cv["candidates"][name]["mean"])
    assert cv["best"] == best


def test_readme_and_model_card_show_exactly_the_metrics(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    for document in ("README.md", "MODEL_CARD.md"):
        block = results_block(trained / document)
        for name, value in metrics.items():
            assert f"| {name} | {value:.4f} |" in block, (document, name)
        assert "No results yet" not in block
    readme = results_block(trained / "README.md")
    for name in FIGURES:
        assert f"reports/figures/{name}.png" in readme
    assert "split-conformal" in readme and "tabular-regression" not in readme


def test_one_mlflow_run_holds_params_cv_test_metrics_figures_and_model(trained):
    from mlflow import MlflowClient

    record = load_run_record(trained / "models/run.json")
    client = MlflowClient(f"sqlite:///{trained / 'mlflow.db'}")
    run = client.get_run(record.run_id)
    assert run.data.params["train.cv_folds"] == "3"
    assert run.data.params["train.log_target"] == "False"
    assert {"cv_best_mean", "interval_half_width", "test_r2", "test_rmse"} <= set(run.data.metrics)
    artifacts = {item.path for item in client.list_artifacts(record.run_id, "figures")}
    assert "figures/predicted_vs_actual.png" in artifacts
    version = client.get_model_version("tiny-model", record.model_version)
    assert version.run_id == record.run_id


def select(project, **train):
    params = tiny_params()
    params["train"] |= train
    write_params(project, params)
    config = load_config()
    prepare_data(config)
    features, target = read_split(project / "data/train.csv", "price")
    schema = infer_schema(features, target)
    return select_model(schema.coerce(features), target, schema, config), schema, config


def test_model_selection_is_deterministic(project):
    first, _, _ = select(project)
    second, _, _ = select(project)
    assert first.summary() == second.summary()
    assert first.interval == second.interval


def test_the_log_target_option_fits_on_the_log_scale_and_answers_in_the_target_units(project):
    selection, schema, _ = select(project, log_target=True)
    assert type(selection.model[-1]).__name__ == "TransformedTargetRegressor"
    assert selection.summary()["log_target"] and selection.interval.log_scale
    features, target = read_split(project / "data/test.csv", "price")
    predicted = selection.model.predict(schema.coerce(features))
    assert abs(np.median(predicted) - target.median()) < target.std()  # units, not log units
    low, high = selection.interval.bounds(np.array([100.0, 400.0]))
    assert high[1] - low[1] > high[0] - low[0]  # relative errors: wider for larger predictions


def test_a_log_target_below_minus_one_stops_with_the_reason(project):
    from {{ cookiecutter.package_name }}.core.errors import DataError

    with pytest.raises(DataError, match="train.log_target: true needs a target above -1"):
        params = tiny_params()
        params["train"] |= {"log_target": True}
        write_params(project, params)
        config = load_config()
        prepare_data(config)
        features, target = read_split(project / "data/train.csv", "price")
        schema = infer_schema(features, target)
        select_model(schema.coerce(features), target - 1000, schema, config)


def test_the_served_answer_carries_the_saved_interval(trained):
    predictor = load_predictor(trained / "models")
    answer = predictor.predict([predictor.schema.example])[0]
    interval = answer["interval"]
    assert interval["low"] < answer["prediction"] < interval["high"]
    assert interval["level"] == 0.9
    half = json.loads((trained / "models/interval.json").read_text())["half_width"]
    assert interval["high"] - answer["prediction"] == pytest.approx(half)
