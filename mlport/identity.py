"""Who the learner is, from git and gh, so no project carries "Your Name" by default."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mlport.registry import SHARED_DIR_NAME, Template, templates_root

# The answers that name a person; their template defaults are placeholders.
IDENTITY_KEYS = ("author_name", "author_email", "github_username")
GH_TIMEOUT_SECONDS = 5
# Tool state and the record of the answers, not files a reader sees.
NOT_SCANNED = (".git", ".dvc", ".cruft.json")

# Shown in commands a learner copies, each already quoted for the shell.
EXAMPLE_ANSWERS = {
    "author_name": '"Ada Lovelace"',
    "author_email": "ada@example.com",
    "github_username": "ada-l",
}
SET_IDENTITY_HINT = (
    'git config --global user.name "Ada Lovelace" && '
    "git config --global user.email ada@example.com && "
    "git config --global github.user your-login"
)


@dataclass(frozen=True)
class GitIdentity:
    """The author git would record for a commit."""

    name: str
    email: str


def _git_config(key: str, cwd: Path | None = None) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    found = subprocess.run(
        [git, "config", "--get", key], cwd=cwd, capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or None if found.returncode == 0 else None


def git_identity(cwd: Path | None = None) -> GitIdentity | None:
    """The name and e-mail git commits with (environment, then config), or None when unset.

    Unlike git itself, never falls back to a name made from the login and host name.
    """
    name = os.environ.get("GIT_AUTHOR_NAME") or _git_config("user.name", cwd)
    email = os.environ.get("GIT_AUTHOR_EMAIL") or _git_config("user.email", cwd)
    return GitIdentity(name, email) if name and email else None


def github_user(cwd: Path | None = None) -> str | None:
    """`git config github.user`, else the login `gh` is signed in with; None on any failure."""
    configured = _git_config("github.user", cwd)
    if configured:
        return configured
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        found = subprocess.run(
            [gh, "api", "user", "--jq", ".login"],
            capture_output=True,
            text=True,
            timeout=GH_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    login = found.stdout.strip()
    return login if found.returncode == 0 and login and " " not in login else None


def placeholders(template: Template | None = None) -> dict[str, str]:
    """The template's default identity answers, e.g. {"author_name": "Your Name", ...}."""
    if template is None:
        import json

        shared = templates_root() / SHARED_DIR_NAME / "cookiecutter.json"
        context = json.loads(shared.read_text(encoding="utf-8"))
    else:
        context = template.context
    return {key: context[key] for key in IDENTITY_KEYS if isinstance(context.get(key), str)}


def identity_answers(
    template: Template, answers: Mapping[str, str], user_defaults: Mapping[str, object]
) -> dict[str, str]:
    """Answers from git/gh for identity keys still at their placeholder default.

    A key answered with --set, or set in the user's cookiecutter config, keeps that answer.
    """
    open_keys = [
        key for key in placeholders(template) if key not in answers and key not in user_defaults
    ]
    if not open_keys:
        return {}
    found: dict[str, str] = {}
    identity = git_identity()
    if identity is not None:
        found.update(author_name=identity.name, author_email=identity.email)
    if "github_username" in open_keys:
        login = github_user()
        if login:
            found["github_username"] = login
    return {key: value for key, value in found.items() if key in open_keys}


def files_with_placeholders(root: Path, values: Mapping[str, str]) -> dict[str, list[str]]:
    """Each text file under `root` (outside .git and .dvc) that still holds a placeholder."""
    hits: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] in NOT_SCANNED:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found = [value for value in values.values() if value in text]
        if found:
            hits[relative.as_posix()] = found
    return hits


def warn_placeholders(
    project: Path, template: Template, warn: Callable[[str], None], *, updatable: bool
) -> None:
    """One warning naming the files that still hold a placeholder identity, and the fix.

    `updatable`: the project follows its template branch, so `mlport update --set` fixes it.
    """
    values = placeholders(template)
    hits = files_with_placeholders(project, values)
    if not hits:
        return
    found = {value for values_found in hits.values() for value in values_found}
    sets = " ".join(
        f"--set {key}={EXAMPLE_ANSWERS[key]}" for key, value in values.items() if value in found
    )
    fix = (
        f"`mlport update {sets}` in the project, once it has its first commit, puts yours in"
        if updatable
        else f"replace them by hand, or answer `{sets}` when generating"
    )
    warn(
        f"placeholder identity left in {', '.join(hits)}: {fix} (with your own name, e-mail "
        "and GitHub login); `git config --global user.name/user.email/github.user` sets them "
        "for your next projects; `mlport check` lists what remains"
    )
