"""A template's default data set, and the names a project still gives it after its data changed."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mlport.audit.facts import Project

# Where a params.yaml names its data: the first of these keys the template's defaults hold.
DATA_KEYS = ("data.source", "data.env.id")
# The data.about fields that describe one data set alone; a license or a citation may fit the new
# data too (every Gymnasium environment cites the same paper). A published score (reference) is a
# figure for the default data alone: beside a result on other data it would mislead.
IDENTIFYING_ABOUT = ("name", "url", "summary", "reference")
MLFLOW_NAMES = ("experiment", "registered_model")
PROJECT_FOLDER = "{{cookiecutter.project_slug}}"
# The guide to switching data names the default it replaces, and rightly so.
OWN_DATA_GUIDE = "docs/own-data.md"
TITLE = re.compile(r"^#[ \t]+(.+?)[ \t]*$", re.M)
VERSION = re.compile(r"-v\d+$")  # CartPole-v1 is CartPole to a reader


@dataclass(frozen=True)
class DefaultData:
    """What `mlport new --no-input` writes for a template: its data and the names it gives it."""

    key: str  # where params.yaml names the data, e.g. data.source
    value: str  # e.g. sklearn-breast-cancer
    about: dict[str, str]
    title: str
    slug: str
    package: str
    mlflow: dict[str, str]

    @property
    def label(self) -> str:
        """How the default data set is called: its data.about name, else its key's value."""
        return self.about.get("name") or self.value


@dataclass(frozen=True)
class StaleNames:
    """Where a project on other data still names the template's default data set."""

    data: str  # what the project's data is now
    title: bool = False
    folder: bool = False
    package: bool = False
    pyproject: bool = False
    mlflow: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    # data.about fields rewritten but still naming the default data (a summary saying CartPole).
    about_mentions: tuple[tuple[str, str], ...] = ()
    docs: tuple[str, ...] = ()
    doc_word: str = ""

    def places(self, default: DefaultData) -> list[str]:
        """Each place, one short phrase, in the order a visitor meets them."""
        found = ["project title"] if self.title else []
        found += [f"folder {default.slug}"] if self.folder else []
        found += [f"package {default.package}"] if self.package else []
        found += ["pyproject.toml name"] if self.pyproject else []
        found += [f"mlflow.{key}" for key in self.mlflow]
        found += [f"data.about ({', '.join(self.about)})"] if self.about else []
        found += [f"data.about.{field} naming {word}" for field, word in self.about_mentions]
        found += [f"{', '.join(self.docs)} ({self.doc_word})"] if self.docs else []
        return found

    def fixes(self) -> list[str]:
        """What to do about each kind of place still named for the default data."""
        fixes = []
        described = [
            *(field for field in self.about if field != "reference"),
            *(field for field, _ in self.about_mentions),
        ]
        if described:
            fields = ", ".join(described)
            fixes.append(f"describe your data in params.yaml's data.about ({fields})")
        if "reference" in self.about:
            fixes.append(
                "remove data.about.reference from params.yaml, or give a published figure "
                "for your data"
            )
        if self.title or self.package or self.pyproject or self.mlflow:
            fixes.append(
                'rename the project: `mlport rename "New Name"` renames its title, package and '
                "MLflow names, keeping your changes"
            )
        if self.folder:
            fixes.append("rename the folder (GitHub names the repository after it)")
        if self.docs:
            fixes.append(f"rewrite what {', '.join(self.docs)} say about {self.doc_word}")
        return fixes


def lookup(params: Any, dotted: str) -> Any:
    """The value at `dotted` (data.env.id) in nested mappings, or None."""
    for part in dotted.split("."):
        if not isinstance(params, dict) or part not in params:
            return None
        params = params[part]
    return params


def _rendered_defaults(template_dir: Path) -> tuple[dict, dict] | None:
    """(answers, params) of the template rendered without input; None when it cannot be."""
    from cookiecutter.environment import StrictEnvironment
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config
    from jinja2 import TemplateError

    source = template_dir / PROJECT_FOLDER / "params.yaml"
    try:
        context = generate_context(context_file=str(template_dir / "cookiecutter.json"))
        answers = prompt_for_config(context, no_input=True)
        environment = StrictEnvironment(context=context, keep_trailing_newline=True)
        rendered = environment.from_string(source.read_text(encoding="utf-8"))
        params = yaml.safe_load(rendered.render(cookiecutter=answers))
    # A template folder of the user's own (MLPORT_TEMPLATES_DIR) may be broken: it is not judged.
    except (CookiecutterException, TemplateError, yaml.YAMLError, OSError, ValueError):
        return None
    return (answers, params) if isinstance(params, dict) else None


@cache
def template_defaults(template_dir: Path) -> DefaultData | None:
    """The template's defaults as Cookiecutter renders them without input: its cookiecutter.json
    answers and its params.yaml. None when the template has no params.yaml naming its data."""
    rendered = _rendered_defaults(template_dir)
    if rendered is None:
        return None
    answers, params = rendered
    key = next((key for key in DATA_KEYS if lookup(params, key) is not None), None)
    names = [answers.get(name) for name in ("project_name", "project_slug", "package_name")]
    if key is None or not all(isinstance(name, str) for name in names):
        return None
    about = lookup(params, "data.about")
    about = about if isinstance(about, dict) else {}
    mlflow = lookup(params, "mlflow")
    mlflow = mlflow if isinstance(mlflow, dict) else {}
    return DefaultData(
        key=key,
        value=str(lookup(params, key)),
        about={field: _words(about[field]) for field in IDENTIFYING_ABOUT if about.get(field)},
        title=names[0],
        slug=names[1],
        package=names[2],
        mlflow={name: str(mlflow[name]) for name in MLFLOW_NAMES if mlflow.get(name)},
    )


def data_location(params: dict, key: str) -> str:
    """What the project's data is: the key's value, with the path or folder it selects, if any."""
    value = str(lookup(params, key))
    data = params.get("data") if isinstance(params.get("data"), dict) else {}
    selected = data.get(value, data.get(value.replace("-", "_")))
    if isinstance(selected, dict):
        selected = selected.get("path")
    return f"{value} {selected}" if isinstance(selected, str) and selected else value


def _words(value: object) -> str:
    """The text with its line breaks and runs of spaces as single spaces (YAML folds lines)."""
    return " ".join(str(value).split())


def _title(readme: str | None) -> str:
    found = TITLE.search(readme or "")
    return found.group(1) if found else ""


def _pyproject_name(project: Project) -> str:
    try:
        return str(tomllib.loads(project.text("pyproject.toml") or "")["project"]["name"])
    except (KeyError, TypeError, tomllib.TOMLDecodeError):
        return ""


def _default_words(default: DefaultData) -> re.Pattern[str]:
    """The words that name the default data: its key's value (also without a -v1 version) and its
    data.about name, each as a whole word, in any case."""
    words = {default.value, VERSION.sub("", default.value)}
    words |= {default.about["name"]} if "name" in default.about else set()
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])", re.I)


def _about_mentions(about: object, default: DefaultData) -> tuple[tuple[str, str], ...]:
    """Each data.about field, other than the default's own text, that names the default data."""
    if not isinstance(about, dict):
        return ()
    pattern = _default_words(default)
    found = []
    for field in IDENTIFYING_ABOUT:
        text = _words(about.get(field) or "")
        if text == default.about.get(field):
            continue  # the default's own text: listed as such
        named = pattern.search(text)
        if named:
            found.append((field, named.group(1)))
    return tuple(found)


def _docs_naming(project: Project, default: DefaultData) -> tuple[list[str], str]:
    """The docs that name the default data set, and the word they use for it."""
    words = [default.value] + ([default.about["name"]] if "name" in default.about else [])
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(word) for word in words) + r")(?![\w-])", re.I
    )
    docs, shown = [], ""
    for path in project.visible_files():
        if not (path.startswith("docs/") and path.endswith(".md")) or path == OWN_DATA_GUIDE:
            continue
        found = pattern.search(project.text(path) or "")
        if found:
            docs.append(path)
            shown = shown or found.group(1)
    return docs, shown


def stale_names(project: Project, params: dict, default: DefaultData) -> StaleNames:
    """Every place of a project on other data that still carries the default data's names."""
    about = lookup(params, "data.about") or {}
    mlflow = lookup(params, "mlflow") or {}
    docs, word = _docs_naming(project, default)
    return StaleNames(
        data=data_location(params, default.key),
        title=_title(project.text("README.md")).casefold() == default.title.casefold(),
        folder=project.root.name == default.slug,
        package=(project.root / "src" / default.package).is_dir(),
        pyproject=_pyproject_name(project) == default.slug,
        mlflow=tuple(
            name
            for name, value in default.mlflow.items()
            if isinstance(mlflow, dict) and str(mlflow.get(name)) == value
        ),
        about=tuple(
            field
            for field, value in default.about.items()
            if isinstance(about, dict) and _words(about.get(field)) == value
        ),
        about_mentions=_about_mentions(about, default),
        docs=tuple(docs),
        doc_word=word,
    )
