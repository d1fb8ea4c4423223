"""clustering for real: one generated project, its pipeline, its numbers against the random
baseline, its run in MLflow, DVC's bookkeeping, its API under uvicorn, HDBSCAN served natively."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.slow.harness import Trained, served

STAGES = ["data", "train", "evaluate", "report"]
METRICS = ["silhouette", "davies_bouldin", "calinski_harabasz", "label_ari", "stability_ari"]
FIGURES = ["embedding", "criteria", "cluster_profiles", "cluster_sizes"]


@pytest.fixture(scope="module")
def trained(clustering_trained: Trained) -> Trained:
    return clustering_trained


def test_dvc_repro_runs_every_stage(trained):
    for stage in STAGES:
        assert f"Running stage '{stage}'" in trained.output, stage
    again = trained.project.dvc("repro")
    assert "Running stage" not in again.stdout


def test_the_wine_clusters_beat_random_ones_and_match_the_cultivars(trained):
    # Measured: k-means with k = 3, held-out silhouette 0.337 against -0.054 for random clusters
    # of the same sizes, adjusted Rand index 0.92 with the cultivar (never used to fit).
    metrics = trained.project.metrics()
    assert list(metrics) == METRICS
    evaluation = json.loads(
        (trained.project.path / "reports/evaluation.json").read_text(encoding="utf-8")
    )
    baseline = evaluation["baselines"][0]["metrics"]["silhouette"]
    assert metrics["silhouette"] >= 0.25 and baseline <= 0.05
    assert metrics["label_ari"] >= 0.8
    assert metrics["stability_ari"] >= 0.8
    summary = json.loads(
        (trained.project.path / "reports/selection.json").read_text(encoding="utf-8")
    )
    assert summary["best"] == "kmeans" and summary["families"]["kmeans"]["setting"] == 3


def test_the_readme_leads_with_the_silhouette_and_its_baseline(trained):
    block = trained.project.results_block("README.md")
    metrics = trained.project.metrics()
    first = block.strip().splitlines()[0]
    assert first.startswith(f"**{metrics['silhouette']:.3f} silhouette** [")
    assert "random, same sizes" in first
    for name in METRICS:
        assert f"| {name} | {metrics[name]:.4f} |" in block, name
    for figure in FIGURES:
        assert f"reports/figures/{figure}.png" in block, figure
    assert "External check only (`cultivar` was never used to fit)" in block
    assert "Cluster 0 (" in block and " sd)" in block  # each cluster described by its features


def test_mlflow_holds_the_run_and_the_registered_model(trained):
    from mlflow import MlflowClient

    path = trained.project.path
    record = json.loads((path / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{path / 'mlflow.db'}")
    run = client.get_run(record["run_id"])
    assert run.data.metrics["test_silhouette"] == pytest.approx(
        trained.project.metrics()["silhouette"]
    )
    assert run.data.params["model"] == "kmeans"
    (version,) = client.search_model_versions(f"name='{path.name}'")
    assert version.run_id == record["run_id"]


def test_its_data_dependent_tests_pass_once_trained(trained):
    result = trained.project.python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_project_data.py", check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "3 passed" in result.stdout


def test_a_real_server_answers_cluster_distance_and_anomaly_score(trained):
    project = trained.project
    row = json.loads((project.path / "models/example.json").read_text(encoding="utf-8"))
    with served(project) as url:
        info = httpx.get(f"{url}/model-info").json()
        assert info["runtime"] == "onnx" and info["onnx"] == "exported"
        answer = httpx.post(f"{url}/predict", json=row)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"cluster", "distance", "anomaly_score"}
        assert body["cluster"] in info["clusters"] and body["distance"] >= 0
        wrong = httpx.post(f"{url}/predict", json=row | {"alcohol": "strong"})
        assert wrong.status_code == 422
        assert wrong.json()["detail"][0]["loc"] == ["body", "alcohol"]


def test_hdbscan_alone_is_served_natively_and_says_why(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    project.set_params(train={"models": ["hdbscan"]})
    project.dvc("repro")
    models = project.path / "models"
    assert not (models / "model.onnx").exists()
    row = json.loads((models / "example.json").read_text(encoding="utf-8"))
    with served(project) as url:
        info = httpx.get(f"{url}/model-info").json()
        assert info["runtime"] == "native" and info["estimator"] == "HDBSCAN"
        assert info["onnx"].startswith("not exported: HDBSCAN has no step")
        answer = httpx.post(f"{url}/predict", json=row)
        assert answer.status_code == 200, answer.text
        assert set(answer.json()) == {"cluster", "distance", "anomaly_score"}
