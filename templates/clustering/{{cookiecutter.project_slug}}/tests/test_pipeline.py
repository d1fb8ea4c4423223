"""train -> evaluate -> report on the tiny project: the files, the numbers, the MLflow run."""

from __future__ import annotations

import json
import re

from {{ cookiecutter.package_name }}.core.tracking import load_run_record

FIGURES = ["embedding", "criteria", "cluster_profiles", "cluster_sizes"]
METRICS = ["silhouette", "davies_bouldin", "calinski_harabasz", "label_ari", "stability_ari"]


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
        "models/run.json",
        "reports/selection.json",
        "reports/evaluation.json",
    ]:
        assert (trained / name).is_file(), name
    for name in FIGURES:
        assert (trained / f"reports/figures/{name}.png").stat().st_size > 1000, name


def test_the_three_groups_are_found_and_beat_random_clusters(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    assert list(metrics) == METRICS
    assert metrics["label_ari"] > 0.9  # the tiny groups are well apart
    evaluation = json.loads((trained / "reports/evaluation.json").read_text(encoding="utf-8"))
    headline = evaluation["headline"]
    low, high = headline["interval"]
    assert low <= headline["value"] <= high
    baseline = evaluation["baselines"][0]
    assert baseline["name"] == "random, same sizes"
    assert baseline["metrics"]["silhouette"] < headline["value"] - 0.3
    assert abs(baseline["metrics"]["label_ari"]) < 0.3


def test_the_findings_describe_each_cluster_and_call_the_label_an_external_check(trained):
    evaluation = json.loads((trained / "reports/evaluation.json").read_text(encoding="utf-8"))
    findings = evaluation["findings"]
    described = [line for line in findings if re.match(r"Cluster \d+ \(\d+ rows", line)]
    assert len(described) == 3
    assert any("`spend`" in line for line in described)
    assert any(line.startswith("External check only (`group` was never used") for line in findings)
    assert any("isolation forest flags" in line for line in findings)


def test_the_selection_names_each_familys_choice_and_the_best(trained):
    summary = json.loads((trained / "reports/selection.json").read_text(encoding="utf-8"))
    assert set(summary["families"]) == {"kmeans", "gaussian_mixture", "hdbscan"}
    assert summary["families"]["kmeans"]["setting"] == 3
    best = max(summary["families"], key=lambda name: summary["families"][name]["silhouette"] or -1)
    assert summary["best"] == best


def test_readme_and_model_card_show_exactly_the_metrics(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    for document in ("README.md", "MODEL_CARD.md"):
        block = results_block(trained / document)
        assert "silhouette**" in block and "random, same sizes" in block, document
        for name, value in metrics.items():
            assert f"| {name} | {value:.4f} |" in block, (document, name)
    readme = results_block(trained / "README.md")
    for name in FIGURES:
        assert f"reports/figures/{name}.png" in readme


def test_one_mlflow_run_holds_params_scores_figures_and_the_registered_model(trained):
    from mlflow import MlflowClient

    record = load_run_record(trained / "models/run.json")
    client = MlflowClient(f"sqlite:///{trained / 'mlflow.db'}")
    run = client.get_run(record.run_id)
    assert run.data.params["train.k"] == "2-4"
    assert {"train_kmeans_silhouette", "test_silhouette"} <= set(run.data.metrics)
    artifacts = {item.path for item in client.list_artifacts(record.run_id, "figures")}
    assert "figures/embedding.png" in artifacts
    version = client.get_model_version("tiny-model", record.model_version)
    assert version.run_id == record.run_id
