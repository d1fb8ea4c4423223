"""`mlport publish --portfolio`: real git pushes to bare repositories, and a stand-in `gh`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.cli import app
from mlport.errors import PortfolioError
from mlport.portfolio import build_portfolio, publish_portfolio
from mlport.portfolio.profile import INTRO_END, INTRO_START
from tests.conftest import gh_calls
from tests.portfolio_projects import commit_and_push, git, make_project, write_results

runner = CliRunner()
INTRO = "I train small models and measure them honestly. Start with Iris Notes."


def write_intro(out: Path) -> None:
    """Answer the seed questions, as the learner does before publishing."""
    readme = out / "profile" / "README.md"
    text = readme.read_text()
    start, end = text.index(INTRO_START) + len(INTRO_START), text.index(INTRO_END)
    readme.write_text(f"{text[:start]}\n{INTRO}\n{text[end:]}")


@pytest.fixture
def project(tmp_path: Path, git_user: None) -> Path:
    return make_project(tmp_path / "projects", "iris-notes")


def bare(path: Path) -> Path:
    git(path.parent, "init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return path


def test_pushes_the_profile_and_the_site_to_their_remotes(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "portfolio"
    profile_remote, site_remote = bare(tmp_path / "ada-l.git"), bare(tmp_path / "site.git")
    # The learner's profile repository, cloned; the site folder given a remote after the build.
    subprocess.run(
        ["git", "clone", "--quiet", str(profile_remote), str(out / "profile")],
        check=True,
        capture_output=True,
    )
    build_portfolio([project], out, profile_readme=True, site=True)
    git(out / "site", "init", "--quiet", "--initial-branch=main")
    git(out / "site", "remote", "add", "origin", str(site_remote))
    write_intro(out)

    result = publish_portfolio(out)

    assert result.urls == {"profile": str(profile_remote), "site": str(site_remote)}
    listed = git(profile_remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert listed == ["README.md", "thumbnails/iris-notes.png"]
    readme = git(profile_remote, "show", "main:README.md")
    assert INTRO in readme and "**0.912 accuracy**" in readme
    site_files = git(site_remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert {"index.html", "style.css", ".nojekyll", "iris-notes/index.html"} <= set(site_files)
    assert "thumbnails/iris-notes.png" in site_files
    assert git(out / "profile", "status", "--porcelain") == ""
    # Nothing local is pushed: the record of the build stays beside the two folders.
    for remote in (profile_remote, site_remote):
        found = subprocess.run(
            ["git", "grep", "-F", "-q", str(tmp_path), "main"], cwd=remote, capture_output=True
        )
        assert found.returncode == 1, f"{remote} holds a local path"

    before = git(profile_remote, "rev-parse", "main")
    again = publish_portfolio(out)
    assert git(profile_remote, "rev-parse", "main") == before  # nothing new, no empty commit
    assert not any("commit" in command for command in again.commands)


def test_creates_both_repositories_with_gh_when_there_is_no_remote(
    project: Path, tmp_path: Path, gh: Path
) -> None:
    out = tmp_path / "portfolio"
    build_portfolio([project], out, profile_readme=True, site=True)
    write_intro(out)

    result = publish_portfolio(out)

    calls = gh_calls(gh)
    assert calls[:2] == [["auth", "status"], ["api", "user", "--jq", ".login"]]
    creates = [call for call in calls if call[:2] == ["repo", "create"]]
    assert [call[2] for call in creates] == ["ada-gh/ada-gh", "ada-gh/ada-gh.github.io"]
    assert all(call[3:6] == ["--public", "--source", "."] for call in creates)
    assert [
        "api",
        "--method",
        "POST",
        "repos/ada-gh/ada-gh.github.io/pages",
        "-f",
        "source[branch]=main",
        "-f",
        "source[path]=/",
    ] in calls
    assert result.urls == {
        "profile": "https://github.com/ada-gh",
        "site": "https://ada-gh.github.io/",
    }
    # Each folder is committed as its own repository.
    assert git(out / "profile", "ls-files").splitlines() == [
        "README.md",
        "thumbnails/iris-notes.png",
    ]
    assert "index.html" in git(out / "site", "ls-files").splitlines()


def test_seed_questions_stop_publishing(project: Path, tmp_path: Path, gh: Path) -> None:
    out = tmp_path / "portfolio"
    build_portfolio([project], out, profile_readme=True)

    with pytest.raises(PortfolioError, match="not ready to publish: introduction") as raised:
        publish_portfolio(out)

    assert [row.check for row in raised.value.rows] == ["introduction"]
    assert "seed question" in raised.value.rows[0].found
    assert not (out / "profile" / ".git").exists() and gh_calls(gh) == []


def test_a_project_changed_since_the_build_stops_publishing(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "portfolio"
    build_portfolio([project], out, profile_readme=True)
    write_intro(out)
    write_results(project, 0.8)
    commit_and_push(project)

    with pytest.raises(PortfolioError) as raised:
        publish_portfolio(out)

    assert raised.value.rows[0].found == "the project changed since the portfolio was built"
    assert raised.value.rows[0].fix == "run `mlport portfolio` again"


def test_a_project_not_ready_stops_publishing(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "portfolio"
    write_results(project, 0.8)  # not committed
    build_portfolio([project], out, profile_readme=True)
    write_intro(out)

    with pytest.raises(PortfolioError, match="not ready to publish: Iris Notes"):
        publish_portfolio(out)


def test_no_portfolio_built(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError, match=r"no portfolio in .* \(no portfolio.json\)"):
        publish_portfolio(tmp_path / "nothing")


def test_cli_dry_run_prints_the_commands_and_changes_nothing(
    project: Path, tmp_path: Path, gh: Path
) -> None:
    out = tmp_path / "portfolio"
    build_portfolio([project], out, profile_readme=True, site=True)
    write_intro(out)

    result = runner.invoke(app, ["publish", "--portfolio", "--path", str(out), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "gh repo create ada-gh/ada-gh --public --source ." in result.stdout
    assert "gh repo create ada-gh/ada-gh.github.io --public" in result.stdout
    assert "Would publish https://ada-gh.github.io/" in result.stdout
    assert not (out / "profile" / ".git").exists() and not (out / "site" / ".git").exists()
    assert [call[0] for call in gh_calls(gh)] == ["auth", "api"]


def test_cli_refuses_project_options_with_portfolio(tmp_path: Path) -> None:
    result = runner.invoke(app, ["publish", "--portfolio", "--remote", "origin"])

    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --remote cannot be used with --portfolio"


def test_cli_shows_what_stops_publishing(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "portfolio"
    build_portfolio([project], out, profile_readme=True)

    result = runner.invoke(app, ["publish", "--portfolio", "--path", str(out)])

    assert result.exit_code == 1
    assert "what stops publishing" in result.stderr and "introduction" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: not ready to publish")
