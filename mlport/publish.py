"""`mlport publish`: check a project, commit its results, and push it to GitHub or a git remote."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlport.audit import Row, audit, failed
from mlport.audit.checks import (
    BADGE,
    GITHUB_REMOTE,
    pages_edited_by_hand,
    referenced_figures,
    uncommitted_results,
)
from mlport.audit.facts import Project, dvc_command
from mlport.dvc_remote import DvcRemote, dvc_remote_of
from mlport.errors import PublishError
from mlport.identity import SET_IDENTITY_HINT, git_identity, placeholders
from mlport.model_release import (
    MANIFEST,
    Asset,
    manifest,
    model_assets,
    release_command,
    release_tag,
)
from mlport.publish_guards import (
    refuse_bad_remote_url,
    refuse_secrets_in_push,
    refuse_unreachable,
)
from mlport.reading import read_regular
from mlport.redact import redact
from mlport.staging import staged_and_left_out
from mlport.vcs import TEMPLATE_BRANCH

Say = Callable[[str], None]
DVC_REMOTE_NAME = "storage"
COMMIT_MESSAGE = "Add the results of dvc repro: README, model card, reports/ and dvc.lock"
DVC_CONFIG = ".dvc/config"
DVC_REMOTE_MESSAGE = "Keep data and models in a DVC remote: `dvc pull` fetches them"
MANIFEST_MESSAGE = f"Record where the trained model is released: {MANIFEST}"
TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
MAX_TOPICS = 20
# What `gh repo create --push` authenticates git with, for the pushes that follow it.
GH_CREDENTIALS = ("-c", "credential.helper=", "-c", "credential.helper=!gh auth git-credential")
# Documents whose GitHub links name the owner (the CI badge, links back to the repository).
OWNER_DOCUMENTS = ("README.md", "MODEL_CARD.md")


@dataclass
class Published:
    """What `publish` did (or, in a dry run, would do)."""

    rows: list[Row]
    commands: list[str] = field(default_factory=list)
    url: str | None = None
    committed: bool = False
    left_out: list[str] = field(default_factory=list)  # results neither outputs nor tracked
    missing: list[Row] = field(default_factory=list)  # what a draft goes without (DRAFT_WAIVES)
    release: str | None = None  # the GitHub release holding the trained model's files


# What a draft may go without: the author's own words and names, never a safety check.
DRAFT_WAIVES = ("learner words", "data names")


def _say_nothing(_: str) -> None:
    pass


class Shell:
    """Runs the commands that change things, printing each; in a dry run only prints them."""

    def __init__(self, root: Path, *, dry_run: bool, say: Say, result: Published) -> None:
        self.root, self.dry_run, self.say, self.result = root, dry_run, say, result

    def run(self, command: Sequence[str], *, refused: str, hide: tuple[str, ...] = ()) -> str:
        """Run `command`; what it prints or reports shows `hide` and URL credentials as ***."""
        shown = redact(shlex.join(command), hide=tuple(shlex.quote(h) for h in hide) + hide)
        self.result.commands.append(shown)
        self.say(f"$ {shown}")
        if self.dry_run:
            return ""
        env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
        done = subprocess.run(list(command), cwd=self.root, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            reason = redact(_reason(done), hide=hide) or f"exit {done.returncode}"
            raise PublishError(f"{refused}: {reason}")
        return done.stdout


def _reason(done: subprocess.CompletedProcess[str]) -> str:
    """The line that says why a command failed: the remote's own words first."""
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    for marker in ("remote: ", "! [", "fatal: ", "ERROR: "):
        for line in lines:
            if line.startswith(marker) and line.removeprefix(marker).strip():
                return line.removeprefix("remote: ").strip()
    return lines[-1] if lines else ""


def _look_up(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A read-only query (also run in a dry run): never raises."""
    try:
        return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(list(command), 1, "", str(error))


def project_metadata(root: Path) -> tuple[str, list[str]]:
    """The description and GitHub topics a project declares in pyproject.toml."""
    try:
        data = read_regular(root / "pyproject.toml").data or b""
        meta = tomllib.loads(data.decode("utf-8"))["project"]
    except (KeyError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "", []
    keywords = meta.get("keywords") or []
    topics = [word.lower() for word in keywords if isinstance(word, str)]
    return str(meta.get("description", "")), [t for t in topics if TOPIC.match(t)][:MAX_TOPICS]


def _refuse_unpublishable(project: Project) -> None:
    if not project.is_repository:
        raise PublishError(
            f"{project.root} is not the top of a git repository: `git init`, commit, then publish"
        )
    if not project.has_commits:
        raise PublishError('no commits yet: `git add --all && git commit -m "First version"` first')
    if git_identity(project.root) is None:
        raise PublishError(f"git has no identity to commit with: `{SET_IDENTITY_HINT}`")
    results = set(uncommitted_results(project)) | set(referenced_figures(project))
    others = sorted(path for path in project.changed if path not in results)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise PublishError(
            f"uncommitted changes that are not results: {shown}; commit or stash them first"
        )


NO_GH_CHOICE = "push to an existing repository with --remote URL"


def github_login(root: Path, *, otherwise: str = NO_GH_CHOICE) -> str:
    """The login `gh` is signed in with; PublishError saying what to do when there is none."""
    gh = shutil.which("gh")
    if gh is None:
        raise PublishError(
            "gh (the GitHub CLI) is not installed: install it (https://cli.github.com) and run "
            f"`gh auth login`, or {otherwise}"
        )
    if _look_up([gh, "auth", "status"], root).returncode != 0:
        choice = "use --remote URL" if otherwise == NO_GH_CHOICE else otherwise
        raise PublishError(f"gh is not logged in: run `gh auth login`, or {choice}")
    found = _look_up([gh, "api", "user", "--jq", ".login"], root)
    login = found.stdout.strip()
    if found.returncode != 0 or not login:
        raise PublishError(f"`gh api user` failed: {found.stderr.strip() or 'no login'}")
    return login


def _remote_url(project: Project, remote: str) -> tuple[str, str]:
    """(name, URL) to push to: an existing remote's name, or a URL added as origin."""
    names = project.git("remote", check=False).split()
    if remote in names:
        return remote, project.git("config", "--get", f"remote.{remote}.url").strip()
    if "origin" in names:
        current = project.git("config", "--get", "remote.origin.url").strip()
        if current != remote:
            raise PublishError(
                f"origin already points at {current}: pass --remote origin to push there, "
                "or `git remote remove origin` first"
            )
    refuse_bad_remote_url(remote)
    return "origin", remote


def fix_owner(root: Path, owner: str, repository: str, *, dry_run: bool, say: Say) -> list[str]:
    """Point the CI badge and placeholder logins at owner/repository; return the files edited."""
    placeholder = placeholders().get("github_username", "")
    changed = []
    for name in OWNER_DOCUMENTS:
        path = root / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        fixed = BADGE.sub(f"github.com/{owner}/{repository}/actions/workflows/", text)
        if placeholder:
            fixed = fixed.replace(placeholder, owner)
        if fixed != text:
            changed.append(name)
            say(f"# {name}: GitHub links now name {owner}/{repository}")
            if not dry_run:
                path.write_text(fixed, encoding="utf-8")
    return changed


def _dvc_outputs_in(root: Path, names: list[str]) -> list[str]:
    """Those of `names` that dvc.lock records as outputs (their new hash must be recorded)."""
    text = (read_regular(root / "dvc.lock").data or b"").decode("utf-8", errors="replace")
    return [name for name in names if re.search(rf"path: {re.escape(name)}\s", text)]


def _commit_message(changed: set[str]) -> str:
    """What the commit holds: the pipeline's results, the DVC remote, or both."""
    if changed <= {MANIFEST}:
        return MANIFEST_MESSAGE
    if changed <= {DVC_CONFIG, MANIFEST}:
        return DVC_REMOTE_MESSAGE
    return COMMIT_MESSAGE + (" and the DVC remote" if DVC_CONFIG in changed else "")


def _add_dvc_remote(shell: Shell, dvc: list[str], remote: DvcRemote) -> None:
    """The remote's URL into .dvc/config (committed); its user and password into the
    git-ignored .dvc/config.local, which never leaves the machine."""
    shell.run(
        [*dvc, "remote", "add", "--default", "--force", "--", DVC_REMOTE_NAME, remote.location],
        refused="could not add the DVC remote",
    )
    for key, value in remote.local_settings:
        shell.run(
            [*dvc, "remote", "modify", "--local", "--", DVC_REMOTE_NAME, key, value],
            refused=f"could not set the DVC remote's {key}",
            hide=(value,) if key == "password" else (),
        )


def _commit_results(
    project: Project,
    shell: Shell,
    *,
    dvc: list[str] | None,
    dvc_remote: DvcRemote | None,
    release_manifest: str | None = None,
) -> None:
    """Commit what the pipeline wrote, the DVC remote and the model's release manifest; name
    the results it leaves out."""
    root = project.root
    staged, left_out = staged_and_left_out(project, [*OWNER_DOCUMENTS, "dvc.lock"])
    for path in left_out:
        shell.say(f"# not published: {path} (neither a pipeline output in dvc.yaml nor in git)")
    shell.result.left_out = left_out
    if dvc_remote and dvc:
        _add_dvc_remote(shell, dvc, dvc_remote)
        staged.append(DVC_CONFIG)
    manifest_changed = False
    if release_manifest is not None:
        manifest_changed = _read_text(root / MANIFEST) != release_manifest
        if not shell.dry_run:
            (root / MANIFEST).unlink(missing_ok=True)  # a link there would be followed
            (root / MANIFEST).write_text(release_manifest, encoding="utf-8")
        staged.append(MANIFEST)
    present = sorted(
        {
            name
            for name in staged
            if (root / name).exists() or name in project.tracked or name == MANIFEST
        }
    )
    if shell.dry_run:  # nothing is staged: what would be, from what differs now
        changes = _look_up(
            ["git", "status", "--porcelain", "-z", "-uall", "--no-renames", "--", *present], root
        )
        names = {entry[3:] for entry in changes.stdout.split("\0") if entry[2:3] == " "}
        changed = names | ({DVC_CONFIG} if dvc_remote and dvc else set())
        changed |= {MANIFEST} if manifest_changed else set()
    shell.run(["git", "add", "--", *present], refused="git add failed")
    if not shell.dry_run:
        changed = set(_look_up(["git", "diff", "--cached", "--name-only"], root).stdout.split())
    if changed:
        shell.run(["git", "commit", "-m", _commit_message(changed)], refused="the commit failed")
        shell.result.committed = True


def _read_text(path: Path) -> str | None:
    return (read_regular(path).data or b"").decode("utf-8", errors="replace") or None


def _release_to(
    project: Project, target: _Target, remote: str | None, *, release: bool, say: Say
) -> str | None:
    """The GitHub repository (owner/name) whose release gets the model; None for no release.

    gh must be installed and logged in before anything changes: without `remote`, finding the
    owner has checked it already.
    """
    if not release:
        return None
    if target.owner is None or target.repository is None:
        say("# no model release: the remote is not on GitHub (--no-release says so)")
        return None
    if remote is not None:  # the release is made with gh
        github_login(project.root, otherwise="publish without the model with --no-release")
    return f"{target.owner}/{target.repository}"


def _upload_release(
    project: Project, shell: Shell, full_name: str, tag: str, assets: list[Asset]
) -> None:
    """Create the release (or refill it: same files, same tag) with the model's files."""
    known = _look_up(["gh", "release", "view", f"--repo={full_name}", "--", tag], project.root)
    with tempfile.TemporaryDirectory(prefix="mlport-release-") as staging:
        files = []
        for asset in assets:
            if asset.nested:  # gh names an asset after its file: upload a copy so named
                copy = Path(staging) / asset.name
                shutil.copyfile(project.root / asset.path, copy)
                files.append(str(copy))
            else:
                files.append(asset.path)
        shell.run(
            release_command(full_name, tag, files, exists=known.returncode == 0),
            refused=f"the project is pushed, but gh release {tag} failed (publish again to retry)",
        )


def _create_on_github(
    shell: Shell, full_name: str, private: bool, description: str, topics: list[str]
) -> None:
    # Values joined to their option and `--` before the name: nothing from pyproject.toml is
    # ever read as an option.
    create = ["gh", "repo", "create", "--private" if private else "--public", "--source=."]
    if description:
        create += [f"--description={description}"]
    create += ["--remote=origin", "--push", "--", full_name]
    shell.run(create, refused="gh repo create failed")
    if topics:
        shell.run(
            ["gh", "repo", "edit", f"--add-topic={','.join(topics)}", "--", full_name],
            refused="gh repo edit (topics) failed",
        )


def _push_template_branch(
    project: Project, shell: Shell, remote: str, pushed: str, *, via_gh: bool
) -> None:
    """Push the template branch too: in a clone, `mlport update` follows it from the remote."""
    if not project.git("branch", "--list", TEMPLATE_BRANCH, check=False).strip():
        return
    shell.run(
        ["git", *(GH_CREDENTIALS if via_gh else ()), "push", "--", remote, TEMPLATE_BRANCH],
        refused=f"{pushed} is pushed, but the remote {remote} refused {TEMPLATE_BRANCH}",
    )


@dataclass(frozen=True)
class _Target:
    """Where the project goes: a remote name, its URL (None: gh creates it), the GitHub owner."""

    name: str
    url: str | None
    owner: str | None
    repository: str | None


def _target(project: Project, remote: str | None) -> _Target:
    if remote is None:
        if "origin" in project.git("remote", check=False).split():
            raise PublishError("origin exists already: publish there with --remote origin")
        return _Target("origin", None, github_login(project.root), project.root.name)
    name, url = _remote_url(project, remote)
    on_github = GITHUB_REMOTE.search(url)
    owner, repository = on_github.groups() if on_github else (None, None)
    return _Target(name, url, owner, repository)


def _refuse_placeholder_login(root: Path) -> None:
    """Off GitHub, nothing can replace the placeholder login, so it must not be pushed."""
    placeholder = placeholders().get("github_username")
    left = [
        name
        for name in OWNER_DOCUMENTS
        if placeholder and (root / name).is_file() and placeholder in (root / name).read_text()
    ]
    if left:
        raise PublishError(
            f"{', '.join(left)} still name the GitHub user {placeholder!r}: replace it with your "
            "login (`git config --global github.user LOGIN` for new projects), then publish"
        )


def publish(
    path: str | Path = ".",
    *,
    remote: str | None = None,
    private: bool = False,
    dry_run: bool = False,
    dvc_remote: str | None = None,
    draft: bool = False,
    release: bool = True,
    say: Say = _say_nothing,
) -> Published:
    """Check the project, commit its results, create or reach its remote, and push.

    Without `remote`, the GitHub repository is created with `gh repo create` (public unless
    `private`) under the logged-in user, with the project's description and topics. A `draft`
    goes without the author's words and names (`DRAFT_WAIVES`), listed in `Published.missing`.
    On GitHub, unless not `release`, the files in models/ go to a release tagged by their
    digest, and model-release.json (committed) lists their URLs and sha256 checksums.
    """
    project = Project(Path(path))
    _refuse_unpublishable(project)
    root = project.root
    target = _target(project, remote)
    owner, repository = target.owner, target.repository
    release_to = _release_to(project, target, remote, release=release, say=say)
    assets = model_assets(root) if release_to else []  # a name GitHub would change stops here
    if release_to and not assets:
        say("# no model release: models/ holds no trained model")
    planned_remote = None
    if dvc_remote:
        planned_remote = dvc_remote if "://" in dvc_remote else str(Path(dvc_remote).resolve())
    result = Published(rows=audit(root, publishing=True, dvc_remote=planned_remote))
    if owner is None:
        _refuse_placeholder_login(root)
    if draft:
        result.missing = [row for row in failed(result.rows) if row.check in DRAFT_WAIVES]
    blocking = [row for row in failed(result.rows) if row not in result.missing]
    if blocking:
        names = ", ".join(row.check for row in blocking)
        raise PublishError(
            f"`mlport check` fails on: {names}; fix them, then publish", rows=blocking
        )
    shell = Shell(root, dry_run=dry_run, say=say, result=result)
    dvc = dvc_command()
    if dvc is None and (dvc_remote or (root / "dvc.yaml").is_file()):
        raise PublishError("DVC is not installed: `pip install dvc`, then publish")
    description, topics = project_metadata(root)
    remote_name, url = target.name, target.url
    data_remote = dvc_remote_of(dvc_remote) if dvc_remote else None
    if url is not None:
        refuse_unreachable(project, remote_name if remote == remote_name else url)
    head = project.git("rev-parse", "HEAD").strip()

    recorded = pages_edited_by_hand(root) if dvc else []
    if owner and repository:
        edited = fix_owner(root, owner, repository, dry_run=dry_run, say=say)
        recorded = sorted(set(recorded) | set(_dvc_outputs_in(root, edited)))
    if recorded:
        # The report stage writes these pages too: record the edits so `dvc status` stays clean.
        shell.run([*dvc, "commit", "--force", "--", *recorded], refused="dvc commit failed")

    tag = release_tag(assets)
    release_manifest = manifest(release_to, tag, assets) if release_to and assets else None
    _commit_results(
        project, shell, dvc=dvc, dvc_remote=data_remote, release_manifest=release_manifest
    )
    if not dry_run:
        refuse_secrets_in_push(root, undo_to=head if result.committed else None)
    if data_remote and dvc:
        shell.run([*dvc, "push"], refused="dvc push failed")
    remotes_before = set(project.git("remote", check=False).split())
    branch = project.git("branch", "--show-current", check=False).strip() or "main"
    try:
        if remote is None:
            _create_on_github(shell, f"{owner}/{repository}", private, description, topics)
            result.url = f"https://github.com/{owner}/{repository}"
        else:
            if remote_name not in remotes_before:
                shell.run(
                    ["git", "remote", "add", "--", remote_name, url],
                    refused="git remote add failed",
                )
            shell.run(
                ["git", "push", "--set-upstream", "--", remote_name, branch],
                refused=f"the remote {remote_name} refused the push",
            )
            result.url = f"https://github.com/{owner}/{repository}" if owner else redact(url)
        _push_template_branch(project, shell, remote_name, branch, via_gh=remote is None)
    except PublishError:
        # The commit stays (publishing again pushes it); a remote that took nothing goes.
        for added in set(project.git("remote", check=False).split()) - remotes_before:
            _look_up(["git", "remote", "remove", "--", added], root)
        raise
    if release_to and assets:
        _upload_release(project, shell, release_to, tag, assets)
        result.release = f"https://github.com/{release_to}/releases/tag/{tag}"
    return result
