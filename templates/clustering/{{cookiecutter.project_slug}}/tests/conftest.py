"""Fixtures: a tiny copy of the project (a few dozen rows, 3 folds, one grid point per model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tiny import make_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh tiny project as the working directory, with MLflow writing inside it."""
    monkeypatch.chdir(make_project(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    return tmp_path


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project that has run every stage once (shared: training is the slow part)."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.data import prepare_data
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.train import train

    path = make_project(tmp_path_factory.mktemp("trained"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(path)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{path / 'mlflow.db'}")
        config = load_config()
        prepare_data(config)
        train(config)
        evaluate(config)
        report(config)
    return path


@pytest.fixture
def trained_project(trained: Path) -> Path:
    """The trained tiny project, for the tests every template shares (test_examples.py)."""
    return trained
