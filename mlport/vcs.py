"""Give a new project its own git repository: the rendering committed, a template branch, DVC."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mlport.errors import GenerationError
from mlport.identity import git_identity

Warn = Callable[[str], None]
# The branch holding the pristine rendering of the template; it shares the first commit with main.
TEMPLATE_BRANCH = "mlport-template"
DVC_INIT_MESSAGE = "Initialise DVC"


def run(
    command: list[str], cwd: Path, *, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a git or DVC command; with `check`, a failure becomes one GenerationError line."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip().splitlines()
        raise GenerationError(
            f"`{' '.join(command[:3])}` failed: {detail[-1] if detail else result.returncode}"
        )
    return result


def _dvc_command() -> list[str] | None:
    if importlib.util.find_spec("dvc") is not None:
        return [sys.executable, "-m", "dvc"]
    dvc = shutil.which("dvc")
    return [dvc] if dvc else None


def init_repository(project: Path, *, message: str, warn: Warn) -> bool:
    """git init, a first commit of the rendering (also the template branch), then dvc init.

    Where git or DVC is missing, warn and carry on. Without a git identity nothing is committed
    (a commit under a made-up name would be pushed with it) and False is returned: the learner
    makes the commit, as `first_commit_steps` says.
    """
    git = shutil.which("git")
    if git is None:
        warn("git was not found: the project has no repository yet (`git init && dvc init` it)")
        return True
    run([git, "init", "--quiet", "--initial-branch=main"], project)
    if git_identity(project) is None:
        _init_dvc(project, warn)
        run([git, "add", "--all"], project)
        return False
    run([git, "add", "--all"], project)
    run([git, "commit", "--quiet", "--no-verify", "-m", message], project)
    # The template branch holds only what mlport renders; `mlport update` merges it into main.
    run([git, "branch", TEMPLATE_BRANCH], project)
    if _init_dvc(project, warn):
        run([git, "add", "--all"], project)
        run([git, "commit", "--quiet", "--no-verify", "-m", DVC_INIT_MESSAGE], project)
    return True


def shell_word(text: str) -> str:
    """`text` quoted for a POSIX shell: in double quotes where that reads plainly and is exact."""
    return shlex.quote(text) if re.search(r'["$`\\!\n]', text) else f'"{text}"'


def first_commit_steps(project: str, message: str) -> str:
    """What to type, one command a line, to make the first commit `mlport new` had to skip."""
    steps = (
        'git config --global user.name "Ada Lovelace"',
        "git config --global user.email ada@example.com",
        f"cd {shlex.quote(project)}",
        f"git commit --quiet -m {shell_word(message)}",
        f"git branch {TEMPLATE_BRANCH}",
    )
    return "\n".join(f"  {step}" for step in steps)


def _init_dvc(project: Path, warn: Warn) -> bool:
    """`dvc init`, or a warning where DVC is missing; whether it ran."""
    dvc = _dvc_command()
    if dvc is None:
        warn("DVC was not found: run `dvc init` in the project once it is installed")
        return False
    # No usage report from a fresh project: the learner decides that later.
    run([*dvc, "init", "--quiet"], project, env={**os.environ, "DVC_NO_ANALYTICS": "1"})
    return True
