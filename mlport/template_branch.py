"""Git plumbing for the template branch: commit a rendered folder onto it without a checkout."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from mlport.vcs import run

NO_COMMIT = "0" * 40


def git(
    project: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run git in `project`; with `check`, a failure becomes one GenerationError line."""
    return run(["git", *args], project, env=env, check=check)


def resolve(project: Path, revision: str) -> str | None:
    """The commit or tree id `revision` names, or None when there is none."""
    found = git(project, "rev-parse", "--verify", "--quiet", revision, check=False)
    return found.stdout.strip() or None if found.returncode == 0 else None


def tree_of_folder(project: Path, folder: Path) -> str:
    """Store `folder`'s files (minus what its .gitignore ignores) in the project; the tree id.

    A throwaway index keeps the project's own index and working tree untouched.
    """
    git_dir = git(project, "rev-parse", "--absolute-git-dir").stdout.strip()
    with tempfile.TemporaryDirectory(prefix="mlport-index-") as scratch:
        env = {
            **os.environ,
            "GIT_DIR": git_dir,
            "GIT_WORK_TREE": str(folder),
            "GIT_INDEX_FILE": str(Path(scratch) / "index"),
        }
        git(folder, "add", "--all", ".", env=env)
        return git(folder, "write-tree", env=env).stdout.strip()


def changed_paths(project: Path, old_tree: str, new_tree: str) -> list[str]:
    """Paths whose content differs between two trees."""
    diff = git(project, "diff-tree", "-r", "--name-only", "--no-renames", old_tree, new_tree)
    return diff.stdout.splitlines()


def blob_text(project: Path, revision: str, path: str) -> str | None:
    """The text of `path` at `revision`, or None when it is not there."""
    found = git(project, "show", f"{revision}:{path}", check=False)
    return found.stdout if found.returncode == 0 else None


def files_under(project: Path, revision: str, paths: list[str]) -> dict[str, bytes]:
    """The content of every file at or under `paths` in `revision`."""
    if not paths:
        return {}
    listing = git(project, "ls-tree", "-r", "-z", "--name-only", revision, "--", *paths)
    found = {}
    for path in filter(None, listing.stdout.split("\0")):
        blob = subprocess.run(
            ["git", "cat-file", "blob", f"{revision}:{path}"],
            cwd=project,
            capture_output=True,
            check=True,
        )
        found[path] = blob.stdout
    return found


def commit_onto(project: Path, branch: str, tree: str, parent: str | None, message: str) -> str:
    """Commit `tree` on top of `branch` (whose tip is `parent`; None starts the branch)."""
    parents = ["-p", parent] if parent else []
    commit = git(project, "commit-tree", tree, *parents, "-m", message)
    new = commit.stdout.strip()
    # The expected old value makes git refuse if the branch moved (or appeared) meanwhile.
    git(project, "update-ref", "-m", message, f"refs/heads/{branch}", new, parent or NO_COMMIT)
    return new


def is_ancestor(project: Path, ancestor: str, descendant: str) -> bool:
    """Whether `ancestor` is already part of `descendant`'s history."""
    found = git(project, "merge-base", "--is-ancestor", ancestor, descendant, check=False)
    return found.returncode == 0


def unmerged_paths(project: Path) -> list[str]:
    """The paths git left in conflict."""
    found = git(project, "diff", "--name-only", "--diff-filter=U", check=False)
    return found.stdout.split()


def current_branch(project: Path) -> str:
    """The checked-out branch, or 'HEAD' when detached."""
    found = git(project, "symbolic-ref", "--short", "--quiet", "HEAD", check=False)
    return found.stdout.strip() or "HEAD"
