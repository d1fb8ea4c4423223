{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/tracking.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""One MLflow store for every stage: sqlite:///mlflow.db, or MLFLOW_TRACKING_URI when set."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


def tracking_uri() -> str:
    """The tracking URI every stage, the Lightning logger and `make mlflow-ui` share."""
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def configure(experiment: str) -> str:
    """Point MLflow at the shared store and experiment; return the tracking URI."""
    import mlflow  # imported here: it takes seconds, and the API never needs it

    uri = tracking_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    return uri


@dataclass(frozen=True)
class RunRecord:
    """Which MLflow run trained the model, so evaluate and report can add to it and cite it."""

    run_id: str
    experiment: str
    tracking_uri: str
    registered_model: str | None = None
    model_version: str | None = None


def save_run_record(record: RunRecord, path: str | Path) -> None:
    """Write the record as JSON beside the model."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")


def load_run_record(path: str | Path) -> RunRecord | None:
    """Read a record written by `save_run_record`, or None if training has not run."""
    path = Path(path)
    if not path.is_file():
        return None
    return RunRecord(**json.loads(path.read_text(encoding="utf-8")))
