"""`mlport rename`: a project named after its new data, its package moved with the edits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.api import create_project
from mlport.cli import app
from mlport.naming import ProjectNames
from mlport.rename_command import names_for
from tests.small_project import run

runner = CliRunner()


def test_a_folder_name_gets_a_title_in_words_and_a_title_keeps_its_case() -> None:
    assert names_for("titanic-survival") == ProjectNames(
        "Titanic Survival", "titanic-survival", "titanic_survival"
    )
    assert names_for("Titanic survival") == ProjectNames(
        "Titanic survival", "titanic-survival", "titanic_survival"
    )


def test_a_bad_name_is_one_error_and_changes_nothing(tmp_path: Path, git_user: None) -> None:
    project = create_project("tabular-classifier", tmp_path, no_input=True, git=True)
    head = run(project, "git", "rev-parse", "HEAD")
    result = runner.invoke(app, ["rename", "class", "--project", str(project)])
    assert result.exit_code != 0
    assert "Python keyword" in result.output
    assert run(project, "git", "rev-parse", "HEAD") == head
    assert (project / "src" / "breast_cancer_classifier").is_dir()


@pytest.fixture
def renamed(tmp_path: Path, git_user: None) -> Path:
    """A default project whose learner edited the training code, then renamed it."""
    project = create_project("tabular-classifier", tmp_path, no_input=True, git=True)
    train = project / "src" / "breast_cancer_classifier" / "train.py"
    train.write_text(train.read_text() + "\n# I refit on all rows once the model is chosen.\n")
    run(project, "git", "commit", "-qam", "Note how I refit")
    result = runner.invoke(app, ["rename", "Titanic Survival", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "Renamed to Titanic Survival (package titanic_survival" in result.output
    return project


def test_the_package_moves_with_the_learners_edit_and_imports(renamed: Path) -> None:
    source = renamed / "src"
    assert not (source / "breast_cancer_classifier").exists()
    train = source / "titanic_survival" / "train.py"
    assert train.read_text().endswith("# I refit on all rows once the model is chosen.\n")
    environment = {**os.environ, "PYTHONPATH": str(source)}
    imported = subprocess.run(
        [sys.executable, "-c", "import titanic_survival.train, titanic_survival.api"],
        cwd=renamed,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr


def test_no_old_name_is_left_in_the_files_git_tracks(renamed: Path) -> None:
    assert run(renamed, "git", "status", "--porcelain") == ""
    tracked = run(renamed, "git", "ls-files").split()
    left = [
        path
        for path in tracked
        if "breast_cancer_classifier" in path
        or "breast-cancer-classifier" in (renamed / path).read_text(errors="replace")
        or "breast_cancer_classifier" in (renamed / path).read_text(errors="replace")
    ]
    assert left == []
    assert (renamed / "README.md").read_text().startswith("# Titanic Survival\n")
    params = (renamed / "params.yaml").read_text()
    assert (
        "experiment: titanic-survival" in params and "registered_model: titanic-survival" in params
    )


def test_renaming_to_the_same_name_says_so(renamed: Path) -> None:
    result = runner.invoke(app, ["rename", "Titanic Survival", "--project", str(renamed)])
    assert result.exit_code == 0, result.output
    assert "Already named Titanic Survival" in result.output
