"""What a project records about its origin: template, mlport version, source commit, answers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlport import __version__
from mlport.errors import NoRecordError

RECORD_FILE = ".mlport.json"
# Written into the wheel by hatch_build.py: the commit it was built from.
BUILT_COMMIT_FILE = "SOURCE_COMMIT"
COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# This machine's path of the mlport that made the project, for `make setup`; git ignores it.
COMMAND_FILE = ".mlport-command"
# Written by mlport before `update` existed; read so such projects can adopt the template branch.
LEGACY_RECORD_FILE = ".cruft.json"


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
    """The commit the templates come from: their checkout's HEAD, else the one the wheel was
    built from (a `pip install .` in a checkout); None when neither is known."""
    checkout = templates_dir.parent
    if (checkout / ".git").exists() and shutil.which("git") is not None:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True
        )
        return found.stdout.strip() or None if found.returncode == 0 else None
    try:  # in a wheel, the package folder holds both the templates and this file
        built = (checkout / BUILT_COMMIT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return built if COMMIT.fullmatch(built) else None


def new_record(template: str, templates_dir: Path, answers: Mapping[str, object]) -> Record:
    """The record of a rendering made now, by this mlport, from `templates_dir`."""
    return Record(template, __version__, source_commit(templates_dir), _kept_answers(answers))


def _kept_answers(answers: Mapping[str, object]) -> dict[str, str]:
    """The answers a user gave, without cookiecutter's private and per-run `_` keys."""
    return {key: str(value) for key, value in answers.items() if not key.startswith("_")}


def write_record(project: Path, record: Record) -> None:
    """Write `.mlport.json` into a project."""
    (project / RECORD_FILE).write_text(record.to_json(), encoding="utf-8")


def installed_command() -> str | None:
    """The `mlport` executable installed beside the running Python, or None when there is none."""
    return shutil.which("mlport", path=sysconfig.get_path("scripts"))


def write_command(project: Path) -> None:
    """Note where this mlport is installed, so the project's `make setup` can link it in."""
    command = installed_command()
    if command:
        (project / COMMAND_FILE).write_text(str(Path(command).absolute()) + "\n", encoding="utf-8")


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


def _from_cruft_file(path: Path) -> Record:
    """The record an mlport before `update` wrote as .cruft.json (template folder + answers)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        template = PurePosixPath(document["directory"]).name
        answers = document["context"]["cookiecutter"]
        version = str(document.get("checkout") or "").removeprefix("v")
        return Record(template, version, document.get("commit"), _kept_answers(answers))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise NoRecordError(f"{path} is not a record mlport can read ({error})") from error


def read_record(project: Path) -> Record:
    """The record of the project at `project` (.mlport.json, or an older .cruft.json)."""
    path = project / RECORD_FILE
    if path.is_file():
        return parse_record(path.read_text(encoding="utf-8"), str(path))
    if (project / LEGACY_RECORD_FILE).is_file():
        return _from_cruft_file(project / LEGACY_RECORD_FILE)
    raise NoRecordError(
        f"{project} has no {RECORD_FILE}, so it was not made by `mlport new`: "
        "nothing records which template and answers to update it with"
    )
