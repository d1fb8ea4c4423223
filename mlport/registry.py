"""Find the templates, wherever mlport is installed, and describe them from their own folders."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mlport.errors import TemplatesDirError, UnknownTemplateError

SHARED_DIR_NAME = "_shared"
# Points `list`, `new` and `update` at another templates folder: a template author's working copy.
TEMPLATES_DIR_VARIABLE = "MLPORT_TEMPLATES_DIR"


@dataclass(frozen=True)
class Template:
    """A template folder and what its cookiecutter.json says about it."""

    name: str
    path: Path
    description: str
    context: dict

    @property
    def variables(self) -> list[str]:
        """The keys a user may set (Cookiecutter's private `_` keys excluded)."""
        return [key for key in self.context if not key.startswith("_")]


def templates_root() -> Path:
    """The folder holding the templates: $MLPORT_TEMPLATES_DIR, else the ones mlport ships."""
    chosen = os.environ.get(TEMPLATES_DIR_VARIABLE)
    if not chosen:
        return _installed_templates_root()
    root = Path(chosen).expanduser().resolve()
    if not root.is_dir():
        raise TemplatesDirError(f"{TEMPLATES_DIR_VARIABLE}={chosen} is not a folder")
    return root


@cache
def _installed_templates_root() -> Path:
    """The templates inside the wheel, or at the top of a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "templates", package_dir.parent / "templates"):
        if (candidate / SHARED_DIR_NAME).is_dir():
            return candidate
    raise FileNotFoundError(
        f"mlport's templates are missing next to {package_dir}: reinstall mlport"
    )


def load_template(path: Path) -> Template:
    """Read one template folder."""
    context = json.loads((path / "cookiecutter.json").read_text(encoding="utf-8"))
    return Template(
        name=path.name,
        path=path,
        description=context.get("_description", ""),
        context=context,
    )


def available_templates(root: Path | None = None) -> list[Template]:
    """Every template, sorted by name; a new folder with a cookiecutter.json is a new template."""
    root = root or templates_root()
    return [
        load_template(path)
        for path in sorted(root.iterdir())
        if path.is_dir()
        and not path.name.startswith(("_", "."))
        and (path / "cookiecutter.json").is_file()
    ]


def get_template(name: str, root: Path | None = None) -> Template:
    """The template called `name`, or UnknownTemplateError listing the known ones."""
    templates = available_templates(root)
    for template in templates:
        if template.name == name:
            return template
    raise UnknownTemplateError(name, [template.name for template in templates])
