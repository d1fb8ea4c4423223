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

from {{ cookiecutter.package_name }} import tracking
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError, ProjectError
from {{ cookiecutter.package_name }}.stage import replaced_on_success, run_stage

SECRET = "S3cretT0ken"  # pragma: allowlist secret (a made-up one, to see it hidden)
PACKAGE = tracking.__name__.rpartition(".")[0]
SRC = str(Path(tracking.__file__).resolve().parents[1])


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
    assert time.monotonic() - started < tracking.CONNECT_TIMEOUT + 2
    assert SECRET not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_stage_reports_a_failure_in_one_line_without_credentials(store: Path) -> None:
    code = (
        f"from {PACKAGE}.stage import run_stage\n"
        "def fail():\n"
        f"    raise RuntimeError('request to http://u:{SECRET}@h:1/api failed\\nsecond line')\n"
        "run_stage(fail)\n"
    )
    process = python(code, store)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.count("\n") == 1 and err.startswith("error: RuntimeError: request to http://h:1/api")
    assert SECRET not in err and "Traceback" not in err


def test_a_stage_shows_the_traceback_with_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "1")
    with pytest.raises(RuntimeError):
        run_stage(lambda: (_ for _ in ()).throw(RuntimeError("boom")))


def test_ctrl_c_in_a_stage_prints_one_line_and_exits_130(store: Path) -> None:
    code = (
        f"import time\nfrom {PACKAGE}.stage import run_stage\n"
        "print('ready', flush=True)\nrun_stage(lambda: time.sleep(60))\n"
    )
    process = python(code, store)
    assert process.stdout.readline() == "ready\n"
    time.sleep(0.3)
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


def schema_complete(path: Path) -> bool:
    """Whether `path` is a store MLflow can open: every table, at the latest revision."""
    from mlflow.store.db.utils import _get_latest_schema_revision

    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
        if "alembic_version" not in tables:
            return False
        (revision,) = db.execute("select version_num from alembic_version").fetchone()
    leftovers = [table for table in tables if table.startswith("_alembic_tmp")]
    return revision == _get_latest_schema_revision() and not leftovers


@pytest.mark.parametrize("delay", [0.05, 0.4])
def test_ctrl_c_while_the_store_is_created_leaves_a_usable_store(
    store: Path, delay: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupt for real, while MLflow builds the sqlite schema, then use the store."""
    process = python(
        f"from {PACKAGE}.stage import run_stage\nfrom {PACKAGE} import tracking\n"
        "run_stage(lambda: tracking.configure('first'))\n",
        store,
    )
    deadline = time.monotonic() + 120
    while not any(path.stat().st_size for path in store.glob("*mlflow.db*") if path.is_file()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the store was never created"
        time.sleep(0.005)
    time.sleep(delay)  # somewhere in the migrations
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    db = store / "mlflow.db"
    assert not db.exists() or schema_complete(db), "an interrupted creation left a broken store"
    tracking.configure("second")
    import mlflow

    with mlflow.start_run() as run:
        mlflow.log_metric("score", 1.0)
    assert schema_complete(db)
    assert mlflow.get_run(run.info.run_id).data.metrics == {"score": 1.0}


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


def test_evaluation_refuses_a_missing_record_or_run(store: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="run.json is missing"):
        tracking.log_to_training_run(None, {"accuracy": 1.0})
    elsewhere = tracking.RunRecord("0" * 32, "evaluation", "http://127.0.0.1:5000")
    with pytest.raises(ProjectError, match="is not in sqlite:///mlflow.db"):
        tracking.log_to_training_run(elsewhere, {"accuracy": 1.0})


def test_a_half_built_store_gets_one_clear_line(store: Path) -> None:
    with sqlite3.connect(store / "mlflow.db") as db:  # what an interrupted migration leaves
        db.execute("create table experiments (id integer)")
        db.execute("create table _alembic_tmp_experiments (id integer)")
    with pytest.raises(ProjectError, match="half-built by an interrupted schema migration"):
        tracking.configure("broken")
