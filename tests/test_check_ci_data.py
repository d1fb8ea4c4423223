"""`mlport check` fails when a project's CI could not get the data its pipeline needs.

The check asks the project's own workflow step (`.github/ci_data.py`), so it judges exactly as CI
will: the default data, data in git, or data tracked by DVC on a remote CI can reach pass; data
that is only on this machine, or on a DVC remote that is a local folder, fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlport.api import create_project
from mlport.audit import Row, audit
from mlport.audit.checks import check_ci_data
from mlport.audit.facts import Project
from tests.conftest import isolate

OWN_CSV = "data/raw/own.csv"
SECRET = "hunter2secret"


def ci_data_row(project: Path, dvc_remote: str | None = None) -> Row:
    return check_ci_data(Project(project, dvc_remote=dvc_remote), False)


def dvc(project: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=project,
        check=True,
        capture_output=True,
        env={"DVC_NO_ANALYTICS": "1", "PATH": "/usr/bin:/bin", "HOME": str(project.parent)},
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tabular-classifier project in git with DVC, on its default data (made once)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(tmp_path_factory.mktemp("home"), monkeypatch)
        for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
            monkeypatch.setenv(key, "Ada Lovelace")
        for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
            monkeypatch.setenv(key, "ada@example.com")
        return create_project("tabular-classifier", tmp_path_factory.mktemp("ci-data"), git=True)


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    """A private copy of the generated project."""
    return Path(shutil.copytree(generated, tmp_path / generated.name, symlinks=True))


@pytest.fixture
def own_data(project: Path) -> Path:
    """The same project switched to its own CSV, tracked by DVC as its README says."""
    (project / OWN_CSV).write_text("x,label\n1,a\n2,b\n3,a\n4,b\n", encoding="utf-8")
    dvc(project, "add", OWN_CSV)
    params = project / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace(
            "source: sklearn-breast-cancer", f"source: {OWN_CSV}"
        ),
        encoding="utf-8",
    )
    return project


def test_the_default_data_passes(project: Path) -> None:
    (row,) = [row for row in audit(project) if row.check == "ci data"]
    assert row.status == "pass"
    assert "scikit-learn's breast cancer data: ships with the installed packages" in row.found


def test_own_data_without_a_remote_fails_with_the_fix(own_data: Path) -> None:
    row = ci_data_row(own_data)
    assert row.status == "fail"
    assert f"({OWN_CSV}) is tracked by DVC ({OWN_CSV}.dvc)" in row.found
    assert "names no default remote" in row.found
    assert "dvc remote add -d storage s3://" in row.fix and "dvc push" in row.fix


def test_own_data_that_is_not_tracked_at_all_fails(project: Path) -> None:
    params = project / "params.yaml"
    params.write_text(
        params.read_text().replace("source: sklearn-breast-cancer", f"source: {OWN_CSV}")
    )
    row = ci_data_row(project)
    assert row.status == "fail" and "is neither in git nor tracked by DVC" in row.found


def test_a_local_folder_remote_cannot_serve_ci(own_data: Path, tmp_path: Path) -> None:
    dvc(own_data, "remote", "add", "--default", "storage", str(tmp_path / "dvc-store"))
    row = ci_data_row(own_data)
    assert row.status == "fail" and "is a folder CI cannot reach" in row.found


def test_a_cloud_remote_passes_without_showing_its_credentials(own_data: Path) -> None:
    dvc(
        own_data, "remote", "add", "--default", "storage", f"https://ada:{SECRET}@dvc.example.org/x"
    )
    row = ci_data_row(own_data)
    assert row.status == "pass"
    assert "pulled from https://dvc.example.org/x" in row.found
    assert SECRET not in row.found


def test_publishing_judges_the_remote_it_is_about_to_add(own_data: Path, tmp_path: Path) -> None:
    assert ci_data_row(own_data, dvc_remote="s3://bucket/project").status == "pass"
    assert ci_data_row(own_data, dvc_remote=str(tmp_path / "folder")).status == "fail"


def test_data_committed_to_git_passes(own_data: Path) -> None:
    (own_data / f"{OWN_CSV}.dvc").unlink()
    (own_data / "data/raw/.gitignore").unlink()
    subprocess.run(["git", "add", OWN_CSV], cwd=own_data, check=True)
    row = ci_data_row(own_data)
    assert row.status == "pass" and f"({OWN_CSV}): committed to git" in row.found


def test_a_workflow_without_the_data_step_is_a_warning(project: Path) -> None:
    (project / ".github/ci_data.py").unlink()
    row = ci_data_row(project)
    assert row.status == "warn" and "mlport update" in row.fix


def test_no_workflow_is_skipped(project: Path) -> None:
    (project / ".github/workflows/ci.yml").unlink()
    assert ci_data_row(project).status == "skip"
