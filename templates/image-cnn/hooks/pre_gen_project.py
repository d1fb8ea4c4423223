"""Refuse answers that would give a broken project, also when the template is used with plain cookiecutter."""

import keyword
import re
import sys
import unicodedata

# `tojson` writes each answer as a JSON string, which is also a Python string literal: the
# answers reach this script as data, whatever they hold, never as source code.
SLUG = {{ cookiecutter.project_slug | tojson }}
PACKAGE = {{ cookiecutter.package_name | tojson }}
TEXTS = {
    "project_name": {{ cookiecutter.project_name | tojson }},
    "description": {{ cookiecutter.description | tojson }},
    "author_name": {{ cookiecutter.author_name | tojson }},
    "author_email": {{ cookiecutter.author_email | tojson }},
    "github_username": {{ cookiecutter.github_username | tojson }},
}
MAX_NAME_LENGTH = 100

problems = []
if len(SLUG) > MAX_NAME_LENGTH or not re.fullmatch(r"[a-z][a-z0-9-]*", SLUG):
    problems.append(
        f"project_slug {SLUG[:40]!r} must start with a letter, hold only a-z, 0-9 and '-', "
        f"and stay within {MAX_NAME_LENGTH} characters"
    )
if len(PACKAGE) > MAX_NAME_LENGTH or not re.fullmatch(r"[a-z][a-z0-9_]*", PACKAGE):
    problems.append(f"package_name {PACKAGE[:40]!r} is not a valid Python package name")
elif keyword.iskeyword(PACKAGE):
    problems.append(f"package_name {PACKAGE!r} is a Python keyword")
elif PACKAGE in sys.stdlib_module_names:
    problems.append(f"package_name {PACKAGE!r} would hide the standard library's module")
for key, text in TEXTS.items():
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in text):
        problems.append(f"{key} holds a control character: answers are one line of plain text")

if problems:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(1)
