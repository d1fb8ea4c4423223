"""Refuse answers that would give a broken project, also when the template is used with plain cookiecutter."""

import json
import keyword
import re
import sys
import unicodedata

# The answers arrive as JSON inside a Python string literal (`tojson` twice), read with
# json.loads: data whatever they hold, never source code.
ANSWERS = json.loads(
    {{ {
        "project_slug": cookiecutter.project_slug,
        "package_name": cookiecutter.package_name,
        "project_name": cookiecutter.project_name,
        "description": cookiecutter.description,
        "problem": cookiecutter.problem,
        "author_name": cookiecutter.author_name,
        "author_email": cookiecutter.author_email,
        "github_username": cookiecutter.github_username,
    } | tojson | tojson }}
)
SLUG = ANSWERS.pop("project_slug")
PACKAGE = ANSWERS.pop("package_name")
TEXTS = ANSWERS
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
