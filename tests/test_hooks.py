"""Generated pre-commit hooks: offline, the project's own ruff, DVC's files left alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from mlport.api import create_project

BIN = Path(sys.executable).parent


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    # No network is needed: a proxy that leads nowhere would make any download fail loudly.
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
    }
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def test_hooks_are_local_and_exclude_what_dvc_writes(tmp_path: Path) -> None:
    project = create_project("rl-agent", tmp_path, git=False)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["language"] for hook in config["repos"][0]["hooks"]} == {"system"}
    for path in ("dvc.lock", "reports/metrics.json", "data/train.csv", "models/model.zip"):
        assert re.match(config["exclude"], path), path
    assert not re.match(config["exclude"], "src/cartpole_agent/train.py")


def test_a_commit_runs_the_hooks_offline(tmp_path: Path, git_user: None) -> None:
    project = create_project("tabular-classifier", tmp_path)
    assert run(project, str(BIN / "pre-commit"), "install").returncode == 0
    module = project / "src" / "breast_cancer_classifier" / "extra.py"
    module.write_text("import os\nx=[1,2]\n")
    run(project, "git", "add", "--all")

    refused = run(project, "git", "commit", "-m", "Extra")
    assert refused.returncode != 0, "ruff must fix the file, so the first commit stops"
    assert module.read_text() == "x = [1, 2]\n"

    run(project, "git", "add", "--all")
    done = run(project, "git", "commit", "-m", "Extra")
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "ruff check --fix" in output and "Passed" in output
