"""Every template from `mlport new` to a pushed repository, as a learner with a git identity goes.

Generate, `dvc repro` (on a small budget), install the pre-commit hooks and commit with them
active, `mlport check`, `mlport publish --remote <bare repository> --dvc-remote <folder>`, then a
fresh clone plus `dvc pull` must give the same project. All real: git, DVC, pre-commit, ruff.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_NAMES
from tests.slow.harness import BIN, Project, generate, write_learner_words
from tests.slow.test_nlp_sentiment import imdb_archive

ROOT = Path(__file__).resolve().parents[2]
# Budgets that keep each pipeline to seconds; the numbers are not what this test is about.
SMALL = {
    "clustering": {"train": {"k": {"max": 4}, "stability": {"seeds": 2, "resamples": 1}}},
    "image-cnn": {"train": {"epochs": 1}},
    "nlp-sentiment": {"train": {"neural": {"epochs": 1}}},
    "tabular-regressor": {"evaluate": {"permutation_repeats": 2, "bootstrap_resamples": 200}},
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def http_folder(folder: Path) -> Iterator[str]:
    """`folder` on 127.0.0.1: the checksummed download a published project's CI fetches."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def shrink(project: Project, template: str, root: Path, stack: contextlib.ExitStack) -> None:
    if template == "nlp-sentiment":
        # Over HTTP, not file://: `mlport check` (its "ci data" row) asks that CI can fetch it.
        archive = root / "imdb" / "aclImdb_v1.tar.gz"
        archive.parent.mkdir()
        md5 = imdb_archive(archive, n=150)
        url = stack.enter_context(http_folder(archive.parent))
        project.set_params(data={"imdb": {"url": f"{url}/{archive.name}", "md5": md5}})
    if template in SMALL:
        project.set_params(**SMALL[template])


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_from_new_to_a_published_clone(template: str, tmp_path: Path, git_user: None) -> None:
    project = generate(template, tmp_path / "work")
    authors = project.run("git", "log", "--format=%an <%ae>").stdout.splitlines()
    assert set(authors) == {"Ada Lovelace <ada@example.com>"}
    assert "github.com/ada-l/" in (project.path / "README.md").read_text()

    stack = contextlib.ExitStack()
    with stack:
        shrink(project, template, tmp_path, stack)
        project.dvc("repro")

    write_learner_words(project)
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
