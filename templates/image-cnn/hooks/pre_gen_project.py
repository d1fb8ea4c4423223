"""Refuse names that would give a broken project, also when the template is used with plain cookiecutter."""

import keyword
import re
import sys

SLUG = "{{ cookiecutter.project_slug }}"
PACKAGE = "{{ cookiecutter.package_name }}"

problems = []
if not re.fullmatch(r"[a-z][a-z0-9-]*", SLUG):
    problems.append(f"project_slug {SLUG!r} must start with a letter and hold only a-z, 0-9 and '-'")
if not re.fullmatch(r"[a-z][a-z0-9_]*", PACKAGE):
    problems.append(f"package_name {PACKAGE!r} is not a valid Python package name")
elif keyword.iskeyword(PACKAGE):
    problems.append(f"package_name {PACKAGE!r} is a Python keyword")

if problems:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(1)
