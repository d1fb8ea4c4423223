"""Each project as its published state shows it, and what keeps it from being shown."""

from __future__ import annotations

import math
import posixpath
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from mlport.audit.checks import IMAGE_REFERENCE, NO_RESULTS, github_remote
from mlport.audit.facts import Project
from mlport.audit.numbers import compare
from mlport.errors import NoRecordError, PortfolioError
from mlport.portfolio.committed import Committed
from mlport.portfolio.headline import Headline, parse_headline
from mlport.record import RECORD_FILE, parse_record

EVALUATION = "reports/evaluation.json"
METRICS = "reports/metrics.json"
# What the pipeline and the learner publish: a change to any of these makes HEAD stale.
PUBLISHED = ("README.md", "MODEL_CARD.md", "dvc.lock")
PUBLISHED_DIRS = ("reports/",)
# Topics that name a library under another name than its distribution's.
LIBRARY_TOPICS = {"pytorch": "torch", "pytorch-lightning": "lightning"}
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
SLUG = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Figure:
    """A figure of the project's evaluation and its caption."""

    path: str
    caption: str


@dataclass
class Entry:
    """One project of the portfolio: what it shows, or why it is not shown."""

    path: Path
    name: str
    slug: str = ""
    description: str = ""
    template: str = ""
    stack: list[str] = field(default_factory=list)
    owner: str | None = None
    repository: str | None = None  # https://github.com/owner/name
    commit: str | None = None
    headline: Headline | None = None
    figure: Figure | None = None
    author: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Whether the project is shown: nothing missing, stale or unpublished."""
        return not self.problems

    def blob_url(self, path: str) -> str | None:
        """The page on GitHub of a file as this commit holds it."""
        if self.repository is None or self.commit is None:
            return None
        return f"{self.repository}/blob/{self.commit}/{path}"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def stack(pyproject: dict) -> list[str]:
    """The project's topics that name a library it depends on: its stack, in its own words."""
    project = pyproject.get("project") or {}
    names = set()
    for requirement in project.get("dependencies") or []:
        found = REQUIREMENT_NAME.match(str(requirement))
        if found:
            names.add(_canonical(found.group(1)))
    topics = [str(topic) for topic in project.get("keywords") or []]
    return [topic for topic in topics if _canonical(LIBRARY_TOPICS.get(topic, topic)) in names]


def _toml(text: str | None) -> dict:
    try:
        return tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}


def _listed(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _uncommitted(project: Project, figures: list[str]) -> list[str]:
    return sorted(
        path
        for path in project.changed
        if path in PUBLISHED or path.startswith(PUBLISHED_DIRS) or path in figures
    )


def _not_pushed(head: Committed) -> str | None:
    """Why GitHub may not show HEAD yet, judged from the remote-tracking branch."""
    branch = head.git("symbolic-ref", "--short", "-q", "HEAD") or "main"
    upstream = head.git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}")
    tracking = upstream or f"origin/{branch}"
    if not head.git("rev-parse", "--verify", "-q", f"refs/remotes/{tracking}"):
        return "never pushed: `git push --set-upstream origin " + branch + "`"
    ahead = head.git("rev-list", "--count", f"{tracking}..HEAD")
    if ahead and ahead != "0":
        return f"{ahead} commit{'s' if ahead != '1' else ''} not pushed: `git push`"
    return None


def _evaluation_problems(head: Committed, entry: Entry) -> list[str]:
    """Read the headline and first figure at HEAD; what is missing or disagrees."""
    try:
        evaluation = head.json(EVALUATION)
    except ValueError:
        return [f"{EVALUATION} is not valid JSON: run `dvc repro`, then commit"]
    if evaluation is None:
        return [f"no committed results ({EVALUATION}): run `dvc repro`, then `mlport publish`"]
    try:
        entry.headline = parse_headline(evaluation)
    except ValueError as error:
        return [f"{EVALUATION} is malformed ({error}): run `dvc repro`, then commit"]
    problems = []
    figures = [item for item in evaluation.get("figures") or [] if isinstance(item, dict)]
    if figures and isinstance(figures[0].get("path"), str):
        entry.figure = Figure(figures[0]["path"], str(figures[0].get("caption") or ""))
        if entry.figure.path not in head.paths:
            problems.append(f"{entry.figure.path} (the first figure) is not committed")
    try:
        metrics = head.json(METRICS)
    except ValueError:
        metrics = None
    value = metrics.get(entry.headline.metric) if isinstance(metrics, dict) else None
    if isinstance(value, int | float) and not math.isclose(
        value, entry.headline.value, rel_tol=1e-9, abs_tol=1e-12
    ):
        problems.append(
            f"{EVALUATION} and {METRICS} disagree on {entry.headline.metric} "
            f"({entry.headline.value:.6g} and {value:.6g}): run `dvc repro`, then commit"
        )
    return problems


def _local_images(readme: str) -> list[str]:
    """The project's own files README.md shows as images, as paths from its root."""
    found = []
    for match in IMAGE_REFERENCE.finditer(readme):
        target = (match.group(1) or match.group(2)).split("#")[0].split("?")[0]
        if target and "://" not in target and not target.startswith(("data:", "/")):
            found.append(posixpath.normpath(unquote(target)))
    return list(dict.fromkeys(found))


def _readme_problems(head: Committed) -> list[str]:
    """The README at HEAD must show results, and the numbers of the committed metrics files."""
    readme = head.text("README.md")
    if readme is None:
        return ["no README.md in the last commit"]
    if any(marker in readme for marker in NO_RESULTS):
        return ["README.md in the last commit shows no results: run `dvc repro`, then commit"]
    missing = [path for path in _local_images(readme) if path not in head.paths]
    if missing:
        return [f"README.md shows figures the last commit lacks: {_listed(missing)}"]
    with tempfile.TemporaryDirectory(prefix="mlport-portfolio-") as scratch:
        root = Path(scratch)
        for path in head.paths:
            if path == "dvc.yaml" or (path.startswith("reports/") and path.endswith(".json")):
                head.write(path, root / path)
        _, _, mismatches = compare(root, readme)
    if mismatches:
        return [f"README.md disagrees with the reports: {mismatches[0]}: run `dvc repro`"]
    return []


def read_project(path: Path) -> Entry:
    """The project at `path` as its last commit shows it, with every problem found."""
    root = path.resolve()
    entry = Entry(path=root, name=root.name, slug=root.name)
    project = Project(root)
    if not project.is_repository:
        entry.problems.append("not the top of a git repository: `git init`, commit, publish")
        return entry
    head = Committed(root)
    entry.commit = head.commit
    if entry.commit is None:
        entry.problems.append('no commit yet: `git add --all && git commit -m "First version"`')
        return entry
    try:
        record = parse_record(head.text(RECORD_FILE) or "", RECORD_FILE)
    except NoRecordError:
        record = None
    answers = record.answers if record else {}
    meta = _toml(head.text("pyproject.toml")).get("project") or {}
    entry.name = answers.get("project_name") or str(meta.get("name") or root.name)
    entry.description = str(meta.get("description") or answers.get("description") or "")
    entry.template = record.template if record else ""
    entry.stack = stack(_toml(head.text("pyproject.toml")))
    entry.author = answers.get("author_name", "")
    remote = github_remote(project)
    if remote:
        entry.owner, repository = remote
        entry.repository = f"https://github.com/{entry.owner}/{repository}"
        entry.slug = repository

    entry.problems += _evaluation_problems(head, entry)
    entry.problems += _readme_problems(head)
    figures = [entry.figure.path] if entry.figure else []
    pending = _uncommitted(project, figures)
    if pending:
        entry.problems.append(
            f"uncommitted changes to {_listed(pending)}: the last commit is stale; "
            "commit them (`mlport publish`)"
        )
    if remote is None:
        entry.problems.append("no GitHub repository: `mlport publish` creates it")
    else:
        unpushed = _not_pushed(head)
        if unpushed:
            entry.problems.append(unpushed)
    return entry


def is_project(folder: Path) -> bool:
    """Whether `folder` is an mlport project (its record on disk)."""
    return (folder / RECORD_FILE).is_file()


def find_projects(paths: list[Path]) -> list[Path]:
    """The project folders `paths` name: each a project, or a folder holding projects."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise PortfolioError(f"{path} is not a folder")
        if is_project(path) or (path / ".git").exists():
            found.append(path.resolve())
            continue
        inside = sorted(child for child in path.iterdir() if child.is_dir() and is_project(child))
        if not inside:
            raise PortfolioError(
                f"{path} is neither an mlport project nor a folder of them "
                f"(no {RECORD_FILE} in it or in its sub-folders)"
            )
        found.extend(child.resolve() for child in inside)
    unique = list(dict.fromkeys(found))
    return unique


def read_projects(paths: list[Path]) -> list[Entry]:
    """Every project `paths` name, each with a slug of its own (used for file names)."""
    entries = [read_project(path) for path in find_projects(paths)]
    taken: set[str] = set()
    for entry in entries:
        base = SLUG.sub("-", entry.slug.lower()).strip("-") or "project"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        entry.slug = slug
        taken.add(slug)
    return entries
