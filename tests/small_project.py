"""A small DVC project written by hand (not by mlport): real git, real DVC, a one-stage pipeline.

`mlport check` and `mlport publish` must work on projects mlport did not generate; this one is
also cheap enough (about a second of `dvc repro`) for the fast tier.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = str(Path(sys.executable).parent)

README = """# Iris Notes

[![CI](https://github.com/ada-l/iris-notes/actions/workflows/ci.yml/badge.svg)](https://github.com/ada-l/iris-notes/actions/workflows/ci.yml)

Which iris is it? A small study.

## Results

<!-- results:start -->
_No results yet._ Run `dvc repro`.
<!-- results:end -->
"""

TRAIN = '''"""Fit the model, write the metrics, the figure and the README's results."""
import json
import re
from pathlib import Path

rows = Path("data/raw.csv").read_text().splitlines()[1:]
accuracy = round(sum(int(row.split(",")[1]) for row in rows) / len(rows), 6)
Path("models").mkdir(exist_ok=True)
Path("models/model.txt").write_text(f"threshold {accuracy}\\n")
Path("reports/figures").mkdir(parents=True, exist_ok=True)
Path("reports/metrics.json").write_text(json.dumps({"accuracy": accuracy, "rows": len(rows)}))
# The smallest valid PNG: one transparent pixel.
Path("reports/figures/curve.png").write_bytes(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
))
block = (
    f"| metric | value |\\n|---|---|\\n| accuracy | {accuracy:.4f} |\\n\\n"
    "![Learning curve](reports/figures/curve.png)\\n"
)
readme = Path("README.md").read_text()
readme = re.sub(r"(<!-- results:start -->\\n).*?(<!-- results:end -->)",
                lambda m: m.group(1) + block + m.group(2), readme, flags=re.S)
Path("README.md").write_text(readme)
'''

DVC_YAML = """stages:
  train:
    cmd: python train.py
    deps:
      - train.py
      - data/raw.csv
    outs:
      - models/model.txt
      - README.md:
          cache: false
          persist: true
    metrics:
      - reports/metrics.json:
          cache: false
    plots:
      - reports/figures/curve.png:
          cache: false
"""

PYPROJECT = """[project]
name = "iris-notes"
version = "0.1.0"
description = "Which iris is it? A small study."
keywords = ["machine-learning", "dvc", "Not A Topic!"]
"""


AUTHOR = {
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
}


def env() -> dict[str, str]:
    path = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, **AUTHOR, "PATH": path, "DVC_NO_ANALYTICS": "1"}


def run(project: Path, *command: str) -> str:
    result = subprocess.run(command, cwd=project, env=env(), capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stdout}\n{result.stderr}"
    return result.stdout


def dvc(project: Path, *args: str) -> str:
    return run(project, sys.executable, "-m", "dvc", *args)


def make_project(root: Path) -> Path:
    """Write, git init, dvc init and commit the project; its pipeline has not run yet."""
    project = root / "iris-notes"
    (project / "data").mkdir(parents=True)
    (project / "README.md").write_text(README)
    (project / "train.py").write_text(TRAIN)
    (project / "dvc.yaml").write_text(DVC_YAML)
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "LICENSE").write_text("MIT License\n\nCopyright (c) 2026 Ada Lovelace\n")
    (project / "data" / "raw.csv").write_text(
        "x,label\n" + "".join(f"{i},{i % 3 > 0:d}\n" for i in range(60))
    )
    run(project, "git", "init", "--quiet", "--initial-branch=main")
    dvc(project, "init", "--quiet")
    dvc(project, "add", "--quiet", "data/raw.csv")
    run(project, "git", "add", "--all")
    run(project, "git", "commit", "--quiet", "-m", "Start")
    return project


def commit_all(project: Path, message: str = "Add results") -> None:
    run(project, "git", "add", "--all")
    run(project, "git", "commit", "--quiet", "-m", message)


def make_trained(root: Path) -> Path:
    """The project after `dvc repro`, its results not yet committed."""
    project = make_project(root)
    dvc(project, "repro", "--quiet")
    return project
