"""Keep every test away from the user's real cookiecutter config, replay folder and git identity."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from mlport.registry import available_templates

TEMPLATE_NAMES = [template.name for template in available_templates()]

# The slow tier's worker groups under pytest-xdist (`-n auto --dist loadgroup`).
pytest_plugins = ["tests.worker_groups"]


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


@pytest.fixture
def git_user(isolated_home: Path) -> None:
    """A git identity (and GitHub login) in the isolated home, as a set-up learner has."""
    (isolated_home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[github]\n\tuser = ada-l\n"
    )


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `gh` (GitHub is unreachable here): logs each call's arguments as a JSON line."""
    folder = tmp_path / "gh-bin"
    folder.mkdir()
    log = tmp_path / "gh-calls.jsonl"
    script = folder / "gh"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(log)!r}, 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1] in ('auth', 'api') and os.environ.get('GH_STAND_IN_LOGGED_OUT'):\n"
        "    sys.exit('You are not logged into any GitHub hosts.')\n"
        "if sys.argv[1:3] == ['api', 'user'] and os.environ.get('GH_STAND_IN_SLOW'):\n"
        "    import time; time.sleep(30)\n"
        "if sys.argv[1:3] == ['api', 'user']:\n"
        "    print('ada-gh')\n"
        "if sys.argv[1:3] == ['repo', 'create'] and os.environ.get('GH_STAND_IN_CREATE_FAILS'):\n"
        "    sys.exit(os.environ['GH_STAND_IN_CREATE_FAILS'])\n"
        "if sys.argv[1:3] == ['release', 'view'] and not os.environ.get('GH_STAND_IN_RELEASED'):\n"
        "    sys.exit('release not found')\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def gh_calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
