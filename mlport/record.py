"""What a project records about its origin: template, mlport version, source commit, answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlport import __version__
from mlport.errors import NoRecordError

RECORD_FILE = ".mlport.json"
# What cookiecutter adds to the answers about this one run, not about the project.
_RUN_KEYS = ("_output_dir", "_repo_dir", "_checkout", "_template")


@dataclass(frozen=True)
class Record:
    """What `.mlport.json` says: enough to render the same project again from newer templates."""

    template: str
    mlport_version: str
    source_commit: str | None
    answers: dict[str, str]

    def to_json(self) -> str:
        document = {
            "template": self.template,
            "mlport_version": self.mlport_version,
            "source_commit": self.source_commit,
            "answers": self.answers,
        }
        return json.dumps(document, indent=2) + "\n"


def source_commit(templates_dir: Path) -> str | None:
    """The commit of the checkout the templates come from (None for an installed wheel)."""
    checkout = templates_dir.parent
    if not (checkout / ".git").exists() or shutil.which("git") is None:
        return None
    found = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True
    )
    return found.stdout.strip() or None if found.returncode == 0 else None


def new_record(template: str, templates_dir: Path, answers: Mapping[str, object]) -> Record:
    """The record of a rendering made now, by this mlport, from `templates_dir`."""
    kept = {
        key: str(value)
        for key, value in answers.items()
        if not key.startswith("_") and key not in _RUN_KEYS
    }
    return Record(template, __version__, source_commit(templates_dir), kept)


def write_record(project: Path, record: Record) -> None:
    """Write `.mlport.json` into a project."""
    (project / RECORD_FILE).write_text(record.to_json(), encoding="utf-8")


def parse_record(text: str, where: str) -> Record:
    """A Record from the text of `.mlport.json`, or NoRecordError naming what is wrong."""
    try:
        document = json.loads(text)
        answers = document["answers"]
        record = Record(
            template=str(document["template"]),
            mlport_version=str(document.get("mlport_version", "")),
            source_commit=document.get("source_commit"),
            answers={str(key): str(value) for key, value in answers.items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise NoRecordError(
            f"{where} is not a valid mlport record ({error.__class__.__name__}: {error}); "
            f"restore it with `git checkout -- {RECORD_FILE}`"
        ) from error
    return record


def read_record(project: Path) -> Record:
    """The record of the project at `project`, or NoRecordError."""
    path = project / RECORD_FILE
    if not path.is_file():
        hint = (
            " (its .cruft.json comes from an mlport without `update`)"
            if (project / ".cruft.json").is_file()
            else ""
        )
        raise NoRecordError(
            f"{project} has no {RECORD_FILE}{hint}: only projects made by `mlport new` can be "
            "updated; generate a fresh one with `mlport new` and move your work across"
        )
    return parse_record(path.read_text(encoding="utf-8"), str(path))
