"""Every template, rendered with every meaningful option combination, gives a clean project."""

from __future__ import annotations

import ast
import itertools
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from mlport.api import create_project
from mlport.registry import available_templates, get_template

LICENSE_FIRST_LINES = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Proprietary": "All rights reserved.",
}
TEMPLATES = available_templates()
LICENSES = TEMPLATES[0].context["license"]
PYTHONS = TEMPLATES[0].context["python_version"]
COMBINATIONS = [
    pytest.param(template.name, license, python, id=f"{template.name}-{license}-py{python}")
    for template, license, python in itertools.product(TEMPLATES, LICENSES, PYTHONS)
]
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")
MANIFESTS = Path(__file__).parent / "manifests"


def text_files(project: Path) -> list[Path]:
    files = []
    for path in project.rglob("*"):
        if path.is_file():
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            files.append(path)
    return files


@pytest.mark.parametrize(("template", "license", "python"), COMBINATIONS)
def test_render(tmp_path: Path, template: str, license: str, python: str) -> None:
    project = create_project(
        template, tmp_path, context={"license": license, "python_version": python}, git=False
    )
    package = project.name.replace("-", "_")

    files = sorted(
        str(path.relative_to(project)).replace(package, "<package>")
        for path in project.rglob("*")
        if path.is_file()
    )
    expected = (MANIFESTS / f"{template}.txt").read_text().split()
    assert files == sorted(expected)

    for path in text_files(project):
        text = path.read_text(encoding="utf-8")
        leftover = LEFTOVER_JINJA.search(text)
        assert leftover is None, (
            f"{path.relative_to(project)} keeps Jinja: {text[leftover.start() :][:60]!r}"
        )
        if path.suffix == ".py":
            ast.parse(text, filename=str(path))
        elif path.suffix in (".yaml", ".yml"):
            yaml.safe_load(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json":
            json.loads(text)

    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert "${{ github.sha }}" in workflow, "GitHub Actions expressions must survive rendering"
    assert f'python-version: "{python}"' in workflow
    assert f"FROM python:{python}-slim" in (project / "Dockerfile").read_text()
    assert LICENSE_FIRST_LINES[license] in (project / "LICENSE").read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    # The code runs on 3.11 whichever Python CI and Docker use.
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["tool"]["ruff"]["target-version"] == "py311"
    assert pyproject["project"]["keywords"] == get_template(template).context["_topics"]


@pytest.mark.parametrize(
    "name", ["My Project", "my_project", "  Spaced  Name "], ids=["spaces", "underscores", "padded"]
)
def test_folder_name_matches_the_documented_slug(tmp_path: Path, name: str) -> None:
    from mlport.naming import project_names

    project = create_project("rl-agent", tmp_path, name=name, git=False)
    names = project_names(name)
    assert project.name == names.slug
    assert (project / "src" / names.package).is_dir()
