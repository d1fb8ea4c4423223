"""The refusals of `mlport publish` around a push: a remote that is malformed, unreachable or
ahead of the project (before anything changes), and a secret in what is about to be pushed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from mlport.audit.facts import Project
from mlport.audit.secrets import find_secrets
from mlport.errors import PublishError
from mlport.vcs import TEMPLATE_BRANCH

GIT_URL = re.compile(r"^(?:https?|ssh|git|file|git\+ssh|ssh\+git)://\S+$", re.IGNORECASE)
# git's scp-like form, user@host:path; `transport::address` (git's ext:: and fd::) is not.
SCP_LIKE = re.compile(r"^(?:[\w.~-]+@)?[\w.-]+:(?![:/])\S*$")
OBJECT_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # SHA-1 or SHA-256
LS_REMOTE_TIMEOUT_SECONDS = 120


def refuse_bad_remote_url(remote: str) -> None:
    """PublishError unless `remote` is a git URL, git's user@host:path, or a folder.

    Nothing that starts with `-` gets through: it would reach git as an option.
    """
    shaped = (
        remote.strip()
        and remote.isprintable()
        and not remote.startswith("-")
        and "::" not in remote
        and (GIT_URL.match(remote) or SCP_LIKE.match(remote) or Path(remote).is_dir())
    )
    if not shaped:
        raise PublishError(
            f"--remote {remote!r} is not a remote of this repository, a git URL (https://..., "
            "ssh://..., git@host:owner/name.git) or a folder; nothing was changed"
        )


def _reason(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {done.returncode}"


def refuse_unreachable(project: Project, remote: str) -> None:
    """PublishError when `git ls-remote` cannot reach `remote` (a name or a URL), or when its
    copy of the current branch holds commits the project lacks (the push would be refused)."""
    try:
        done = subprocess.run(
            ["git", "ls-remote", "--", remote],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=LS_REMOTE_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise PublishError(
            f"{remote} did not answer in {LS_REMOTE_TIMEOUT_SECONDS} s; nothing was changed"
        ) from None
    if done.returncode != 0:
        raise PublishError(f"cannot reach {remote}: {_reason(done)}; nothing was changed")
    branch = project.git("branch", "--show-current", check=False).strip() or "main"
    for line in done.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref != f"refs/heads/{branch}" or not OBJECT_ID.match(sha):
            continue
        # Fails too when the commit is unknown here: the remote has work this project lacks.
        ancestor = subprocess.run(
            ["git", "merge-base", "--is-ancestor", sha, "HEAD"],
            cwd=project.root,
            capture_output=True,
        )
        if ancestor.returncode != 0:
            raise PublishError(
                f"{remote} already holds commits on {branch} that this project lacks: "
                f"`git pull {remote} {branch}` first, or publish to an empty repository; "
                "nothing was changed"
            )


def pushed_revisions(project: Project) -> list[str]:
    """What publishing pushes: the current branch, and the template branch where there is one."""
    template = f"refs/heads/{TEMPLATE_BRANCH}"
    has_template = bool(project.git("rev-parse", "--verify", "-q", template, check=False))
    return ["HEAD", *([template] if has_template else [])]


def refuse_secrets_in_push(root: Path, *, undo_to: str | None) -> None:
    """PublishError when the commits about to be pushed hold a secret (files by content or
    name, commit messages). `undo_to`: the commit before publish's own, which is then undone
    (its changes stay staged) so no commit holding the secret is left behind."""
    project = Project(root)
    findings = find_secrets(project, revisions=pushed_revisions(project), working_tree=False)
    if not findings:
        return
    undone = ""
    if undo_to:
        project.git("reset", "--soft", undo_to)
        undone = ", and publish's commit was undone (its changes are staged)"
    shown = ", ".join(map(str, findings[:3])) + (" ..." if len(findings) > 3 else "")
    raise PublishError(
        f"what would be pushed holds {shown}: nothing was pushed{undone}; remove it, then publish"
    )
