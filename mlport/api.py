"""The library behind the CLI: `create_project` renders a template into a new, ready project."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from mlport.answers import check_answers, literal_context, refuse_template_markers, user_defaults
from mlport.console import shown_path
from mlport.errors import (
    GenerationError,
    InvalidValueError,
    TargetExistsError,
    UnknownVariableError,
)
from mlport.identity import identity_answers, warn_placeholders
from mlport.naming import project_names
from mlport.record import new_record, write_command, write_record
from mlport.registry import Template, get_template
from mlport.signals import terminate_as_interrupt
from mlport.vcs import first_commit_steps, init_repository


def _quiet(_: str) -> None:
    pass


def check_context(template: Template, context: Mapping[str, str]) -> dict[str, str]:
    """Refuse keys the template does not know and values outside its choices."""
    known = template.variables
    unknown = sorted(set(context) - set(known))
    if unknown:
        raise UnknownVariableError(
            f"template {template.name!r} has no key {', '.join(map(repr, unknown))}; "
            f"known keys: {', '.join(known)}"
        )
    for key, value in context.items():
        choices = template.context[key]
        if isinstance(choices, list) and value not in choices:
            raise InvalidValueError(
                f"{key}={value!r} is not one of the choices: {', '.join(map(str, choices))}"
            )
    return dict(context)


def _is_occupied(path: Path) -> bool:
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def _refuse_occupied(target: Path) -> None:
    if _is_occupied(target):
        raise TargetExistsError(
            f"{target} already exists and is not empty; choose another --name or --output-dir "
            "(mlport never overwrites files)"
        )


def _drop_bytecode(project: Path) -> None:
    """Remove `__pycache__` folders a template picked up where its code was once imported."""
    for cache in sorted(project.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)


def _render(template: Template, staging: Path, answers: dict) -> tuple[Path, dict]:
    from cookiecutter.exceptions import CookiecutterException, UndefinedVariableInTemplate
    from cookiecutter.main import cookiecutter

    # Cookiecutter logs a failing hook with its traceback; with no handler Python would print it.
    log = logging.getLogger("cookiecutter")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    # Every answer is already known and checked: Cookiecutter gets them as literals, asks
    # nothing, and writes its replay to the staging folder, where it tells us every answer.
    config = {"default_context": {}, "replay_dir": str(staging / "replay")}
    try:
        rendered = cookiecutter(
            str(template.path),
            no_input=True,
            extra_context=literal_context(template, answers),
            output_dir=str(staging / "out"),
            default_config=config,
        )
    except UndefinedVariableInTemplate as error:
        # Its text holds the whole context: name only the template error.
        raise GenerationError(
            f"rendering {template.name!r} failed: {error.message}: {error.error.message}"
        ) from error
    except CookiecutterException as error:
        raise GenerationError(f"rendering {template.name!r} failed: {error}") from error
    replay = json.loads((staging / "replay" / f"{template.path.name}.json").read_text())
    return Path(rendered), replay["cookiecutter"]


def _gather_answers(
    template: Template, context: Mapping[str, str], name: str | None, *, no_input: bool
) -> dict[str, str]:
    """Template defaults < git identity < the user's cookiecutter config < `context` < `name`;
    then asked, if wanted."""
    from cookiecutter.config import get_user_config

    configured = user_defaults(template, get_user_config()["default_context"])
    answers = check_context(template, {**configured, **context})
    # The learner's git (and gh) identity replaces the placeholders nobody answered.
    answers = {**identity_answers(template, answers, configured), **answers}
    if name is not None:
        answers["project_name"] = project_names(name).title
    if not no_input:
        from mlport import console
        from mlport.prompting import ask_answers

        answers = ask_answers(template, answers, tell=console.error)
    return answers


@terminate_as_interrupt()  # so SIGTERM, like Ctrl-C, runs the cleanup below
def create_project(
    template: str,
    output_dir: str | Path = ".",
    *,
    name: str | None = None,
    context: Mapping[str, str] | None = None,
    no_input: bool = True,
    git: bool = True,
    warn: Callable[[str], None] = _quiet,
) -> Path:
    """Render `template` into `output_dir`/<slug> and return the project's path.

    Answers come from the template's defaults, then the user's cookiecutter config, then `context`
    (and `name`, the project name); every one is data, never template code. Rendering happens in
    a hidden folder beside the target and is moved into place only when complete, so a failure,
    Ctrl-C or SIGTERM leaves nothing behind.
    """
    chosen = get_template(template)
    output_dir = Path(output_dir).resolve()
    refuse_template_markers("output directory", str(output_dir))
    if output_dir.exists() and not output_dir.is_dir():
        raise InvalidValueError(f"output directory {output_dir} is a file, not a folder")
    answers = _gather_answers(chosen, context or {}, name, no_input=no_input)
    _refuse_occupied(output_dir / check_answers(chosen, answers))
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".mlport-", dir=output_dir))
    except OSError as error:
        raise GenerationError(
            f"cannot create the project in {output_dir}: {error.strerror or error}"
        ) from error
    try:
        rendered, final_answers = _render(chosen, staging, answers)
        _drop_bytecode(rendered)
        write_record(rendered, new_record(chosen.name, chosen.path.parent, final_answers))
        message = f"Start {final_answers['project_name']} from mlport's {chosen.name} template"
        committed = init_repository(rendered, message=message, warn=warn) if git else False
        write_command(rendered)  # after the first commit: it holds this machine's path
        target = output_dir / rendered.name
        _refuse_occupied(target)
        if target.exists():
            target.rmdir()
        rendered.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if git and not committed:
        warn(
            "git has no identity, so the first commit was skipped: set yours (your own name and "
            "e-mail), then make the commit:\n" + first_commit_steps(shown_path(target), message)
        )
    warn_placeholders(target, chosen, warn, updatable=git)
    return target
