"""The GitHub login from gh when git has none configured; gh never holds generation up.

`gh` is a stand-in on PATH (GitHub is unreachable here) that answers `gh api user` like a logged-in
gh does, or fails like a logged-out one, or hangs.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mlport import identity
from mlport.api import create_project
from tests.conftest import gh_calls


@pytest.fixture
def git_user_without_login(isolated_home: Path) -> None:
    (isolated_home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n"
    )


def badge_owner(project: Path) -> str:
    readme = (project / "README.md").read_text()
    return readme.split("https://github.com/", 1)[1].split("/", 1)[0]


def test_the_login_gh_is_signed_in_with_fills_the_github_user(
    tmp_path: Path, git_user_without_login: None, gh: Path
) -> None:
    project = create_project("tabular-classifier", tmp_path, git=False)
    assert badge_owner(project) == "ada-gh"
    assert gh_calls(gh) == [["api", "user", "--jq", ".login"]]


def test_git_config_github_user_comes_first(tmp_path: Path, git_user: None, gh: Path) -> None:
    project = create_project("tabular-classifier", tmp_path, git=False)
    assert badge_owner(project) == "ada-l"
    assert gh_calls(gh) == []


def test_a_logged_out_gh_leaves_the_placeholder_and_a_warning(
    tmp_path: Path, git_user_without_login: None, gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_STAND_IN_LOGGED_OUT", "1")
    warnings: list[str] = []
    project = create_project("tabular-classifier", tmp_path, git=False, warn=warnings.append)
    assert badge_owner(project) == "your-github-username"
    assert len(warnings) == 1 and "README.md" in warnings[0] and "LICENSE" not in warnings[0]


def test_a_gh_that_hangs_is_given_up_on(
    tmp_path: Path, git_user_without_login: None, gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_STAND_IN_SLOW", "1")
    monkeypatch.setattr(identity, "GH_TIMEOUT_SECONDS", 0.5)
    started = time.monotonic()
    project = create_project("tabular-classifier", tmp_path, git=False)
    assert time.monotonic() - started < 10
    assert badge_owner(project) == "your-github-username"
