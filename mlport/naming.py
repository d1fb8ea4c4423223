"""Turn a project name into a folder and a package name, and refuse the ones that cannot work."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from mlport.errors import InvalidNameError

_SLUG = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class ProjectNames:
    """The three names of a project: the title, its folder, its Python package."""

    title: str
    slug: str
    package: str


def slugify(name: str) -> str:
    """The folder name, exactly as the templates' cookiecutter.json derives it."""
    return name.lower().strip().replace(" ", "-").replace("_", "-")


def check_slug(slug: str) -> ProjectNames:
    """Validate a folder name and derive the package name from it."""
    if not _SLUG.fullmatch(slug):
        raise InvalidNameError(
            f"project name gives folder {slug!r}, which is no valid package name: it must "
            "start with a letter and hold only letters, digits, spaces, '-' or '_'"
        )
    package = slug.replace("-", "_")
    if keyword.iskeyword(package):
        raise InvalidNameError(f"project name gives package {package!r}, which is a Python keyword")
    return ProjectNames(title=slug, slug=slug, package=package)


def project_names(name: str) -> ProjectNames:
    """Validate a project name; raise InvalidNameError naming the rule it breaks."""
    if not name.strip():
        raise InvalidNameError("project name is empty")
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or any(sep in name for sep in ("/", "\\"))
        or name.strip() in (".", "..")
    ):
        raise InvalidNameError(
            f"project name {name!r} would escape the output directory: "
            "use a plain name, and --output-dir for the place"
        )
    names = check_slug(slugify(name))
    return ProjectNames(title=name.strip(), slug=names.slug, package=names.package)
