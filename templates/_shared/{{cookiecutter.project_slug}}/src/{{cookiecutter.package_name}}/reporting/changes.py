"""What the author changed since the template, read from git: evidence no page edit can fake."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# The branch holding only what mlport rendered; main starts from it and goes on with the work.
TEMPLATE_BRANCH = "mlport-template"
# Written by DVC or the pipeline, not by the author.
NOT_AUTHORED = (".dvc", ".dvcignore", "dvc.lock", "mlflow.db", "mlruns")
SHOWN = 8  # files and commits listed; the rest are counted
HEADING = "## What changed since the template"
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|#])")


@dataclass
class Changes:
    """Files changed or added since the template branch, their line counts and commit subjects."""

    files: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(plus or 0 for _, _, plus, _ in self.files)

    @property
    def removed(self) -> int:
        return sum(minus or 0 for _, _, _, minus in self.files)


def pipeline_outputs(dvc_yaml: Path = Path("dvc.yaml")) -> list[str]:
    """Every path dvc.yaml declares as an output, metric or plot: the pipeline wrote them."""
    if not dvc_yaml.is_file():
        return []
    stages = (yaml.safe_load(dvc_yaml.read_text(encoding="utf-8")) or {}).get("stages", {})
    paths = []
    for stage in stages.values():
        for kind in ("outs", "metrics", "plots"):
            for entry in stage.get(kind, []) or []:
                paths += list(entry) if isinstance(entry, dict) else [entry]
    return paths


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def read_changes(root: Path = Path(".")) -> Changes | str:
    """The author's changes since the template, or the sentence saying why they cannot be read."""
    if shutil.which("git") is None:
        return "git is not installed here, so the changes since the template cannot be shown."
    try:
        _git("rev-parse", "--git-dir", cwd=root)
    except subprocess.CalledProcessError:
        return "This project is not in a git repository, so its changes cannot be shown."
    try:
        _git("rev-parse", "--verify", "--quiet", TEMPLATE_BRANCH + "^{commit}", cwd=root)
    except subprocess.CalledProcessError:
        return (
            f"This repository has no `{TEMPLATE_BRANCH}` branch (`git fetch origin "
            f"{TEMPLATE_BRANCH}:{TEMPLATE_BRANCH}` brings it), so the changes cannot be shown."
        )
    excluded = [*NOT_AUTHORED, *pipeline_outputs(root / "dvc.yaml")]
    pathspec = ["--", ".", *(f":(exclude,top){path.rstrip('/')}" for path in excluded)]
    span = f"{TEMPLATE_BRANCH}...HEAD"
    status = dict(
        line.split("\t", 1)[::-1]
        for line in _git("diff", "--name-status", "--no-renames", span, *pathspec, cwd=root)
        .strip()
        .splitlines()
    )
    changes = Changes()
    numstat = _git("diff", "--numstat", "--no-renames", span, *pathspec, cwd=root)
    for line in numstat.strip().splitlines():
        plus, minus, path = line.split("\t", 2)
        kind = "added" if status.get(path, "").startswith("A") else "changed"
        if status.get(path, "").startswith("D"):
            kind = "removed"
        count = (int(plus), int(minus)) if plus != "-" else (None, None)  # binary
        changes.files.append((path, kind, *count))
    log = ["log", "--no-merges", "--format=%s", f"{TEMPLATE_BRANCH}..HEAD", *pathspec]
    changes.subjects = _git(*log, cwd=root).strip().splitlines()
    return changes


def _text(value: str) -> str:
    """A path or commit subject shown as typed: no Markdown, no HTML (a marker stays text)."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(value, quote=False))


def _more(count: int) -> list[str]:
    return [f"- and {count - SHOWN} more"] if count > SHOWN else []


def changes_section(root: Path = Path(".")) -> str:
    """The README's section on what the author changed since the template."""
    try:
        changes = read_changes(root)
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        changes = f"The changes since the template could not be read from git ({error})."
    if isinstance(changes, str):
        return f"{HEADING}\n\n{changes}"
    if not changes.files:
        return (
            f"{HEADING}\n\nNothing yet: every file is as mlport scaffolded it "
            f"(`git diff {TEMPLATE_BRANCH}...HEAD`, pipeline outputs left out)."
        )
    added = sum(1 for _, kind, _, _ in changes.files if kind == "added")
    lines = [
        f"{HEADING}\n",
        f"From `git diff {TEMPLATE_BRANCH}...HEAD`, pipeline outputs left out: "
        f"{len(changes.files) - added} files changed, {added} added, "
        f"{changes.added} lines added and {changes.removed} removed.\n",
    ]
    for path, kind, plus, minus in changes.files[:SHOWN]:
        counted = f", +{plus} −{minus}" if plus is not None else ", binary"
        lines.append(f"- {_text(path)} ({kind}{counted})")
    lines += _more(len(changes.files))
    if changes.subjects:
        lines.append("\nCommits:\n")
        lines += [f"- {_text(subject)}" for subject in changes.subjects[:SHOWN]]
        lines += _more(len(changes.subjects))
    return "\n".join(lines)


def scaffold_line(record: Path = Path(".mlport.json")) -> str:
    """Provenance: the mlport version and template that scaffolded the project, and what it gave."""
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "- Scaffold: unknown (no readable `.mlport.json`)"
    version, template = made.get("mlport_version", "?"), made.get("template", "?")
    return (
        f"- Scaffold: mlport {_text(str(version))}, template {_text(str(template))}: the "
        "pipeline, tracking, API, tests and this page's layout; the author's work is what "
        "changed since"
    )
