"""tabular-regressor for real: one generated project, its pipeline, its numbers against its
baselines, its run in MLflow, its own tests once trained, and its API under uvicorn."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.slow.harness import Trained, served

STAGES = ["data", "train", "evaluate", "report"]
METRICS = ["r2", "rmse", "mae"]
FIGURES = [
    "predicted_vs_actual",
    "residuals_vs_predicted",
    "error_by_range",
    "permutation_importance",
    "cv_comparison",
]


@pytest.fixture(scope="module")
def trained(regressor_trained: Trained) -> Trained:
    return regressor_trained


def test_dvc_repro_runs_every_stage(trained):
    for stage in STAGES:
        assert f"Running stage '{stage}'" in trained.output, stage
    lock = (trained.project.path / "dvc.lock").read_text(encoding="utf-8")
    for stage in STAGES:
        assert f"\n  {stage}:\n" in lock, stage
    print(f"tabular-regressor: default `dvc repro` took {trained.seconds:.1f} s")


def test_the_model_beats_both_baselines_on_the_diabetes_data(trained):
    # Published figures for this table: about 0.45-0.50 held-out R² for linear models.
    metrics = trained.project.metrics()
    assert list(metrics) == METRICS
    assert metrics["r2"] >= 0.35, metrics
    evaluation = trained.project.metrics("reports/evaluation.json")
    low, high = evaluation["headline"]["interval"]
    assert low < metrics["r2"] < high
    baselines = {item["name"]: item["metrics"] for item in evaluation["baselines"]}
    assert baselines["training mean"]["r2"] < 0.02
    assert baselines["best single feature"]["r2"] < metrics["r2"]
    assert "warning:" not in trained.output  # no leak, no shared rows, no strong skew


def test_the_readme_leads_with_r2_its_interval_and_the_baselines(trained):
    metrics = trained.project.metrics()
    readme = trained.project.results_block("README.md")
    first = readme.strip().splitlines()[0]
    assert first.startswith(f"**{metrics['r2']:.3f} R²**") and "training mean" in first
    assert "best single feature" in first
    for document in ("README.md", "MODEL_CARD.md"):
        block = trained.project.results_block(document)
        for name in METRICS:
            assert f"| {name} | {metrics[name]:.4f} |" in block, (document, name)
    for figure in FIGURES:
        assert f"reports/figures/{figure}.png" in readme, figure
    assert "paired bootstrap" in readme and "split-conformal" in readme


def test_mlflow_db_holds_the_run_and_the_registered_model(trained):
    from mlflow import MlflowClient

    path = trained.project.path
    record = json.loads((path / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{path / 'mlflow.db'}")
    run = client.get_run(record["run_id"])
    metrics = trained.project.metrics()
    for name in METRICS:
        assert run.data.metrics[f"test_{name}"] == pytest.approx(metrics[name])
    (version,) = client.search_model_versions(f"name='{path.name}'")
    assert version.run_id == record["run_id"]


def test_a_second_repro_with_nothing_changed_does_nothing(trained):
    again = trained.project.dvc("repro")
    assert "Running stage" not in again.stdout
    status = trained.project.dvc("status")
    assert "Data and pipelines are up to date." in status.stdout


def test_its_own_tests_pass_on_the_trained_project(trained):
    result = trained.project.python("-m", "pytest", "-q", "-p", "no:cacheprovider", timeout=600)
    assert " passed" in result.stdout and " failed" not in result.stdout
    # The one test allowed to skip: root ignores read-only folders (CI runs as root).
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert all("root writes into read-only folders" in line for line in skipped), skipped


def test_a_real_server_answers_health_predict_with_an_interval_and_422(trained):
    project = trained.project
    schema = json.loads((project.path / "models/feature_schema.json").read_text(encoding="utf-8"))
    row = schema["example"]
    with served(project) as url:
        assert httpx.get(f"{url}/health").json() == {"status": "ok", "model_loaded": True}
        answer = httpx.post(f"{url}/predict", json=row)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["interval"]["low"] < body["prediction"] < body["interval"]["high"]
        assert body["interval"]["level"] == 0.9
        batch = httpx.post(f"{url}/predict/batch", json={"records": [row, row]})
        assert batch.status_code == 200
        assert [item["prediction"] for item in batch.json()["predictions"]] == [
            pytest.approx(body["prediction"])
        ] * 2
        info = httpx.get(f"{url}/model-info").json()
        assert info["runtime"] == "onnx" and info["target"] == "progression"
        wrong_type = httpx.post(f"{url}/predict", json=row | {"bmi": "heavy"})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["detail"][0]["loc"] == ["body", "bmi"]
        missing = httpx.post(f"{url}/predict", json={"bmi": 25.0})
        assert missing.status_code == 422 and "Field required" in missing.text
