"""What every generated project must pass on its own: its tests, its linters, its CI schema."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_NAMES
from tests.slow.harness import BIN, Project, generate


@pytest.fixture(scope="module", params=TEMPLATE_NAMES)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(request.param, tmp_path_factory.mktemp(request.param))


def test_first_commit_holds_everything(project: Project) -> None:
    status = project.run("git", "status", "--porcelain")
    assert status.stdout == ""
    tracked = project.run("git", "ls-files").stdout.split()
    assert {".dvc/config", ".dvcignore", "dvc.yaml", "params.yaml", ".mlport.json"} <= set(tracked)


def test_its_own_test_suite_passes(project: Project) -> None:
    result = project.python("-m", "pytest", "-q", "-p", "no:cacheprovider", timeout=600)
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_ruff_passes(project: Project) -> None:
    project.run(str(BIN / "ruff"), "check", ".")
    project.run(str(BIN / "ruff"), "format", "--check", ".")


def test_workflow_is_valid_for_github_actions(project: Project) -> None:
    project.run(
        str(BIN / "check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        ".github/workflows/ci.yml",
    )


def test_pipeline_declares_the_four_stages(project: Project) -> None:
    import yaml

    stages = yaml.safe_load((project.path / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["data", "train", "evaluate", "report"]
    for name, stage in stages.items():
        assert stage["cmd"] == f"python -m {project.package}.{name}"


def test_make_targets_a_learner_expects(project: Project) -> None:
    listed = subprocess.run(
        ["make", "-C", str(project.path), "help"], capture_output=True, text=True, check=True
    ).stdout
    for target in (
        "setup",
        "data",
        "train",
        "evaluate",
        "repro",
        "serve",
        "test",
        "lint",
        "mlflow-ui",
    ):
        assert f"  {target} " in listed


def test_readme_says_how_to_produce_results_before_the_first_run(project: Project) -> None:
    block = project.results_block("README.md")
    assert "No results yet" in block and "dvc repro" in block
    assert "Not evaluated yet" in project.results_block("MODEL_CARD.md")


def test_api_without_a_model_answers_503_saying_how_to_train(project: Project) -> None:
    code = (
        "from fastapi.testclient import TestClient\n"
        f"from {project.package}.api.app import app\n"
        "with TestClient(app) as client:\n"
        "    health = client.get('/health').json()\n"
        "    info = client.get('/model-info')\n"
        "    print(health['model_loaded'], info.status_code, info.json()['detail'])\n"
    )
    out = project.python("-c", code, env={"MODEL_DIR": str(Path(project.path) / "no-model")}).stdout
    loaded, status, detail = out.strip().split(" ", 2)
    assert (loaded, status) == ("False", "503")
    assert "dvc repro" in detail
