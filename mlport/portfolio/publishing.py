"""`mlport publish --portfolio`: check the built portfolio, commit it, push it to GitHub.

The profile README goes to the repository `<login>/<login>` (GitHub shows it on the profile),
the site to `<login>/<login>.github.io` (GitHub Pages). Each folder is its own git repository:
pushed to its `origin` when it has one, else created with `gh repo create`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlport.audit.checks import GITHUB_REMOTE, Row
from mlport.errors import PortfolioError, PublishError
from mlport.identity import SET_IDENTITY_HINT, git_identity
from mlport.portfolio.build import MANIFEST, PROFILE_DIR, SITE_DIR, read_manifest
from mlport.portfolio.profile import intro_problems
from mlport.portfolio.projects import read_project
from mlport.publish import Published, Shell, github_login

Say = Callable[[str], None]
DESCRIPTIONS = {
    PROFILE_DIR: "My machine-learning projects, each with its measured result",
    SITE_DIR: "Portfolio of machine-learning projects",
}


@dataclass
class PortfolioPublished:
    """Where each part of the portfolio went, and the commands that took it there."""

    urls: dict[str, str] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def _say_nothing(_: str) -> None:
    pass


def readiness(out: Path, manifest: dict) -> list[Row]:
    """One row per project (still as it was built, and ready) and one for the introduction."""
    found = []
    for item in manifest.get("projects") or []:
        path, name = Path(str(item.get("path"))), str(item.get("name"))
        if not path.is_dir():
            found.append(Row(name, "fail", f"{path} is gone", "run `mlport portfolio` again"))
            continue
        entry = read_project(path)
        if entry.problems:
            found.append(Row(name, "fail", "; ".join(entry.problems)))
        elif entry.commit != item.get("commit") or item.get("problems"):
            found.append(
                Row(
                    name,
                    "fail",
                    "the project changed since the portfolio was built",
                    "run `mlport portfolio` again",
                )
            )
        else:
            found.append(Row(name, "pass", f"shown as of commit {entry.commit[:10]}"))
    readme = out / PROFILE_DIR / "README.md"
    if readme.is_file():
        problems = intro_problems(readme.read_text(encoding="utf-8"))
        found.append(
            Row("introduction", "fail", "; ".join(problems), f"edit {readme}")
            if problems
            else Row("introduction", "pass", "written in your own words")
        )
    return found


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)


def _public_url(kind: str, remote: str) -> str:
    """What a visitor opens: the profile, the Pages site, or the repository itself."""
    found = GITHUB_REMOTE.search(remote)
    if not found:
        return remote
    owner, name = found.groups()
    if kind == PROFILE_DIR and name.lower() == owner.lower():
        return f"https://github.com/{owner}"
    if kind == SITE_DIR and name.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://github.com/{owner}/{name}"


def _push(kind: str, folder: Path, shell: Shell, login: Callable[[], str]) -> str:
    """Commit what changed in `folder` and push it; return the URL a visitor opens."""
    # Never ask git about a folder that is not a repository yet: it would answer for a parent.
    fresh = not (folder / ".git").exists()
    if fresh:
        shell.run(["git", "init", "--quiet", "--initial-branch=main"], refused="git init failed")
    known = not (fresh and shell.dry_run)
    shell.run(["git", "add", "--all"], refused="git add failed")
    has_head = known and _git(folder, "rev-parse", "--verify", "-q", "HEAD").returncode == 0
    if shell.dry_run or not has_head or _git(folder, "diff", "--cached", "--quiet").returncode:
        shell.run(
            ["git", "commit", "--quiet", "-m", "Update the portfolio from the projects' results"],
            refused="the commit failed",
        )
    branch = (known and _git(folder, "branch", "--show-current").stdout.strip()) or "main"
    if known and "origin" in _git(folder, "remote").stdout.split():
        remote = _git(folder, "config", "--get", "remote.origin.url").stdout.strip()
        shell.run(
            ["git", "push", "--set-upstream", "origin", branch],
            refused="origin refused the push",
        )
        return _public_url(kind, remote)
    owner = login()
    name = owner if kind == PROFILE_DIR else f"{owner}.github.io"
    shell.run(
        ["gh", "repo", "create", f"{owner}/{name}", "--public", "--source", "."]
        + ["--description", DESCRIPTIONS[kind], "--remote", "origin", "--push"],
        refused="gh repo create failed",
    )
    if kind == SITE_DIR:
        try:
            shell.run(
                ["gh", "api", "--method", "POST", f"repos/{owner}/{name}/pages"]
                + ["-f", f"source[branch]={branch}", "-f", "source[path]=/"],
                refused="GitHub Pages was not switched on",
            )
        except PublishError as error:
            shell.say(f"# {error}: switch it on in the repository's Settings > Pages")
    return _public_url(kind, f"https://github.com/{owner}/{name}")


def publish_portfolio(
    out: str | Path = "portfolio", *, dry_run: bool = False, say: Say = _say_nothing
) -> PortfolioPublished:
    """Check the portfolio built in `out`, commit each part and push it (GitHub via gh)."""
    out = Path(out)
    manifest = read_manifest(out)
    if not manifest:
        raise PortfolioError(
            f"no portfolio in {out} (no {MANIFEST}): build it with "
            f"`mlport portfolio PROJECTS --profile-readme --site --out {out}`"
        )
    parts = [kind for kind in (PROFILE_DIR, SITE_DIR) if (manifest.get("written") or {}).get(kind)]
    result = PortfolioPublished(rows=readiness(out, manifest))
    failing = [row for row in result.rows if row.status == "fail"]
    if failing:
        raise PortfolioError(
            f"not ready to publish: {', '.join(row.check for row in failing)}; "
            "fix them, run `mlport portfolio` again, then publish",
            rows=failing,
        )
    if git_identity(out) is None:
        raise PortfolioError(f"git has no identity to commit with: `{SET_IDENTITY_HINT}`")
    login: list[str] = []

    def github() -> str:
        if not login:
            login.append(github_login(out))
        return login[0]

    for kind in parts:
        shell = Shell(out / kind, dry_run=dry_run, say=say, result=Published(rows=[]))
        result.urls[kind] = _push(kind, out / kind, shell, github)
        result.commands += shell.result.commands
    return result
