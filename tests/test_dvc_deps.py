"""Every project ships tests/test_dvc_deps.py: its stages depend on every module they import.

The check itself lives in the generated project (the learner's own test suite runs it after every
edit); here it runs on each rendered template, and on a project where a learner added a module.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.conftest import TEMPLATE_NAMES
from tests.small_project import dvc, run

CHECK = "tests/test_dvc_deps.py"


def run_check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", CHECK],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def shipped_check(project: Path) -> ModuleType:
    """The generated project's own check, imported from its file."""
    spec = importlib.util.spec_from_file_location("shipped_dvc_deps", project / CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_every_rendered_project_passes_its_own_check(rendered, template: str) -> None:
    result = run_check(rendered[template])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_module_the_learner_adds_fails_the_check_naming_stage_and_file(
    rendered, tmp_path: Path
) -> None:
    project = shutil.copytree(rendered["tabular-classifier"], tmp_path / "project")
    package = next((project / "src").iterdir())
    (package / "helpers.py").write_text('"""Helpers."""\n\nSCALE = 2\n', encoding="utf-8")
    train = package / "train.py"
    train.write_text(train.read_text(encoding="utf-8") + "\nfrom .helpers import SCALE\n")
    result = run_check(project)
    assert result.returncode == 1
    assert f"stage train: add src/{package.name}/helpers.py" in result.stdout
    assert "stage data:" not in result.stdout  # data does not import train


def test_the_check_follows_imports_inside_functions_and_through_modules(
    rendered, tmp_path: Path
) -> None:
    check = shipped_check(rendered["tabular-classifier"])
    project = tmp_path / "project"
    package = project / "src" / "pkg"
    package.mkdir(parents=True)
    (package / "train.py").write_text("def main():\n    from .helpers import fit\n")
    (package / "helpers.py").write_text("import pkg.deep\nfrom pkg import other\n")
    (package / "deep.py").write_text("x = 1\n")
    (package / "other.py").write_text("import os\n")
    (project / "dvc.yaml").write_text(
        yaml.safe_dump(
            {"stages": {"train": {"cmd": "python -m pkg.train", "deps": ["src/pkg/train.py"]}}}
        )
    )
    assert check.missing_dependencies(project) == {
        "train": ["src/pkg/deep.py", "src/pkg/helpers.py", "src/pkg/other.py"]
    }


def placeholder_outputs(project: Path) -> None:
    """A stand-in file for every path dvc.yaml names that rendering does not create."""
    text = (project / "dvc.yaml").read_text(encoding="utf-8")
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    folder = params["data"].get("folder") or "data/raw"  # image-cnn's deps name it
    for stage in yaml.safe_load(text.replace("${data.folder}", folder))["stages"].values():
        for kind in ("deps", "outs", "metrics", "plots"):
            for entry in stage.get(kind, []):
                path = project / (next(iter(entry)) if isinstance(entry, dict) else entry)
                if path.exists():
                    continue
                if path.suffix:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text("placeholder\n")
                else:
                    path.mkdir(parents=True)
                    (path / "placeholder").write_text("placeholder\n")


def stale_stages(project: Path) -> list[str]:
    """The stages `dvc status` says have changed, by name."""
    result = subprocess.run(
        [sys.executable, "-m", "dvc", "status", "--json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return sorted(json.loads(result.stdout))


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_editing_data_about_leaves_every_stage_but_the_report_up_to_date(
    rendered, template: str, tmp_path: Path, git_user: None
) -> None:
    project = shutil.copytree(rendered[template], tmp_path / "project")
    placeholder_outputs(project)
    run(project, "git", "init", "-q")
    dvc(project, "init", "-q")
    dvc(project, "commit", "-f", "-q")  # a dvc.lock as if the pipeline had run
    assert stale_stages(project) == []
    params_file = project / "params.yaml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params["data"]["about"]["summary"] = "Another description of the same data."
    params_file.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    assert stale_stages(project) == ["report"]
    # A knob training reads does make it stale: dvc status sees what it should.
    params["seed"] += 1
    params_file.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    assert "train" in stale_stages(project)


def test_a_stage_reading_data_about_must_list_it(rendered, tmp_path: Path) -> None:
    project = shutil.copytree(rendered["rl-agent"], tmp_path / "project")
    package = next((project / "src").iterdir())
    train = package / "train.py"
    train.write_text(
        train.read_text(encoding="utf-8") + "\n\ndef title(config):\n"
        "    return config.data.about.name\n"
    )
    result = run_check(project)
    assert result.returncode == 1
    assert "stage train: add data.about to its params" in result.stdout
    assert "stage data:" not in result.stdout  # its read of data.about only warns
