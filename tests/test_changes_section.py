"""The report's "What changed since the template", computed from real git in a generated project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlport.api import create_project

SECTION = (
    "import sys; sys.path.insert(0, 'src'); "
    "from cartpole_agent.reporting.changes import changes_section, scaffold_line; "
    "print(changes_section()); print(scaffold_line())"
)


def section(project: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SECTION], cwd=project, capture_output=True, text=True, check=True
    )
    return done.stdout


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def project(tmp_path: Path, git_user: None) -> Path:
    return create_project("rl-agent", tmp_path)


def test_a_default_project_says_nothing_has_changed(project: Path) -> None:
    shown = section(project)
    assert "## What changed since the template\n\nNothing yet: every file is as mlport" in shown
    version = json.loads((project / ".mlport.json").read_text())["mlport_version"]
    assert f"- Scaffold: mlport {version}, template rl-agent: the pipeline" in shown


def test_the_author_s_commits_are_listed_and_outputs_left_out(project: Path) -> None:
    train = project / "src" / "cartpole_agent" / "train.py"
    train.write_text(train.read_text() + "\n# Longer training: the agent plateaued early.\n")
    (project / "notes_on_reward.py").write_text('"""Reward shaping."""\nSCALE = 2\n')
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Train longer <!-- results:end --> *really*")
    # What the pipeline writes is not the author's work.
    (project / "README.md").write_text((project / "README.md").read_text() + "\nresults\n")
    (project / "dvc.lock").write_text("schema: '2.0'\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Results of dvc repro")

    shown = section(project)
    assert (
        "pipeline outputs left out: 1 files changed, 1 added, 4 lines added and 0 removed." in shown
    )
    assert "- src/cartpole\\_agent/train.py (changed, +2 −0)" in shown
    assert "- notes\\_on\\_reward.py (added, +2 −0)" in shown
    assert "README" not in shown and "dvc.lock" not in shown
    assert "Commits:\n\n- Train longer &lt;!-- results:end --&gt; \\*really\\*" in shown
    assert "Results of dvc repro" not in shown and "Initialise DVC" not in shown


def test_without_the_template_branch_it_says_so(project: Path) -> None:
    git(project, "branch", "-D", "mlport-template")
    assert "This repository has no `mlport-template` branch" in section(project)


def test_outside_git_it_says_so(tmp_path: Path) -> None:
    project = create_project("rl-agent", tmp_path, git=False)
    assert "This project is not in a git repository" in section(project)
