"""`mlport update` after a real `dvc repro`: the pipeline's outputs, its results blocks and DVC's
record of them come through a template update untouched, while the template's change arrives;
and with no template change, no stage of a learner's work is ever taken for an update."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.cli import app
from mlport.registry import templates_root
from tests.slow.harness import Project, Trained, write_learner_words

TEMPLATE = "tabular-classifier"
OUTPUT_ROOTS = ("data", "models", "reports", "mlflow.db", "dvc.lock")
ROOT = Path(__file__).resolve().parents[2]


def fingerprints(project: Path) -> dict[str, tuple[str, int]]:
    """md5 and modification time of every pipeline output."""
    found = {}
    for name in OUTPUT_ROOTS:
        root = project / name
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file():
                digest = hashlib.md5(path.read_bytes()).hexdigest()
                found[str(path.relative_to(project))] = (digest, path.stat().st_mtime_ns)
    return found


def test_an_update_leaves_outputs_results_and_dvc_state_as_they_were(
    tabular_trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_user: None
) -> None:
    project = tabular_trained.project.copy_to(tmp_path)
    project.run("git", "add", "--all")
    project.run("git", "commit", "--quiet", "-m", "First results")
    before = fingerprints(project.path)
    assert {"data/train.csv", "models/model.joblib", "reports/metrics.json", "mlflow.db"} <= set(
        before
    )
    blocks = {doc: project.results_block(doc) for doc in ("README.md", "MODEL_CARD.md")}
    assert "_No results yet._" not in blocks["README.md"]

    templates = tmp_path / "templates"
    shutil.copytree(templates_root() / TEMPLATE, templates / TEMPLATE)
    readme = templates / TEMPLATE / "templates" / "README.base.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(
        text.replace("_No results yet._", "_Nothing has run yet._").replace(
            "## Run it", "## Run it (two commands)"
        ),
        encoding="utf-8",
    )
    makefile = templates / TEMPLATE / "{{cookiecutter.project_slug}}" / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(templates))

    result = CliRunner().invoke(app, ["update", "--project", str(project.path)])

    assert result.exit_code == 0, result.output
    assert "## Run it (two commands)" in (project.path / "README.md").read_text()
    assert (project.path / "Makefile").read_text().endswith("# a template improvement\n")
    assert fingerprints(project.path) == before
    for document, block in blocks.items():
        assert project.results_block(document) == block, document
    assert project.run("git", "status", "--porcelain").stdout == ""
    # DVC agrees: every stage up to evaluate is exactly as the run left it.
    status = project.dvc("status", "evaluate", "--with-deps")
    assert "Data and pipelines are up to date." in status.stdout


def mlport(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """The mlport CLI of this checkout, run inside the project as a learner runs it."""
    pythonpath = f"{ROOT}{os.pathsep}{project.path / 'src'}"
    return project.run(
        sys.executable, "-m", "mlport", *args, env={"PYTHONPATH": pythonpath}, check=False
    )


def assert_up_to_date(project: Project, when: str, *, merge: bool = True) -> None:
    """`mlport update --check` exits 0, and `mlport update` makes no commit."""
    checked = mlport(project, "update", "--check")
    assert checked.returncode == 0, f"{when}: {checked.stdout}{checked.stderr}"
    if merge:
        head = project.run("git", "rev-parse", "HEAD").stdout
        updated = mlport(project, "update")
        assert updated.returncode == 0, f"{when}: {updated.stdout}{updated.stderr}"
        assert "Up to date" in updated.stdout, when
        assert project.run("git", "rev-parse", "HEAD").stdout == head, f"{when}: a merge commit"


def commit_all(project: Project, message: str) -> None:
    project.run("git", "add", "--all")
    project.run("git", "commit", "--quiet", "--no-verify", "-m", message)


def test_no_update_is_found_after_repro_an_experiment_publishing_or_in_a_clone(
    tabular_trained: Trained, tmp_path: Path, git_user: None
) -> None:
    project = tabular_trained.project.copy_to(tmp_path)
    write_learner_words(project)
    commit_all(project, "First results")
    assert_up_to_date(project, "after `dvc repro` and a commit")

    project.exp_run({"evaluate.permutation_repeats": "3"})
    assert_up_to_date(project, "after `dvc exp run`, not committed", merge=False)
    commit_all(project, "Fewer permutation repeats")
    assert_up_to_date(project, "after `dvc exp run` and a commit")

    # Published to "GitHub": git's URL rewriting sends the push to a bare repository on disk.
    bare = tmp_path / "remote.git"
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(bare)], check=True
    )
    url = "https://github.com/ada-l/breast-cancer-classifier.git"
    project.run("git", "config", f"url.{bare}.insteadOf", url)
    published = mlport(project, "publish", "--remote", url, "--no-release")  # no gh here
    assert published.returncode == 0, published.stdout + published.stderr
    assert_up_to_date(project, "after `mlport publish`")

    clone = Project(path=tmp_path / "clone", package=project.package)
    subprocess.run(["git", "clone", "--quiet", str(bare), str(clone.path)], check=True)
    assert_up_to_date(clone, "in a fresh clone of the published project")
