"""The library behind the CLI: `create_project` renders a template into a new, ready project."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from mlport import __version__
from mlport.errors import (
    GenerationError,
    InvalidValueError,
    TargetExistsError,
    UnknownVariableError,
)
from mlport.identity import identity_answers, warn_placeholders
from mlport.naming import check_slug, project_names
from mlport.registry import Template, get_template
from mlport.vcs import init_repository

TEMPLATE_REPOSITORY = "https://github.com/mlport/mlport"


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


def _expected_slug(template: Template, context: Mapping[str, str]) -> str:
    if "project_slug" in context:
        return check_slug(context["project_slug"]).slug
    return project_names(context.get("project_name", template.context["project_name"])).slug


def _source_commit() -> str | None:
    """The mlport commit the templates come from, when running from a git checkout."""
    source = Path(__file__).resolve().parent.parent
    if not (source / ".git").exists() or shutil.which("git") is None:
        return None
    found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True)
    return found.stdout.strip() or None if found.returncode == 0 else None


def _write_cruft_file(project: Path, template: Template, answers: dict) -> None:
    # The format cruft reads, so `cruft check` / `cruft update` can follow the template later.
    context = {
        key: value
        for key, value in answers.items()
        if key not in ("_output_dir", "_repo_dir", "_checkout")
    }
    context["_template"] = TEMPLATE_REPOSITORY
    record = {
        "template": TEMPLATE_REPOSITORY,
        "commit": _source_commit(),
        "checkout": f"v{__version__}",
        "context": {"cookiecutter": context},
        "directory": f"templates/{template.name}",
        "skip": [".git", "data", "models", "reports", "mlflow.db"],
    }
    (project / ".cruft.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _user_defaults() -> dict:
    from cookiecutter.config import get_user_config

    return get_user_config().get("default_context") or {}


def _render(
    template: Template, staging: Path, context: dict, *, no_input: bool
) -> tuple[Path, dict]:
    from cookiecutter.config import get_user_config
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    # The user's cookiecutter config (default_context, abbreviations) still applies; only the
    # replay goes to the staging folder, where it tells us every answer given.
    config = {**get_user_config(), "replay_dir": str(staging / "replay")}
    try:
        rendered = cookiecutter(
            str(template.path),
            no_input=no_input,
            extra_context=context,
            output_dir=str(staging / "out"),
            default_config=config,
        )
    except CookiecutterException as error:
        raise GenerationError(f"rendering {template.name!r} failed: {error}") from error
    replay = json.loads((staging / "replay" / f"{template.path.name}.json").read_text())
    return Path(rendered), replay["cookiecutter"]


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
    (and `name`, the project name). Rendering happens in a hidden folder beside the target and is
    moved into place only when complete, so a failure or Ctrl-C leaves nothing behind.
    """
    chosen = get_template(template)
    answers = check_context(chosen, context or {})
    if name is not None:
        answers["project_name"] = project_names(name).title
    answers = {**identity_answers(chosen, answers, _user_defaults()), **answers}
    output_dir = Path(output_dir).resolve()
    if no_input:
        _refuse_occupied(output_dir / _expected_slug(chosen, answers))
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mlport-", dir=output_dir))
    try:
        rendered, final_answers = _render(chosen, staging, answers, no_input=no_input)
        _write_cruft_file(rendered, chosen, final_answers)
        if git:
            init_repository(
                rendered,
                message=(
                    f"Start {final_answers['project_name']} from mlport's {chosen.name} template"
                ),
                warn=warn,
            )
        target = output_dir / rendered.name
        _refuse_occupied(target)
        if target.exists():
            target.rmdir()
        rendered.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    warn_placeholders(target, chosen, warn)
    return target
