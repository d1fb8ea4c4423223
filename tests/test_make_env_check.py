"""The make targets that run a project say what to do when its environment is not the active one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_NAMES

HINT = "activate the project's environment (`source .venv/bin/activate`"


def make(project: Path, target: str, *, path: str, pythonpath: str = "", python: str = "python"):
    """`make TARGET` with only `path` on PATH: dvc and the stage commands are not reachable."""
    return subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", target, f"PYTHON={python}"],
        cwd=project,
        env={"PATH": path, "HOME": os.environ["HOME"], "PYTHONPATH": pythonpath},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def bin_dir(tmp_path: Path) -> str:
    """A PATH holding a `python` (this interpreter, without the project installed) and a `dvc`
    that records it ran."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python").symlink_to(sys.executable)
    dvc = folder / "dvc"
    dvc.write_text(f'#!/bin/sh\necho "dvc $*" >> "{tmp_path / "dvc.log"}"\n')
    dvc.chmod(0o755)
    return f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin"


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_a_stage_before_setup_says_to_activate_and_set_up(
    rendered: dict[str, Path], template: str, bin_dir: str, tmp_path: Path
) -> None:
    project = rendered[template]
    package = project.name.replace("-", "_")
    result = make(project, "data", path=bin_dir)
    assert result.returncode != 0
    assert f"error: {package} is not installed in this Python" in result.stderr
    assert HINT in result.stderr and "then run `make setup`" in result.stderr
    assert "No module named" not in result.stderr
    assert not (tmp_path / "dvc.log").exists()  # nothing ran


def test_no_python_on_path_gets_the_same_hint(rendered: dict[str, Path], bin_dir: str) -> None:
    result = make(rendered["tabular-classifier"], "train", path=bin_dir, python="python-missing")
    assert result.returncode != 0
    assert "error: no python-missing on PATH: " + HINT in result.stderr


def test_another_copy_of_the_package_is_named(
    rendered: dict[str, Path], bin_dir: str, tmp_path: Path
) -> None:
    project = rendered["tabular-classifier"]
    package = project.name.replace("-", "_")
    elsewhere = tmp_path / "old-clone" / "src" / package
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text("")
    result = make(project, "report", path=bin_dir, pythonpath=str(elsewhere.parent))
    assert result.returncode != 0
    assert f"imports {package} from {elsewhere}, not from this project" in result.stderr
    assert not (tmp_path / "dvc.log").exists()


@pytest.mark.parametrize("target", ["data", "report", "repro"])
def test_in_the_project_environment_the_stage_runs(
    rendered: dict[str, Path], target: str, bin_dir: str, tmp_path: Path
) -> None:
    project = rendered["tabular-classifier"]
    result = make(project, target, path=bin_dir, pythonpath=str(project / "src"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "dvc.log").read_text().startswith("dvc repro")
