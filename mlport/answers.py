"""Gather a template's answers and hand them to Cookiecutter as data, never as template code."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from mlport.errors import InvalidValueError
from mlport.naming import check_package, check_slug, project_names
from mlport.registry import Template

# Jinja's delimiters: Cookiecutter renders any path or answer holding one as a template.
JINJA_MARKERS = ("{{", "{%", "{#")


def literal(value: str) -> str:
    """A Jinja expression that renders to exactly `value`, whatever characters it holds.

    Cookiecutter renders every answer as a template. Each character that is not a plain letter,
    digit or space becomes a `\\U` escape inside a Jinja string literal, so nothing the user typed
    can open an expression, a block or a raw section.
    """
    escaped = "".join(
        char if (char.isascii() and char.isalnum()) or char == " " else f"\\U{ord(char):08x}"
        for char in value
    )
    return '{{ "' + escaped + '" }}'


def literal_context(template: Template, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers as Cookiecutter's extra context: free text as literals, choices as they are."""
    return {
        key: value if isinstance(template.context.get(key), list) else literal(value)
        for key, value in answers.items()
    }


def check_text(key: str, value: str) -> str:
    """Refuse control characters and lone surrogates: an answer is one line of text."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise InvalidValueError(
                f"{key} holds the control character {char!r}: answers are one line of plain text"
            )
    return value


def check_answers(template: Template, answers: Mapping[str, str]) -> str:
    """Validate every answer; return the project's folder name."""
    for key, value in answers.items():
        check_text(key, value)
    if "project_slug" in answers:
        slug = check_slug(answers["project_slug"]).slug
    else:
        slug = project_names(answers.get("project_name", template.context["project_name"])).slug
    if "package_name" in answers:
        check_package(answers["package_name"])
    return slug


def user_defaults(template: Template, default_context: Mapping[str, object]) -> dict[str, str]:
    """The user's cookiecutter config answers that apply to this template, as text."""
    return {
        key: str(value)
        for key, value in default_context.items()
        if key in template.variables and value is not None
    }


def refuse_template_markers(label: str, value: str) -> None:
    """Refuse text Cookiecutter would evaluate where it cannot be passed as a literal (paths)."""
    for marker in JINJA_MARKERS:
        if marker in value:
            raise InvalidValueError(
                f"{label} {value!r} holds {marker!r}, which Cookiecutter would evaluate as a "
                "template: choose a path without '{{', '{%' or '{#'"
            )
