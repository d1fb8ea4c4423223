"""mlport's README "Try it", run exactly as written in a fresh clone of this repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Read before the tests point HOME elsewhere: the fresh venv reuses pip's cache of wheels.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
BASH_BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def try_it_blocks() -> list[str]:
    """The shell blocks of the README's "Try it" section, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    return BASH_BLOCK.findall(section)


def bash(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )


def test_try_it_makes_the_demo_project_beside_the_clone(tmp_path: Path, git_user: None) -> None:
    install_and_generate, train = try_it_blocks()
    clone = tmp_path / "mlport"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The fresh venv alone: a PYTHONPATH pointing at the source tree would import mlport from it.
    outside = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env = {**outside, "PIP_CACHE_DIR": PIP_CACHE, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    made = bash(install_and_generate.strip(), clone, env)

    assert made.returncode == 0, made.stderr[-3000:]
    project = tmp_path / "digit-recognizer-cnn"
    assert (project / ".git").is_dir(), "the demo project is its own repository"
    assert not (clone / "digit-recognizer-cnn").exists(), "not nested inside the clone"
    assert (
        subprocess.run(
            ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True
        ).stdout
        == ""
    )
    moved = bash(f"{train.splitlines()[0]} && pwd", clone, env)
    assert moved.stdout.strip() == str(project), "the next block starts in the project"
    # The wheel `pip install .` built carries the clone's commit into the record.
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    record = json.loads((project / ".mlport.json").read_text(encoding="utf-8"))
    assert record["source_commit"] == head
    assert (project / ".mlport-command").read_text().strip() == str(clone / ".venv/bin/mlport")
