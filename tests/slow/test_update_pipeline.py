"""`mlport update` after a real `dvc repro`: the pipeline's outputs, its results blocks and DVC's
record of them come through a template update untouched, while the template's change arrives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.cli import app
from mlport.registry import templates_root
from tests.slow.harness import Trained, generate_and_repro

TEMPLATE = "tabular-classifier"
OUTPUT_ROOTS = ("data", "models", "reports", "mlflow.db", "dvc.lock")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    return generate_and_repro(TEMPLATE, tmp_path_factory.mktemp("update"))


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
    trained: Trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_user: None
) -> None:
    project = trained.project.copy_to(tmp_path)
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
            "## Quick start", "## Quick start (three commands)"
        ),
        encoding="utf-8",
    )
    makefile = templates / TEMPLATE / "{{cookiecutter.project_slug}}" / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(templates))

    result = CliRunner().invoke(app, ["update", "--project", str(project.path)])

    assert result.exit_code == 0, result.output
    assert "## Quick start (three commands)" in (project.path / "README.md").read_text()
    assert (project.path / "Makefile").read_text().endswith("# a template improvement\n")
    assert fingerprints(project.path) == before
    for document, block in blocks.items():
        assert project.results_block(document) == block, document
    assert project.run("git", "status", "--porcelain").stdout == ""
    # DVC agrees: every stage up to evaluate is exactly as the run left it.
    status = project.dvc("status", "evaluate", "--with-deps")
    assert "Data and pipelines are up to date." in status.stdout
