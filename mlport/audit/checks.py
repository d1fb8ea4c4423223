"""The checks of `mlport check`, each giving one row: pass, warn, fail or skip, and the fix."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlport.audit.data_names import lookup, stale_names, template_defaults
from mlport.audit.facts import Project, dvc_command
from mlport.audit.learner import LEARNER_SECTIONS, missing_words
from mlport.audit.numbers import compare
from mlport.audit.secrets import find_secrets
from mlport.errors import MlportError, NotAProjectError
from mlport.identity import git_identity, placeholders
from mlport.pipeline import ALL_KINDS, declared_paths
from mlport.reading import special_files
from mlport.record import RECORD_FILE, parse_record

LARGE_FILE_BYTES = 1024 * 1024
DVC_STATUS_TIMEOUT_SECONDS = 600
# Files that make a folder outside git a project worth auditing.
PROJECT_FILES = ("dvc.yaml", ".mlport.json", "pyproject.toml")
NO_RESULTS = ("No results yet", "Not evaluated yet")
# What `dvc repro` writes and a reader of the repository must see.
RESULT_FILES = ("README.md", "MODEL_CARD.md", "dvc.lock")
# Pages the report stage rewrites only between their results markers: the rest is the author's.
AUTHORED_PAGES = ("README.md", "MODEL_CARD.md")
RESULT_DIRS = ("reports/",)
IMAGE_REFERENCE = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I
)
BADGE = re.compile(r"github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)/actions/workflows/")
GITHUB_REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$")
URL_USERINFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^\s/@]+@", re.I)
COPYRIGHT = re.compile(
    r"Copyright\s+(?:\(c\)|©)?\s*[\d\s,-]*,?\s*(.+?)\.?\s*(?:All rights reserved\.)?$", re.I | re.M
)


@dataclass(frozen=True)
class Row:
    """One check's verdict, what it found and how to fix it."""

    check: str
    status: str  # pass | warn | fail | skip
    found: str
    fix: str = ""


def failed(rows: Iterable[Row]) -> list[Row]:
    return [row for row in rows if row.status == "fail"]


def _listed(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _git_add(paths: list[str]) -> str:
    """`git add` of the paths, nested files folded into their top folder to keep it short."""
    tops = sorted({path.split("/")[0] + ("/" if "/" in path else "") for path in paths})
    return f"git add {' '.join(tops)}"


def strip_credentials(text: str) -> str:
    """`text` with the user and password taken out of every URL in it."""
    return URL_USERINFO.sub(r"\1", text)


def _readme(project: Project) -> str | None:
    return project.text("README.md")


def check_placeholders(project: Project, publishing: bool) -> Row:
    values = placeholders()
    if publishing:
        # mlport publish replaces the placeholder login in the README and model card.
        values.pop("github_username", None)
    hits = []
    for path in project.visible_files():
        if path == ".cruft.json":
            continue
        text = project.text(path) or ""
        found = [value for value in values.values() if value in text]
        if found:
            hits.append(f"{path} ({', '.join(found)})")
    if not hits:
        return Row("placeholders", "pass", "no placeholder identity left")
    return Row(
        "placeholders",
        "fail",
        f"left in {_listed(hits)}",
        "replace them with your name, e-mail and GitHub login (in a project mlport made: "
        "`mlport update --set author_name=... --set author_email=... --set github_username=...`)",
    )


def check_results(project: Project, publishing: bool) -> Row:
    readme, problem = project.document("README.md")
    if readme is None and problem == "does not exist":
        return Row("results", "fail", "no README.md", "write a README.md that shows the results")
    if readme is None:
        return Row(
            "results",
            "fail",
            f"README.md {problem}",
            "make README.md a regular UTF-8 text file in the project (it shows the results)",
        )
    waiting = [
        name
        for name in ("README.md", "MODEL_CARD.md")
        if any(marker in (project.text(name) or "") for marker in NO_RESULTS)
    ]
    if waiting:
        return Row(
            "results",
            "fail",
            f"{_listed(waiting)} {'say' if len(waiting) > 1 else 'says'} there are no results yet",
            "run the pipeline (`dvc repro`): it writes the results into them",
        )
    return Row("results", "pass", "README.md shows results")


def check_numbers(project: Project, publishing: bool) -> Row:
    readme = _readme(project)
    if readme is None or any(marker in readme for marker in NO_RESULTS):
        return Row("numbers", "skip", "no results in README.md to compare")
    files, compared, mismatches = compare(project.root, readme)
    if not files:
        return Row("numbers", "skip", "no metrics file (dvc.yaml metrics or reports/metrics.json)")
    if mismatches:
        return Row(
            "numbers",
            "fail",
            "; ".join(map(str, mismatches[:3])),
            "run `dvc repro` so the report stage rewrites README.md from the metrics",
        )
    if compared == 0:
        return Row(
            "numbers",
            "warn",
            f"README.md shows no number from {_listed(files)}",
            "show the metrics in README.md (the report stage does this in mlport projects)",
        )
    return Row("numbers", "pass", f"{compared} numbers agree with {_listed(files)}")


def referenced_figures(project: Project) -> list[str]:
    """Local images README.md and MODEL_CARD.md show, as paths from the project root."""
    figures: list[str] = []
    for document in ("README.md", "MODEL_CARD.md"):
        for match in IMAGE_REFERENCE.finditer(project.text(document) or ""):
            target = (match.group(1) or match.group(2)).split("#")[0].split("?")[0]
            if "://" in target or target.startswith(("data:", "/")) or not target:
                continue
            path = os.path.normpath(target).replace(os.sep, "/")
            if path not in figures:
                figures.append(path)
    return figures


def check_figures(project: Project, publishing: bool) -> Row:
    figures = referenced_figures(project)
    if not figures:
        return Row("figures", "skip", "README.md shows no local figure")
    missing = [path for path in figures if not (project.root / path).is_file()]
    if missing:
        return Row(
            "figures",
            "fail",
            f"referenced but missing: {_listed(missing)}",
            "run `dvc repro` (or `dvc pull`), or remove the references",
        )
    ignored = [path for path in figures if project.ignored(path)]
    if ignored:
        return Row(
            "figures",
            "fail",
            f"ignored by git, so GitHub cannot show them: {_listed(ignored)}",
            "give them `cache: false` in dvc.yaml so git keeps them, then `dvc repro`",
        )
    uncommitted = [path for path in figures if path in project.changed]
    if project.is_repository and uncommitted and not publishing:
        return Row(
            "figures",
            "fail",
            f"not committed: {_listed(uncommitted)}",
            f"`{_git_add(uncommitted)}` and commit (or `mlport publish`)",
        )
    return Row("figures", "pass", f"{len(figures)} figures present and kept in git")


def uncommitted_results(project: Project) -> list[str]:
    """Result files that are new or changed since the last commit."""
    return sorted(
        path
        for path in project.changed
        if path in RESULT_FILES
        or path.startswith(RESULT_DIRS)
        # DVC lists each output it caches in the .gitignore beside it.
        or path.rpartition("/")[2] == ".gitignore"
    )


def check_committed(project: Project, publishing: bool) -> Row:
    if not project.is_repository:
        return Row("committed", "fail", "not a git repository", "`git init`, then commit")
    if not project.has_commits:
        return Row(
            "committed", "fail", "no commit yet", '`git add --all && git commit -m "First version"`'
        )
    pending = uncommitted_results(project)
    if not pending:
        return Row("committed", "pass", "results are committed")
    if publishing:
        return Row("committed", "pass", f"mlport publish commits {_listed(pending)}")
    return Row(
        "committed",
        "fail",
        f"results not committed: {_listed(pending)}",
        f'`{_git_add(pending)} && git commit -m "Add results"`, or `mlport publish`',
    )


def check_secrets(project: Project, publishing: bool) -> Row:
    findings = find_secrets(project)
    if not findings:
        where = "files and git history" if project.is_repository else "files"
        return Row("secrets", "pass", f"no credential, token or .env file in the {where}")
    in_history = any(finding.in_history_only for finding in findings)
    fix = "remove it and revoke or rotate the credential; keep secrets in an ignored .env"
    if in_history:
        fix += "; it is in git history too: rewrite it (`git filter-repo`) before pushing"
    fix += "; a made-up value in code: end its line with `# pragma: allowlist secret`"
    return Row("secrets", "fail", _listed([str(finding) for finding in findings], 3), fix)


def check_large_files(project: Project, publishing: bool) -> Row:
    if not project.is_repository:
        return Row("large files", "skip", "not a git repository")
    sizes: dict[str, int] = {}
    for blob in project.blobs:
        if blob.size > LARGE_FILE_BYTES:
            sizes[blob.path] = max(blob.size, sizes.get(blob.path, 0))
    for path in project.untracked:
        size = (project.root / path).stat().st_size if (project.root / path).is_file() else 0
        if size > LARGE_FILE_BYTES:
            sizes[path] = size
    if not sizes:
        return Row("large files", "pass", "no file over 1 MB in git")
    found = [f"{path} ({size / 2**20:.1f} MB)" for path, size in sorted(sizes.items())]
    return Row(
        "large files",
        "fail",
        f"over 1 MB: {_listed(found, 3)}",
        "track data and models with DVC: `git rm --cached FILE && dvc add FILE`",
    )


def license_holder(text: str) -> str | None:
    found = COPYRIGHT.search(text)
    return found.group(1).strip() if found else None


def check_license(project: Project, publishing: bool) -> Row:
    names = [
        path for path in project.visible_files() if path.upper().startswith(("LICENSE", "COPYING"))
    ]
    if not names:
        return Row(
            "license",
            "warn",
            "no LICENSE file",
            "add one (https://choosealicense.com) so others may reuse it",
        )
    holder = license_holder(project.text(names[0]) or "")
    if holder is None:
        return Row("license", "pass", f"{names[0]} present (no copyright line to check)")
    if holder in placeholders().values():
        return Row(
            "license",
            "fail",
            f"holder is the placeholder {holder!r}",
            f"put your name in {names[0]}",
        )
    identity = git_identity(project.root)
    if identity and identity.name.casefold() not in holder.casefold():
        return Row(
            "license",
            "warn",
            f"holder {holder!r} is not git's user.name {identity.name!r}",
            f"check the name in {names[0]}",
        )
    return Row("license", "pass", f"holder: {holder}")


def check_dvc_status(project: Project, publishing: bool) -> Row:
    if not (project.root / "dvc.yaml").is_file():
        return Row("dvc status", "skip", "no dvc.yaml")
    dvc = dvc_command()
    if dvc is None:
        return Row("dvc status", "warn", "DVC is not installed", "`pip install dvc`")
    # DVC hashes every dependency and output: a pipe would stop it for good, /dev/zero never ends.
    special = special_files(project.root, declared_paths(project.root, ALL_KINDS))
    if special:
        return Row(
            "dvc status",
            "fail",
            f"not run: {_listed(special, 2)}",
            "replace it with a regular file (DVC reads every file the pipeline uses)",
        )
    try:
        status, detail = dvc_status(project.root, dvc)
    except subprocess.TimeoutExpired:
        return Row(
            "dvc status",
            "fail",
            f"`dvc status` did not finish in {DVC_STATUS_TIMEOUT_SECONDS // 60} minutes",
            "run `dvc status` yourself to see where it stops",
        )
    if status is None:
        return Row(
            "dvc status",
            "fail",
            f"`dvc status` failed: {detail}",
            "fix the pipeline, then `dvc repro`",
        )
    edited = hand_edited_pages(status)
    if edited:
        return Row(
            "dvc status",
            "pass",
            f"pipeline and data are up to date; {_listed(edited)} edited by hand "
            "(`mlport publish` records the edit)",
        )
    if status:
        return Row(
            "dvc status",
            "fail",
            f"not up to date: {_listed(sorted(status))}",
            "`dvc repro` (in a fresh clone, `dvc pull` first; "
            "after editing an output by hand, `dvc commit --force FILE`)",
        )
    return Row("dvc status", "pass", "pipeline and data are up to date")


def hand_edited_pages(status: dict) -> list[str]:
    """The authored pages, when they are all `dvc status` reports: the author wrote in them.

    Anything else out of date (a dependency, another output) gives an empty list, so that the
    edit is never recorded over a stale pipeline.
    """
    edited: list[str] = []
    for changes in status.values():
        for change in changes if isinstance(changes, list) else [changes]:
            outs = change.get("changed outs") if isinstance(change, dict) else None
            if not isinstance(outs, dict) or len(change) != 1:
                return []
            for path, state in outs.items():
                if path not in AUTHORED_PAGES or state != "modified":
                    return []
                edited.append(path)
    return sorted(edited)


def dvc_status(root: Path, dvc: list[str]) -> tuple[dict | None, str]:
    """`dvc status --json` of the project at `root`: its report (None when DVC failed or printed
    no report) and the last line DVC wrote on stderr."""
    result = subprocess.run(
        [*dvc, "status", "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "DVC_NO_ANALYTICS": "1"},
        timeout=DVC_STATUS_TIMEOUT_SECONDS,
    )
    lines = result.stdout.strip().splitlines()
    try:
        status = json.loads(lines[-1]) if result.returncode == 0 and lines else None
    except ValueError:
        status = None
    detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
    return (status if isinstance(status, dict) else None), detail


def pages_edited_by_hand(root: Path) -> list[str]:
    """`hand_edited_pages` of the project at `root` now; empty when DVC cannot tell."""
    dvc = dvc_command()
    status = dvc_status(root, dvc)[0] if dvc else None
    return hand_edited_pages(status) if status else []


def github_remote(project: Project) -> tuple[str, str] | None:
    """(owner, repository) of the first GitHub remote, origin first."""
    if not project.is_repository:
        return None
    remotes = project.git("remote", check=False).split()
    for name in sorted(remotes, key=lambda remote: remote != "origin"):
        found = GITHUB_REMOTE.search(
            project.git("config", "--get", f"remote.{name}.url", check=False).strip()
        )
        if found:
            return found.group(1), found.group(2)
    return None


def check_badge(project: Project, publishing: bool) -> Row:
    badges = sorted(set(BADGE.findall(_readme(project) or "")))
    if not badges:
        return Row("badge", "skip", "README.md has no GitHub Actions badge")
    owners = ", ".join(f"{owner}/{repo}" for owner, repo in badges)
    placeholder = placeholders().get("github_username")
    if any(owner == placeholder for owner, _ in badges) and not publishing:
        return Row(
            "badge",
            "fail",
            f"badge points at {owners}",
            "`mlport publish` sets your login, or replace it in README.md",
        )
    remote = github_remote(project)
    if remote is None:
        return Row("badge", "pass", f"badge points at {owners}; no GitHub remote to compare")
    if publishing or all(
        (owner.lower(), repo.lower()) == (remote[0].lower(), remote[1].lower())
        for owner, repo in badges
    ):
        return Row("badge", "pass", f"badge matches the remote {remote[0]}/{remote[1]}")
    return Row(
        "badge",
        "fail",
        f"badge points at {owners}, the remote is {remote[0]}/{remote[1]}",
        f"replace it with {remote[0]}/{remote[1]} in README.md (`mlport publish` does it)",
    )


# The workflow step that tells CI whether it can get the pipeline's data (every mlport project
# has it); `--json` gives its answer to tools.
CI_DATA_SCRIPT = ".github/ci_data.py"
CI_WORKFLOW = ".github/workflows/ci.yml"
CI_DATA_FIX = (
    "put the data where CI can pull it: `dvc add` it, `dvc remote add -d storage s3://BUCKET/PATH` "
    "(or gs://, azure://, gdrive://, https://), `dvc push`, commit .dvc/config and set the "
    "secrets docs/pipeline.md names under 'Variants and CI' "
    "(or `mlport publish --dvc-remote s3://BUCKET/PATH`)"
)


def check_ci_data(project: Project, publishing: bool) -> Row:
    """Whether CI can get the data to reproduce the pipeline: it asks the project's own step."""
    workflow = project.text(CI_WORKFLOW)
    if workflow is None or "dvc repro" not in workflow:
        return Row("ci data", "skip", "no GitHub Actions workflow runs the pipeline")
    if not (project.root / CI_DATA_SCRIPT).is_file():
        return Row(
            "ci data",
            "warn",
            "CI runs `dvc repro` without asking whether it can get the data",
            "`mlport update` brings the step that asks (.github/ci_data.py)",
        )
    command = [sys.executable, CI_DATA_SCRIPT, "--json"]
    if project.dvc_remote:
        command += ["--remote", project.dvc_remote]
    try:
        asked = subprocess.run(
            command, cwd=project.root, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Row("ci data", "warn", f"{CI_DATA_SCRIPT} could not run: {error}")
    try:
        answer = json.loads(asked.stdout)
        reproduce, reasons = bool(answer["reproduce"]), [str(r) for r in answer["reasons"]]
    except (ValueError, KeyError, TypeError):
        said = (asked.stderr.strip().splitlines() or ["nothing"])[-1]
        return Row("ci data", "warn", f"{CI_DATA_SCRIPT} gave no answer: {strip_credentials(said)}")
    found = "; ".join(strip_credentials(reason) for reason in reasons)
    if reproduce:
        return Row("ci data", "pass", f"CI can reproduce the pipeline: {found}")
    return Row(
        "ci data", "fail", f"CI cannot get the data, so it skips the pipeline: {found}", CI_DATA_FIX
    )


def _template_descriptions() -> list[str]:
    from mlport.registry import available_templates

    try:
        templates = available_templates()
    except MlportError:
        return []
    return [str(template.context.get("description", "")) for template in templates]


def check_learner_words(project: Project, publishing: bool) -> Row:
    """A project mlport made opens with the learner's pitch and sections: written, not seeded."""
    readme = _readme(project)
    if readme is None or not (project.root / ".mlport.json").is_file():
        return Row("learner words", "skip", "not a project mlport made")
    missing = missing_words(readme, _template_descriptions())
    if not missing:
        return Row("learner words", "pass", "pitch and sections written by the author")
    return Row(
        "learner words",
        "fail",
        _listed(missing, limit=len(missing)),
        f"in README.md, write the pitch (the problem and for whom) and the sections "
        f"{', '.join(LEARNER_SECTIONS)} in your own words, replacing each question; "
        "`mlport publish --draft` publishes before that",
    )


def check_data_names(project: Project, publishing: bool) -> Row:
    """A project mlport made, on other data than its template's, no longer named for that data."""
    from mlport.registry import get_template

    try:
        record = parse_record(project.text(RECORD_FILE) or "", RECORD_FILE)
        default = template_defaults(get_template(record.template).path)
    except MlportError:
        return Row("data names", "skip", "not a project mlport made from an installed template")
    if default is None:
        return Row("data names", "skip", f"the template {record.template} names no default data")
    try:
        params = yaml.safe_load(project.text("params.yaml") or "")
    except yaml.YAMLError:
        params = None
    if not isinstance(params, dict) or lookup(params, default.key) is None:
        return Row("data names", "skip", f"no params.yaml naming {default.key}")
    if str(lookup(params, default.key)) == default.value:
        return Row("data names", "pass", f"data is the template's default ({default.value})")
    stale = stale_names(project, params, default)
    places = stale.places(default)
    if not places:
        return Row(
            "data names", "pass", f"data is {stale.data}; nothing still named for {default.label}"
        )
    return Row(
        "data names",
        "fail",
        f"data is {stale.data} but still named for {default.label}: {_listed(places, len(places))}",
        "; ".join(stale.fixes()),
    )


Check = Callable[[Project, bool], Row]
CHECKS: tuple[Check, ...] = (
    check_placeholders,
    check_results,
    check_numbers,
    check_figures,
    check_committed,
    check_secrets,
    check_large_files,
    check_license,
    check_dvc_status,
    check_badge,
    check_ci_data,
    check_learner_words,
    check_data_names,
)


def audit(
    path: str | Path = ".", *, publishing: bool = False, dvc_remote: str | None = None
) -> list[Row]:
    """Run every check on the project at `path`.

    With `publishing`, what `mlport publish` is about to fix (results not yet committed, the
    badge owner) does not fail; `dvc_remote` is the default DVC remote it is about to add. A
    folder that is no project raises NotAProjectError: its files (a home folder's .netrc, say)
    are not a project's to judge.
    """
    project = Project(Path(path), dvc_remote=dvc_remote)
    refuse_non_project(project)
    return [check(project, publishing) for check in CHECKS]


def refuse_non_project(project: Project) -> None:
    """NotAProjectError unless the folder is a repository's top or holds a project's files."""
    if project.is_repository or any((project.root / name).is_file() for name in PROJECT_FILES):
        return
    top = project.enclosing_repository
    where = f"; it is inside the git repository {top}: check that folder" if top else ""
    raise NotAProjectError(
        f"{project.root} is not a project: no git repository, {', '.join(PROJECT_FILES)} "
        f"here{where}"
    )
