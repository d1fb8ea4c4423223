"""Every template from `mlport new` to a pushed repository, as a learner with a git identity goes.

Generate, `dvc repro` (on a small budget), install the pre-commit hooks and commit with them
active, `mlport check`, `mlport publish --remote <bare repository> --dvc-remote <folder>`, then a
fresh clone plus `dvc pull` must give the same project. All real: git, DVC, pre-commit, ruff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_NAMES
from tests.slow.harness import BIN, Project, generate
from tests.slow.test_nlp_sentiment import imdb_archive

ROOT = Path(__file__).resolve().parents[2]
# Budgets that keep each pipeline to seconds; the numbers are not what this test is about.
SMALL = {
    "image-cnn": {"train": {"epochs": 1}},
    "nlp-sentiment": {"train": {"neural": {"epochs": 1}}},
    "rl-agent": {
        "train": {"total_timesteps": 1024, "eval_freq": 0, "progress_bar": False},
        "evaluate": {"n_episodes": 3, "gif_max_frames": 10},
    },
}


def mlport(project: Project, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The mlport CLI of this checkout, run inside the project."""
    pythonpath = f"{ROOT}{os.pathsep}{project.path / 'src'}"
    return project.run(
        sys.executable, "-m", "mlport", *args, env={"PYTHONPATH": pythonpath}, check=check
    )


def shrink(project: Project, template: str, root: Path) -> None:
    if template == "nlp-sentiment":
        archive = root / "aclImdb_v1.tar.gz"
        md5 = imdb_archive(archive, n=150)
        project.set_params(data={"imdb": {"url": archive.as_uri(), "md5": md5}})
    if template in SMALL:
        project.set_params(**SMALL[template])


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_from_new_to_a_published_clone(template: str, tmp_path: Path, git_user: None) -> None:
    project = generate(template, tmp_path / "work")
    authors = project.run("git", "log", "--format=%an <%ae>").stdout.splitlines()
    assert set(authors) == {"Ada Lovelace <ada@example.com>"}
    assert "github.com/ada-l/" in (project.path / "README.md").read_text()

    shrink(project, template, tmp_path)
    project.dvc("repro")

    project.run(str(BIN / "pre-commit"), "install")
    hooks = project.run(str(BIN / "pre-commit"), "run", "--all-files")
    assert "ruff check --fix" in hooks.stdout and "Passed" in hooks.stdout
    project.run("git", "add", "--all")
    commit = project.run("git", "commit", "-m", "First results")
    assert "ruff format" in commit.stdout + commit.stderr, "the hooks ran on the commit"
    assert project.run("git", "status", "--porcelain").stdout == ""

    checked = mlport(project, "check", check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert " fail " not in checked.stdout

    bare, store = tmp_path / "remote.git", tmp_path / "dvc-store"
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(bare)], check=True
    )
    mlport(project, "publish", "--remote", str(bare), "--dvc-remote", str(store))

    clone = Project(path=tmp_path / "clone", package=project.package)
    subprocess.run(["git", "clone", "--quiet", str(bare), str(clone.path)], check=True)
    clone.dvc("pull", "--quiet")
    assert "up to date" in clone.dvc("status").stdout
    block = clone.results_block("README.md")
    assert block == project.results_block("README.md") and "No results yet" not in block
