"""tabular-classifier for real: one generated project, its pipeline, its numbers, its run in MLflow,
DVC's bookkeeping, its API under uvicorn, and a learner's own CSV."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.slow.harness import Project, Trained, served

TEMPLATE = "tabular-classifier"
STAGES = ["data", "train", "evaluate", "report"]
METRICS = ["accuracy", "precision", "recall", "f1", "roc_auc"]
FIGURES = [
    "confusion_matrix",
    "roc_curve",
    "precision_recall_curve",
    "permutation_importance",
    "cv_comparison",
]


@pytest.fixture(scope="module")
def trained(tabular_trained: Trained) -> Trained:
    return tabular_trained


def edit_params(project: Project, old: str, new: str) -> None:
    """Change params.yaml the way a learner does: one line, in the text."""
    params = project.path / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert old in text, f"params.yaml has no line {old!r}"
    params.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_dvc_repro_runs_every_stage(trained):
    for stage in STAGES:
        assert f"Running stage '{stage}'" in trained.output, stage
    lock = (trained.project.path / "dvc.lock").read_text(encoding="utf-8")
    for stage in STAGES:
        assert f"\n  {stage}:\n" in lock, stage


def test_the_held_out_scores_reach_the_bar(trained):
    metrics = trained.project.metrics()
    assert list(metrics) == METRICS
    assert metrics["accuracy"] >= 0.95
    assert metrics["roc_auc"] >= 0.98


def test_readme_and_model_card_show_exactly_the_numbers_of_metrics_json(trained):
    metrics = trained.project.metrics()
    for document in ("README.md", "MODEL_CARD.md"):
        block = trained.project.results_block(document)
        for name in METRICS:
            assert f"| {name} | {metrics[name]:.4f} |" in block, (document, name)
    readme = trained.project.results_block("README.md")
    for figure in FIGURES:
        assert f"reports/figures/{figure}.png" in readme, figure
        assert (trained.project.path / f"reports/figures/{figure}.png").is_file(), figure


def test_mlflow_db_holds_the_run_and_the_registered_model(trained):
    from mlflow import MlflowClient

    path = trained.project.path
    record = json.loads((path / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{path / 'mlflow.db'}")
    run = client.get_run(record["run_id"])
    metrics = trained.project.metrics()
    for name in METRICS:
        assert run.data.metrics[f"test_{name}"] == pytest.approx(metrics[name])
    assert run.data.params["model"] == "logistic_regression"
    assert "cv_best_mean" in run.data.metrics
    figures = {item.path for item in client.list_artifacts(record["run_id"], "figures")}
    assert "figures/roc_curve.png" in figures
    (version,) = client.search_model_versions(f"name='{trained.project.path.name}'")
    assert version.run_id == record["run_id"]


def test_a_second_repro_with_nothing_changed_does_nothing(trained):
    again = trained.project.dvc("repro")
    assert "Running stage" not in again.stdout
    for stage in STAGES:
        assert f"Stage '{stage}' didn't change, skipping" in again.stdout, stage
    status = trained.project.dvc("status")
    assert "Data and pipelines are up to date." in status.stdout


def model_files(project: Project) -> dict[str, bytes]:
    """The files in models/ (hidden scratch folders aside), by name."""
    models = project.path / "models"
    return {path.name: path.read_bytes() for path in models.iterdir() if path.is_file()}


def running_in_session(session: int, command: str) -> bool:
    """Whether a process of this session runs `command` (Linux: read from /proc)."""
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or os.getsid(int(entry.name)) != session:
                continue
            if command in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def test_a_train_stage_failing_under_dvc_repro_keeps_the_previous_model(trained, tmp_path):
    """DVC removes a stage's outputs before running it, unless they persist: an unreachable
    tracking server, then a SIGKILL mid-training, must both leave models/ as it was."""
    project = trained.project.copy_to(tmp_path)
    before = model_files(project)
    assert {"model.joblib", "model.onnx", "feature_schema.json", "run.json"} <= set(before)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]  # nothing listens once the socket is closed
    unreachable = {"MLFLOW_TRACKING_URI": f"http://127.0.0.1:{closed}"}
    failed = project.dvc("repro", "--force", "--single-item", "train", check=False, env=unreachable)
    assert failed.returncode != 0
    assert "error: cannot reach the MLflow tracking server" in failed.stdout + failed.stderr
    assert model_files(project) == before

    repro = subprocess.Popen(
        [sys.executable, "-m", "dvc", "repro", "--force", "--single-item", "train"],
        cwd=project.path,
        env=project.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while not running_in_session(repro.pid, f"{project.package}.train"):
        assert repro.poll() is None and time.monotonic() < deadline, "train never started"
        time.sleep(0.1)
    time.sleep(1.0)  # training is under way; DVC has done whatever it does to the outputs
    os.killpg(repro.pid, signal.SIGKILL)
    repro.wait(timeout=60)
    assert model_files(project) == before

    project.dvc("repro")  # the next run cleans up after the killed one and completes
    assert not [path.name for path in (project.path / "models").iterdir() if path.is_dir()]


def test_a_real_server_answers_health_predict_and_422(trained):
    project = trained.project
    schema = json.loads((project.path / "models/feature_schema.json").read_text(encoding="utf-8"))
    row = schema["example"]
    with served(project) as url:
        assert httpx.get(f"{url}/health").json() == {"status": "ok", "model_loaded": True}

        answer = httpx.post(f"{url}/predict", json=row)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["label"] in schema["classes"]
        assert sum(body["probabilities"].values()) == pytest.approx(1)

        batch = httpx.post(f"{url}/predict/batch", json={"records": [row, row]})
        assert batch.status_code == 200 and len(batch.json()["predictions"]) == 2

        wrong_type = httpx.post(f"{url}/predict", json=row | {"mean_radius": "large"})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["detail"][0]["loc"] == ["body", "mean_radius"]
        missing = httpx.post(f"{url}/predict", json={"mean_radius": 14.0})
        assert missing.status_code == 422 and "Field required" in missing.text
        too_many = httpx.post(f"{url}/predict/batch", json={"records": [row] * 1001})
        assert too_many.status_code == 422 and "at most 1000" in too_many.text


def test_changing_a_train_param_reruns_from_train_not_data(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    edit_params(project, "cv_folds: 5", "cv_folds: 4")
    status = project.dvc("status").stdout
    assert "train:" in status and "data:" not in status
    rerun = project.dvc("repro").stdout
    assert "Stage 'data' didn't change, skipping" in rerun
    for stage in ("train", "evaluate", "report"):
        assert f"Running stage '{stage}'" in rerun, stage
    assert "4-fold cross-validated" in project.results_block("README.md")


def test_two_runs_give_identical_metrics(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    (project.path / "reports/metrics.json").unlink()
    rerun = project.dvc("repro", "--force").stdout
    for stage in STAGES:
        assert f"Running stage '{stage}'" in rerun, stage
    assert project.metrics() == trained.project.metrics()
    cv = "reports/cv_results.json"
    timed = {"train_seconds"}  # wall time, for the model card's compute line: never the same twice
    again, first = project.metrics(cv), trained.project.metrics(cv)
    assert {k: v for k, v in again.items() if k not in timed} == {
        k: v for k, v in first.items() if k not in timed
    }


def write_flowers_csv(path: Path) -> None:
    """Iris as a learner's messy CSV: text columns, gaps in numbers and text, text labels."""
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True)
    rng = np.random.default_rng(0)
    frame = iris.data.rename(columns=lambda name: name.replace(" (cm)", "").replace(" ", "_"))
    frame["petal_size"] = pd.cut(
        frame["petal_length"], [0, 2.5, 5.0, 10], labels=["small", "medium", "large"]
    ).astype(object)
    frame["garden"] = rng.choice(["north", "south", "east"], len(frame))
    frame.loc[rng.random(len(frame)) < 0.1, "sepal_width"] = np.nan
    frame.loc[rng.random(len(frame)) < 0.1, "petal_size"] = np.nan
    frame["species"] = iris.target.map(dict(enumerate(iris.target_names)))
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def test_a_csv_with_categories_gaps_and_text_labels_trains_through_params_yaml(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    write_flowers_csv(project.path / "data/raw/flowers.csv")
    project.dvc("add", "data/raw/flowers.csv")  # as the README says: data in DVC, not git
    edit_params(project, "source: sklearn-breast-cancer", "source: data/raw/flowers.csv")
    edit_params(project, "target: diagnosis", "target: species")

    rerun = project.dvc("repro").stdout
    for stage in STAGES:
        assert f"Running stage '{stage}'" in rerun, stage
    metrics = project.metrics()
    assert metrics["accuracy"] >= 0.85
    schema = json.loads((project.path / "models/feature_schema.json").read_text(encoding="utf-8"))
    assert schema["classes"] == ["setosa", "versicolor", "virginica"]
    kinds = {feature["name"]: feature["kind"] for feature in schema["features"]}
    assert kinds["petal_size"] == "category" and kinds["sepal_width"] == "number"
    assert f"| accuracy | {metrics['accuracy']:.4f} |" in project.results_block("README.md")

    with served(project) as url:
        row = schema["example"] | {"petal_size": None, "sepal_width": None}
        answer = httpx.post(f"{url}/predict", json=row)
        assert answer.status_code == 200, answer.text
        assert set(answer.json()["probabilities"]) == {"setosa", "versicolor", "virginica"}


def test_the_readme_dvc_exp_run_examples_run(trained, tmp_path):
    project = trained.project.copy_to(tmp_path)
    for overrides in project.readme_experiments():
        project.exp_run(overrides)
    assert project.metrics()["accuracy"] >= 0.9


def test_named_classes_and_a_dropped_column_rerun_everything_and_show_on_the_page(
    trained, tmp_path
):
    """data.label_names changes the data stage's outputs, so `dvc repro` reruns every stage; the
    page, the API example and the Experiments row all show it."""
    project = trained.project.copy_to(tmp_path)
    project.set_params(
        data={
            "label_names": {"benign": "no cancer", "malignant": "cancer"},
            "drop_columns": ["mean_radius"],
        }
    )
    assert "data:" in project.dvc("status").stdout
    rerun = project.dvc("repro").stdout
    for stage in STAGES:
        assert f"Running stage '{stage}'" in rerun, stage
    block = project.results_block("README.md")
    assert "no cancer" in block and "`cancer`" in block
    assert "malignant" not in block.split("## Experiments", 1)[0]
    examples = json.loads((project.path / "reports/examples.json").read_text(encoding="utf-8"))
    assert set(examples[0]["response"]["probabilities"]) == {"cancer", "no cancer"}
    table = block.split("## Experiments", 1)[1].split("##", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "(this page)" in line]
    assert len(rows) == 1, table
    assert "`data.drop_columns=['mean_radius']`" in rows[0] and "`data.md5=" in rows[0]
    assert "`data.label_names=" in rows[0]
