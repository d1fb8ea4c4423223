{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_tracking.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Tracking and stages: no credentials written, fail fast, survive Ctrl-C, one error line."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.core import tracking
from {{ cookiecutter.package_name }}.core.errors import ModelNotFoundError, ProjectError
from {{ cookiecutter.package_name }}.core.stage import replaced_on_success, run_stage

SECRET = "S3cretT0ken"  # pragma: allowlist secret (a made-up one, to see it hidden)
PACKAGE = tracking.__name__.rpartition(".")[0]
SRC = str(Path(tracking.__file__).resolve().parents[2])


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with the default sqlite store, as the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python(code: str, cwd: Path, **popen) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    env["PYTHONPATH"] = os.pathsep.join([SRC, env.get("PYTHONPATH", "")])
    env.pop("DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@pytest.mark.parametrize(
    ("uri", "public"),
    [
        (f"http://alice:{SECRET}@127.0.0.1:5000", "http://127.0.0.1:5000"),
        (f"https://{SECRET}@mlflow.example.org/base", "https://mlflow.example.org/base"),
        (f"postgresql://bob:{SECRET}@db:5432/mlflow", "postgresql://db:5432/mlflow"),
        (f"https://host/x?token={SECRET}&region=eu", "https://host/x?region=eu"),
        (f"https://host/x?api_key={SECRET}&sig={SECRET}", "https://host/x"),
        ("sqlite:///mlflow.db", "sqlite:///mlflow.db"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ],
)
def test_public_uri_has_no_credentials(uri: str, public: str) -> None:
    assert tracking.public_uri(uri) == public


def test_credentials_are_removed_from_messages() -> None:
    message = f"API request to http://alice:{SECRET}@127.0.0.1:5000/api failed"
    assert tracking.redact(message) == "API request to http://127.0.0.1:5000/api failed"
    query = f"GET https://host/api?run=1&access_token={SECRET}&page=2 failed"
    assert tracking.redact(query) == "GET https://host/api?run=1&access_token=***&page=2 failed"


def test_the_run_record_holds_the_public_uri(tmp_path: Path) -> None:
    record = tracking.RunRecord("abc", "exp", f"http://alice:{SECRET}@127.0.0.1:5000")
    tracking.save_run_record(record, tmp_path / "run.json")
    assert SECRET not in (tmp_path / "run.json").read_text()
    assert tracking.load_run_record(tmp_path / "run.json").tracking_uri == "http://127.0.0.1:5000"
    # A record written before URIs were stripped is cleaned when read, so it is never served.
    legacy = {"run_id": "abc", "experiment": "exp", "tracking_uri": record.tracking_uri}
    (tmp_path / "old.json").write_text(json.dumps(legacy))
    assert SECRET not in str(tracking.load_run_record(tmp_path / "old.json"))


def test_an_unreachable_server_fails_at_once_in_one_line(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://alice:{SECRET}@127.0.0.1:{closed_port()}")
    started = time.monotonic()
    with pytest.raises(ProjectError, match="cannot reach the MLflow tracking server") as caught:
        tracking.configure("unreachable")
    # MLflow's own retries take minutes; one probe with its timeout takes seconds, even loaded.
    assert time.monotonic() - started < tracking.CONNECT_TIMEOUT + 30
    assert SECRET not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_stage_reports_a_failure_without_credentials_or_traceback(store: Path) -> None:
    code = (
        f"from {PACKAGE}.stage import run_stage\n"
        "def fail():\n"
        f"    raise RuntimeError('request to http://u:{SECRET}@h:1/api failed\\nsecond line')\n"
        "run_stage(fail)\n"
    )
    process = python(code, store)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    first, details = err.splitlines()  # the message's second line, indented under the first
    assert first.startswith("error: RuntimeError: request to http://h:1/api failed")
    assert details == "  second line"
    assert SECRET not in err and "Traceback" not in err


def test_a_stage_shows_the_traceback_with_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "1")
    with pytest.raises(RuntimeError):
        run_stage(lambda: (_ for _ in ()).throw(RuntimeError("boom")))


def test_ctrl_c_in_a_stage_prints_one_line_and_exits_130(store: Path) -> None:
    code = (
        # Ctrl-C as in a terminal, even under a runner that started this test in the background,
        # where SIGINT is inherited ignored.
        "import signal, time\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
        f"from {PACKAGE}.stage import run_stage\n"
        "run_stage(lambda: (print('ready', flush=True), time.sleep(60)))\n"
    )
    process = python(code, store)
    assert process.stdout.readline() == "ready\n"  # inside the stage: its handler is in place
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "interrupted\n"


def test_model_files_change_only_when_the_block_succeeds(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "model.bin").write_text("previous")
    (models / ".gitignore").write_text("/model.bin\n")
    with pytest.raises(RuntimeError), replaced_on_success(models) as staged:
        (staged / "model.bin").write_text("half-written")
        raise RuntimeError("training failed")
    assert (models / "model.bin").read_text() == "previous"
    with replaced_on_success(models) as staged:
        (staged / "model.bin").write_text("new")
        (staged / "sub").mkdir()
        (staged / "sub" / "run.json").write_text("{}")
    assert (models / "model.bin").read_text() == "new"
    assert (models / "sub" / "run.json").is_file()
    assert (models / ".gitignore").is_file(), "files the stage does not write stay"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["models"], "no scratch left"


@pytest.mark.slow
def test_ctrl_c_while_the_store_is_created_leaves_a_usable_store(store: Path) -> None:
    """Interrupt for real while MLflow migrates a new sqlite store, then use the store."""
    code = (
        "from alembic import command\n"
        "upgrade = command.upgrade\n"
        "def announced(*args, **kwargs):\n"  # says when the migrations start, then runs them
        "    print('migrating', flush=True)\n"
        "    __import__('time').sleep(0.5)\n"
        "    return upgrade(*args, **kwargs)\n"
        "command.upgrade = announced\n"
        f"from {PACKAGE}.stage import run_stage\nfrom {PACKAGE} import tracking\n"
        "run_stage(lambda: tracking.configure('first'))\n"
    )
    process = python(code, store)
    assert process.stdout.readline() == "migrating\n", process.communicate()
    process.send_signal(signal.SIGINT)  # while the schema is half built
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130 and err.endswith("\ninterrupted\n"), err  # after MLflow's log
    assert "Traceback" not in err
    assert list(store.glob("*.partial")) == [], "a scratch store was left behind"
    with sqlite3.connect(store / "mlflow.db") as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master")]
    assert not [name for name in tables if name.startswith("_alembic_tmp")]
    tracking.configure("second")  # MLflow refuses a store whose schema is out of date
    import mlflow

    with mlflow.start_run() as run:
        mlflow.log_metric("score", 1.0)
    assert mlflow.get_run(run.info.run_id).data.metrics == {"score": 1.0}


@pytest.mark.slow
def test_evaluation_metrics_join_the_training_run(store: Path) -> None:
    import mlflow

    uri = tracking.configure("evaluation")
    with mlflow.start_run() as run:
        mlflow.log_metric("val_accuracy", 0.9)
    record = tracking.RunRecord(run.info.run_id, "evaluation", uri)
    (store / "metrics.json").write_text("{}")
    tracking.log_to_training_run(
        record, {"accuracy": 0.8, "n": 3, "solved": True, "name": "x"}, [("metrics.json", None)]
    )
    logged = mlflow.get_run(run.info.run_id)
    assert logged.data.metrics == {"val_accuracy": 0.9, "test_accuracy": 0.8, "test_n": 3.0}
    artifacts = [item.path for item in mlflow.MlflowClient().list_artifacts(run.info.run_id)]
    assert artifacts == ["metrics.json"]


@pytest.mark.slow
def test_evaluation_refuses_a_missing_record_or_run(store: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="run.json is missing"):
        tracking.log_to_training_run(None, {"accuracy": 1.0})
    elsewhere = tracking.RunRecord("0" * 32, "evaluation", "http://127.0.0.1:5000")
    with pytest.raises(ProjectError, match="is not in sqlite:///mlflow.db"):
        tracking.log_to_training_run(elsewhere, {"accuracy": 1.0})


@pytest.mark.slow
def test_each_project_folder_keeps_its_own_default_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    for name in ("first", "second"):  # a notebook driving two projects, one after the other
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        assert tracking.configure(name) == "sqlite:///mlflow.db", "recorded as typed"
        with mlflow.start_run():
            mlflow.log_metric("score", 1.0)
    names = {experiment.name for experiment in mlflow.MlflowClient().search_experiments()}
    assert names == {"Default", "second"}, "the first folder's store is not the second's"


def test_a_half_built_store_gets_one_clear_line(store: Path) -> None:
    with sqlite3.connect(store / "mlflow.db") as db:  # what an interrupted migration leaves
        db.execute("create table experiments (id integer)")
        db.execute("create table _alembic_tmp_experiments (id integer)")
    with pytest.raises(ProjectError, match="half-built by an interrupted schema migration"):
        tracking.configure("broken")
