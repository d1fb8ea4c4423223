"""Keep every test away from the user's real cookiecutter config, replay folder and git identity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlport.registry import available_templates

TEMPLATE_NAMES = [template.name for template in available_templates()]


def isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point cookiecutter's config and git's identity away from the user's own."""
    config = home / "cookiecutterrc.json"
    config.write_text(
        json.dumps(
            {
                "cookiecutters_dir": str(home / "cookiecutters"),
                "replay_dir": str(home / "replay"),
            }
        )
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key, raising=False)
    return home


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return isolate(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each template rendered once with its defaults (no git): read-only for the tests."""
    from mlport.api import create_project

    projects = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(tmp_path_factory.mktemp("render-home"), monkeypatch)
        for name in TEMPLATE_NAMES:
            output = tmp_path_factory.mktemp(f"rendered-{name}")
            projects[name] = create_project(name, output, no_input=True, git=False)
    return projects


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/slow/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
