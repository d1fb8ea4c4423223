"""Give a new project its own git repository: the rendering committed, a template branch, DVC."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mlport.errors import GenerationError

Warn = Callable[[str], None]
# The branch holding the pristine rendering of the template; it shares the first commit with main.
TEMPLATE_BRANCH = "mlport-template"
DVC_INIT_MESSAGE = "Initialise DVC"


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, check=True
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or error.stdout or "").strip().splitlines()
        raise GenerationError(
            f"`{' '.join(command[:3])}` failed: {detail[-1] if detail else error.returncode}"
        ) from error
    return result.stdout.strip()


def _has_identity(git: str, cwd: Path) -> bool:
    for key in ("user.name", "user.email"):
        found = subprocess.run([git, "config", key], cwd=cwd, capture_output=True, text=True)
        if found.returncode != 0 or not found.stdout.strip():
            return False
    return True


def _dvc_command() -> list[str] | None:
    if importlib.util.find_spec("dvc") is not None:
        return [sys.executable, "-m", "dvc"]
    dvc = shutil.which("dvc")
    return [dvc] if dvc else None


def init_repository(
    project: Path, *, author_name: str, author_email: str, message: str, warn: Warn
) -> None:
    """git init, a first commit of the rendering (also the template branch), then dvc init.

    Where git or DVC is missing, warn and carry on.
    """
    git = shutil.which("git")
    if git is None:
        warn("git was not found: the project has no repository yet (`git init && dvc init` it)")
        return
    _run([git, "init", "--quiet", "--initial-branch=main"], project)
    identity = identity_options(project, author_name, author_email)
    _run([git, "add", "--all"], project)
    _run([git, *identity, "commit", "--quiet", "--no-verify", "-m", message], project)
    # The template branch holds only what mlport renders; `mlport update` merges it into main.
    _run([git, "branch", TEMPLATE_BRANCH], project)
    dvc = _dvc_command()
    if dvc is None:
        warn("DVC was not found: run `dvc init` in the project once it is installed")
        return
    # No usage report from a fresh project: the learner decides that later.
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    _run([*dvc, "init", "--quiet"], project, env=env)
    _run([git, "add", "--all"], project)
    _run([git, *identity, "commit", "--quiet", "--no-verify", "-m", DVC_INIT_MESSAGE], project)


def identity_options(project: Path, author_name: str, author_email: str) -> list[str]:
    """`-c user.name=... -c user.email=...` for git when the user has set no identity, else []."""
    if _has_identity("git", project):
        return []
    return ["-c", f"user.name={author_name}", "-c", f"user.email={author_email}"]
