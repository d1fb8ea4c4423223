"""A project generated before the scaffold moved into sub-packages follows the move with
`mlport update`: git's rename detection carries the learner's edits to the new paths.

The old templates are those of the last commit with the flat layout, taken from this checkout's
history (the test is skipped where there is none, as in an sdist).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from mlport.api import create_project
from mlport.registry import templates_root
from tests.test_update import LEARNER, commit, edit, git, update

FLAT_LAYOUT = "b1bb9959a42235b4695f7f34de44b5cf37de41fb"  # the last commit with flat packages
TEMPLATE = "tabular-classifier"


def flat_templates(destination: Path) -> Path:
    """The templates folder as it was at FLAT_LAYOUT."""
    checkout = templates_root().parent
    archive = subprocess.run(
        ["git", "archive", "--format=tar", FLAT_LAYOUT, "templates"],
        cwd=checkout,
        capture_output=True,
    )
    if archive.returncode != 0:
        pytest.skip("this checkout has no history of the flat layout")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination / "templates"


def test_a_flat_project_follows_the_move_and_keeps_the_learners_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_user: None
) -> None:
    current = templates_root()
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(flat_templates(tmp_path / "old")))
    project = create_project(TEMPLATE, tmp_path / "projects")
    package = project / "src" / project.name.replace("-", "_")
    assert (package / "tracking.py").is_file(), "generated with the flat layout"
    # The learner changes a scaffold module that is about to move, and their own model code.
    edit(package / "tracking.py", "CONNECT_TIMEOUT = ", "CONNECT_TIMEOUT = 2 * ")
    edit(package / "candidates.py", '"""The candidate models', '"""My candidate models')
    commit(project, "Shorter tracking timeout; my candidates")

    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(current))
    result = update(project)
    assert result.exit_code == 0, result.output
    assert git(project, "status", "--porcelain") == ""
    assert not (package / "tracking.py").exists()
    moved = (package / "core" / "tracking.py").read_text(encoding="utf-8")
    assert "CONNECT_TIMEOUT = 2 * " in moved, "the learner's edit followed the file"
    assert '"""My candidate models' in (package / "candidates.py").read_text(encoding="utf-8")
    # The merged project is whole: it imports, and its own layout checks pass.
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["tests/test_dvc_deps.py", "tests/test_file_map.py", "tests/test_config.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checks.returncode == 0, checks.stdout[-3000:] + checks.stderr[-2000:]
    assert "Shorter tracking timeout" in git(project, *LEARNER, "log", "--format=%s")
