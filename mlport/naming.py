"""Turn a project name into a folder and a package name, and refuse the ones that cannot work."""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from mlport.errors import InvalidNameError

_SLUG = re.compile(r"[a-z][a-z0-9-]*")
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*")
# Folder and package names end up in paths several levels deep; file systems stop at 255 bytes.
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class ProjectNames:
    """The three names of a project: the title, its folder, its Python package."""

    title: str
    slug: str
    package: str


def slugify(name: str) -> str:
    """The folder name, exactly as the templates' cookiecutter.json derives it."""
    return name.lower().strip().replace(" ", "-").replace("_", "-")


def check_package(package: str, *, origin: str = "") -> str:
    """Validate a Python package name: an identifier, no keyword, no standard-library module."""
    subject = f"{origin} gives package" if origin else "package_name"
    if len(package) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"{subject} {package[:20]!r}... is {len(package)} characters long: "
            f"keep it within {MAX_NAME_LENGTH}"
        )
    if not _PACKAGE.fullmatch(package):
        raise InvalidNameError(
            f"{subject} {package!r}, which is no valid package name: it must "
            "start with a letter and hold only a-z, 0-9 and '_'"
        )
    if keyword.iskeyword(package):
        raise InvalidNameError(f"{subject} {package!r}, which is a Python keyword")
    if package in sys.stdlib_module_names:
        raise InvalidNameError(
            f"{subject} {package!r}, which would hide the standard library's "
            f"{package!r} module: choose another name"
        )
    return package


def check_slug(slug: str) -> ProjectNames:
    """Validate a folder name and derive the package name from it."""
    if len(slug) > MAX_NAME_LENGTH:
        raise InvalidNameError(
            f"project name gives folder {slug[:20]!r}..., {len(slug)} characters long: "
            f"keep it within {MAX_NAME_LENGTH}"
        )
    if not _SLUG.fullmatch(slug):
        raise InvalidNameError(
            f"project name gives folder {slug!r}, which is no valid package name: it must "
            "start with a letter and hold only letters, digits, spaces, '-' or '_'"
        )
    package = check_package(slug.replace("-", "_"), origin="project name")
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
