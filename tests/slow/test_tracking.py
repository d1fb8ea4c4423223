"""MLflow tracking and pipeline robustness in a real project (tabular-classifier, the fastest):
a real `mlflow server` reached with credentials in its URI, an unreachable server, and a first
`dvc repro` interrupted by Ctrl-C while MLflow creates its store."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.slow.harness import Project, free_port, generate, served, serving

TEMPLATE = "tabular-classifier"
TOKEN = f"tok{secrets.token_hex(12)}"  # unique: no file of the project may hold it
MODEL_FILES = ("model.joblib", "feature_schema.json", "run.json")


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `mlflow server` on 127.0.0.1 (sqlite backend, served artifacts); yield its URL."""
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{folder / 'server.db'}",
        "--artifacts-destination",
        str(folder / "artifacts"),
        "--workers",
        "1",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    url = f"http://127.0.0.1:{port}"
    with serving(
        command, cwd=folder, env=env, url=url, log=folder / "server.log", startup_timeout=120
    ):
        yield url


@pytest.fixture(scope="module")
def tracked_over_http(
    mlflow_server: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Project, str]:
    """A project whose whole pipeline logged to the server, with a token in the URI."""
    project = generate(TEMPLATE, tmp_path_factory.mktemp("tracked"))
    secret_uri = mlflow_server.replace("http://", f"http://alice:{TOKEN}@")
    result = project.dvc("repro", env={"MLFLOW_TRACKING_URI": secret_uri})
    return project, result.stdout + result.stderr


def test_runs_and_model_reach_the_server(tracked_over_http, mlflow_server):
    from mlflow import MlflowClient

    project, _ = tracked_over_http
    assert not (project.path / "mlflow.db").exists(), "nothing was tracked locally"
    record = project.metrics("models/run.json")
    assert record["tracking_uri"] == mlflow_server
    client = MlflowClient(mlflow_server)
    run = client.get_run(record["run_id"])
    assert run.data.metrics["test_accuracy"] >= 0.95, "evaluate added to the training run"
    assert "cv_best_mean" in run.data.metrics
    version = client.get_model_version(record["registered_model"], record["model_version"])
    assert version.run_id == record["run_id"]
    figures = {item.path for item in client.list_artifacts(record["run_id"], "figures")}
    assert "figures/confusion_matrix.png" in figures


def test_the_token_is_written_nowhere(tracked_over_http):
    project, output = tracked_over_http
    assert TOKEN not in output, "the pipeline printed the token"
    project.run("git", "add", "-A")
    project.run("git", "commit", "-q", "-m", "results")
    history = project.run("git", "log", "-p", "--all").stdout
    assert TOKEN not in history
    leaked = [
        str(path.relative_to(project.path))
        for path in project.path.rglob("*")
        if path.is_file() and TOKEN.encode() in path.read_bytes()
    ]
    assert leaked == [], "files (git objects and DVC cache included) hold the token"
    block = project.results_block()
    assert "127.0.0.1" in block and "alice" not in block


def test_model_info_does_not_serve_the_token(tracked_over_http, mlflow_server):
    project, _ = tracked_over_http
    with served(project) as url:
        info = httpx.get(f"{url}/model-info", timeout=10)
    assert info.status_code == 200
    assert TOKEN not in info.text and "alice" not in info.text
    assert mlflow_server in info.text


def test_an_unreachable_server_fails_fast_and_keeps_the_model(tracked_over_http):
    project, _ = tracked_over_http
    models = project.path / "models"
    before = {name: (models / name).read_bytes() for name in MODEL_FILES}
    started = time.monotonic()
    result = project.python(
        "-m",
        f"{project.package}.train",
        check=False,
        env={"MLFLOW_TRACKING_URI": f"http://alice:{TOKEN}@127.0.0.1:9"},
    )
    seconds = time.monotonic() - started
    print(f"\nunreachable tracking server: train gave up after {seconds:.1f} s")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("error: cannot reach the MLflow tracking server at ")
    assert TOKEN not in result.stderr + result.stdout
    assert seconds < 30  # imports included; the probe itself waits at most 5 s
    assert {name: (models / name).read_bytes() for name in MODEL_FILES} == before


def first_store_file(folder: Path) -> bool:
    """Whether MLflow has begun writing its sqlite store (in place, or in a scratch file)."""
    return any(path.is_file() and path.stat().st_size for path in folder.glob("*mlflow.db*"))


def test_ctrl_c_in_the_first_repro_loses_nothing(tmp_path: Path):
    """SIGINT to `dvc repro`'s process group while MLflow creates its schema, then rerun."""
    project = generate(TEMPLATE, tmp_path)
    repro = subprocess.Popen(
        [sys.executable, "-m", "dvc", "repro"],
        cwd=project.path,
        env=project.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
    )
    deadline = time.monotonic() + 300
    while not first_store_file(project.path):
        assert repro.poll() is None, repro.communicate()[0]
        assert time.monotonic() < deadline, "train never began creating the store"
        time.sleep(0.01)
    time.sleep(0.2)
    os.killpg(repro.pid, signal.SIGINT)
    output = repro.communicate(timeout=120)[0]
    assert repro.returncode != 0, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "interrupted" in output, output

    # The data the finished stage wrote stays out of git.
    ignored = (project.path / "data" / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/train.csv", "/test.csv"} <= set(ignored)
    project.run("git", "add", "-A")
    staged = project.run("git", "diff", "--cached", "--name-only").stdout.split()
    assert not [path for path in staged if path.startswith(("data/", "models/"))], staged
    assert not [path for path in staged if path.endswith(".partial")], staged

    # The store is usable and the pipeline completes where it stopped.
    rerun = project.dvc("repro")
    assert "Stage 'data' didn't change, skipping" in rerun.stdout + rerun.stderr
    assert project.metrics()["accuracy"] >= 0.95
    status = project.run("git", "status", "--porcelain", "data", "models").stdout
    assert status == "", status
