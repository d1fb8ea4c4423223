"""`mlport publish` with real git and real DVC: a bare repository and a DVC remote on disk.

GitHub cannot be reached from the test machines, so where `gh` is needed it is a stand-in script
on PATH that records its arguments and answers `gh auth status` / `gh api user`; git, DVC and the
project are real.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.audit import audit, failed
from mlport.cli import app
from mlport.model_release import MANIFEST
from mlport.publish import COMMIT_MESSAGE, DVC_REMOTE_MESSAGE, publish
from mlport.vcs import TEMPLATE_BRANCH
from tests.conftest import gh_calls
from tests.http_store import http_store
from tests.small_project import AUTHOR, commit_all, dvc, make_trained, run

runner = CliRunner()
BADGE = "https://github.com/{}/actions/workflows/ci.yml/badge.svg"


@pytest.fixture(scope="module")
def trained_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trained(tmp_path_factory.mktemp("trained"))


@pytest.fixture
def project(
    trained_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_user: None
) -> Path:
    """A private copy of the trained project, results uncommitted, git identity set."""
    for key, value in AUTHOR.items():
        monkeypatch.setenv(key, value)
    return Path(shutil.copytree(trained_once, tmp_path / "work" / trained_once.name, symlinks=True))


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "--initial-branch=main", str(path)], check=True
    )
    return path


def git(project: Path, *args: str) -> str:
    return run(project, "git", *args).strip()


def test_publish_then_clone_and_dvc_pull_gives_the_same_project(
    project: Path, bare: Path, tmp_path: Path
) -> None:
    store = tmp_path / "dvc-store"
    result = publish(project, remote=str(bare), dvc_remote=str(store))

    assert result.committed and result.url == str(bare)
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "log", "-1", "--format=%s %an") == (
        f"{COMMIT_MESSAGE} and the DVC remote Ada Lovelace"
    )
    assert git(project, "rev-parse", "HEAD") == git(bare, "rev-parse", "main")
    assert f"url = {store}" in (project / ".dvc" / "config").read_text()

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(clone)], check=True)
    assert not (clone / "models" / "model.txt").exists()
    assert not (clone / MANIFEST).exists()  # no release off GitHub
    dvc(clone, "pull", "--quiet")
    assert (clone / "models" / "model.txt").read_text().startswith("threshold 0.666")
    assert "up to date" in dvc(clone, "status")
    readme = (clone / "README.md").read_text()
    assert "| accuracy | 0.6667 |" in readme and "No results yet" not in readme
    assert (clone / "reports" / "figures" / "curve.png").is_file()
    assert failed(audit(clone)) == []


def test_github_repository_created_with_gh_and_the_badge_fixed(project: Path, gh: Path) -> None:
    result = publish(project)

    calls = gh_calls(gh)
    assert calls[:2] == [["auth", "status"], ["api", "user", "--jq", ".login"]]
    # Values joined to their options, the name after `--`: nothing is read as an option.
    assert calls[2] == [
        "repo",
        "create",
        "--public",
        "--source=.",
        "--description=Which iris is it? A small study.",
        "--remote=origin",
        "--push",
        "--",
        "ada-gh/iris-notes",
    ]
    # Only well-formed topics reach GitHub.
    assert calls[3] == [
        "repo",
        "edit",
        "--add-topic=machine-learning,dvc",
        "--",
        "ada-gh/iris-notes",
    ]
    assert result.url == "https://github.com/ada-gh/iris-notes"
    committed_readme = git(project, "show", "HEAD:README.md")
    assert BADGE.format("ada-gh/iris-notes") in committed_readme
    assert "ada-l/" not in committed_readme
    # The hand edit of a pipeline output is recorded, so DVC still sees a clean project.
    assert "up to date" in dvc(project, "status")
    assert git(project, "status", "--porcelain") == ""


def release_calls(log: Path) -> list[list[str]]:
    return [call for call in gh_calls(log) if call[0] == "release"]


def test_the_model_goes_to_a_release_its_committed_manifest_names_with_checksums(
    project: Path, gh: Path
) -> None:
    model = (project / "models" / "model.txt").read_bytes()

    result = publish(project)

    committed = json.loads(git(project, "show", f"HEAD:{MANIFEST}"))
    tag = committed["tag"]
    assert tag.startswith("model-") and result.release == (
        f"https://github.com/ada-gh/iris-notes/releases/tag/{tag}"
    )
    assert committed["files"] == [
        {
            "path": "models/model.txt",
            "url": f"https://github.com/ada-gh/iris-notes/releases/download/{tag}/model.txt",
            "sha256": hashlib.sha256(model).hexdigest(),
        }
    ]
    # Looked up first: the tag is new, so the release is created after the push.
    view, create = release_calls(gh)
    assert view == ["release", "view", "--repo=ada-gh/iris-notes", "--", tag]
    assert create[:3] == ["release", "create", "--repo=ada-gh/iris-notes"]
    assert create[-3:] == ["--", tag, "models/model.txt"]
    assert git(project, "status", "--porcelain") == ""


def test_the_same_model_published_again_refills_the_same_release(
    project: Path, gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = publish(project)
    head = git(project, "rev-parse", "HEAD")
    monkeypatch.setenv("GH_STAND_IN_RELEASED", "1")

    again = publish(project)

    assert again.release == first.release
    assert git(project, "rev-parse", "HEAD") == head  # the manifest did not change
    tag = first.release.rpartition("/")[2]
    assert release_calls(gh)[-1] == [
        "release",
        "upload",
        "--repo=ada-gh/iris-notes",
        "--clobber",
        "--",
        tag,
        "models/model.txt",
    ]


def test_no_release_leaves_gh_releases_and_the_manifest_alone(project: Path, gh: Path) -> None:
    result = runner.invoke(app, ["publish", "--no-release", "--path", str(project)])

    assert result.exit_code == 0, result.output
    assert release_calls(gh) == []
    assert not (project / MANIFEST).exists()
    assert "Model release" not in result.stdout


def test_a_github_remote_without_gh_is_one_line_and_changes_nothing(
    project: Path, bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://github.com/ada-lab/iris-notes.git"
    git(project, "config", f"url.{bare}.insteadOf", url)
    head = git(project, "rev-parse", "HEAD")
    tools = tmp_path / "tools"
    tools.mkdir()
    os.symlink(shutil.which("git"), tools / "git")
    monkeypatch.setenv("PATH", str(tools))

    line = publish_error(["--remote", url, "--path", str(project)])

    assert line.startswith("error: gh (the GitHub CLI) is not installed: install it")
    assert line.endswith("or publish without the model with --no-release")
    assert git(project, "rev-parse", "HEAD") == head
    assert git(bare, "rev-list", "--all") == ""


def test_private_repository(project: Path, gh: Path) -> None:
    publish(project, private=True)
    assert "--private" in gh_calls(gh)[2] and "--public" not in gh_calls(gh)[2]


def test_dry_run_prints_every_command_and_changes_nothing(
    project: Path, gh: Path, tmp_path: Path
) -> None:
    before = (git(project, "rev-parse", "HEAD"), git(project, "status", "--porcelain"))
    readme = (project / "README.md").read_text()

    result = runner.invoke(
        app,
        ["publish", "--dry-run", "--dvc-remote", str(tmp_path / "store"), "--path", str(project)],
    )

    assert result.exit_code == 0, result.output
    assert (git(project, "rev-parse", "HEAD"), git(project, "status", "--porcelain")) == before
    assert (project / "README.md").read_text() == readme
    assert git(project, "remote") == ""
    assert not (tmp_path / "store").exists()
    printed = result.stdout
    for command in (
        "dvc commit --force -- README.md",
        "dvc remote add --default --force -- storage",
        f"git commit -m '{COMMIT_MESSAGE} and the DVC remote'",
        "dvc push",
        "gh repo create --public --source=. '--description=Which iris is it? A small study.' "
        "--remote=origin --push -- ada-gh/iris-notes",
        "gh repo edit --add-topic=machine-learning,dvc -- ada-gh/iris-notes",
        "gh release create --repo=ada-gh/iris-notes '--title=Trained model model-",
    ):
        assert command in printed, command
    assert "git add -- .dvc/config README.md dvc.lock model-release.json" in printed
    assert not (project / MANIFEST).exists()
    assert "Would publish https://github.com/ada-gh/iris-notes" in result.stdout
    # Only the read-only look-ups reached gh.
    assert [call[:2] for call in gh_calls(gh)] == [
        ["auth", "status"],
        ["api", "user"],
        ["release", "view"],
    ]


def test_already_committed_results_are_pushed_without_a_new_commit(
    project: Path, bare: Path
) -> None:
    commit_all(project)
    head = git(project, "rev-parse", "HEAD")
    result = publish(project, remote=str(bare))
    assert not result.committed
    assert git(bare, "rev-parse", "main") == head


def test_the_template_branch_is_pushed_with_main(project: Path, bare: Path) -> None:
    first = git(project, "rev-list", "--max-parents=0", "HEAD")
    git(project, "branch", TEMPLATE_BRANCH, first)

    publish(project, remote=str(bare))

    assert git(bare, "rev-parse", TEMPLATE_BRANCH) == first
    assert git(bare, "rev-parse", "main") == git(project, "rev-parse", "HEAD")


def test_after_gh_creates_the_repository_the_template_branch_follows_with_gh_credentials(
    project: Path, gh: Path
) -> None:
    git(project, "branch", TEMPLATE_BRANCH)

    result = publish(project, dry_run=True)

    created = [i for i, shown in enumerate(result.commands) if shown.startswith("gh repo create")]
    pushed = result.commands.index(
        "git -c credential.helper= -c 'credential.helper=!gh auth git-credential' "
        f"push -- origin {TEMPLATE_BRANCH}"
    )
    assert created and created[0] < pushed


def test_adding_only_the_dvc_remote_says_so_in_its_commit(
    project: Path, bare: Path, tmp_path: Path
) -> None:
    commit_all(project)
    store = tmp_path / "dvc-store"
    dry = publish(project, remote=str(bare), dvc_remote=str(store), dry_run=True)
    assert f"git commit -m '{DVC_REMOTE_MESSAGE}'" in dry.commands

    result = publish(project, remote=str(bare), dvc_remote=str(store))

    assert result.committed
    assert git(project, "log", "-1", "--format=%s") == DVC_REMOTE_MESSAGE
    assert git(project, "show", "--name-only", "--format=", "HEAD") == ".dvc/config"


def publish_error(args: list[str]) -> str:
    result = runner.invoke(app, ["publish", *args])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_gh_missing_is_one_line(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    os.symlink(shutil.which("git"), tools / "git")
    monkeypatch.setenv("PATH", str(tools))
    line = publish_error(["--path", str(project)])
    assert line.startswith("error: gh (the GitHub CLI) is not installed: install it")
    assert "--remote URL" in line


def test_gh_logged_out_is_one_line(
    project: Path, gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GH_STAND_IN_LOGGED_OUT", "1")
    line = publish_error(["--path", str(project)])
    assert line == "error: gh is not logged in: run `gh auth login`, or use --remote URL"


def test_no_commits_is_one_line(tmp_path: Path, git_user: None) -> None:
    project = tmp_path / "empty"
    project.mkdir()
    run(project, "git", "init", "--quiet")
    line = publish_error(["--path", str(project)])
    assert line.startswith("error: no commits yet: `git add --all && git commit")


def test_a_dirty_tree_it_would_not_commit_is_one_line(project: Path, bare: Path) -> None:
    with (project / "train.py").open("a") as code:
        code.write("# work in progress\n")
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line == (
        "error: uncommitted changes that are not results: train.py; commit or stash them first"
    )
    assert git(bare, "rev-list", "--all") == ""


def test_a_remote_that_refuses_is_one_line(project: Path, bare: Path) -> None:
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line == "error: the remote origin refused the push: pushes are closed for maintenance"
    # The results stay committed, to push again later; the remote that took nothing goes.
    assert git(project, "log", "-1", "--format=%s") == COMMIT_MESSAGE
    assert git(project, "remote") == ""


def test_a_failing_check_stops_before_anything_changes(project: Path, bare: Path) -> None:
    (project / "LICENSE").write_text("MIT License\n\nCopyright (c) 2026 Your Name\n")
    commit_all(project, "License")
    head = git(project, "rev-parse", "HEAD")
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line.startswith("error: `mlport check` fails on: placeholders, license;")
    args = ["publish", "--remote", str(bare), "--path", str(project)]
    shown = runner.invoke(app, args, env={"COLUMNS": "250"}).stderr
    assert "holder is the placeholder 'Your Name'" in shown and "put your name in LICENSE" in shown
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""


def test_off_github_a_placeholder_login_is_not_pushed(project: Path, bare: Path) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("ada-l/", "your-github-username/"))
    dvc(project, "commit", "--force", "README.md")
    commit_all(project)
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line.startswith(
        "error: README.md still name the GitHub user 'your-github-username': replace it"
    )
    assert git(bare, "rev-list", "--all") == ""


def test_a_github_remote_url_fixes_the_badge_owner(project: Path, bare: Path, gh: Path) -> None:
    url = "https://github.com/ada-lab/iris-notes.git"
    # git's own URL rewriting sends the push to the bare repository on disk.
    git(project, "config", f"url.{bare}.insteadOf", url)

    result = publish(project, remote=url)

    assert result.url == "https://github.com/ada-lab/iris-notes"
    # The model goes to a release of the repository the URL names.
    assert release_calls(gh)[-1][:3] == ["release", "create", "--repo=ada-lab/iris-notes"]
    assert "ada-lab/iris-notes/releases/download/" in git(bare, "show", f"main:{MANIFEST}")
    assert git(project, "config", "--get", "remote.origin.url") == url
    readme = git(bare, "show", "main:README.md")
    assert BADGE.format("ada-lab/iris-notes") in readme and "ada-l/" not in readme
    rows = {row.check: row for row in audit(project)}
    assert rows["badge"].found == "badge matches the remote ada-lab/iris-notes"
    assert failed(rows.values()) == []


# Assembled here, so this file holds no credential-shaped string a scanner would flag.
PASSWORD = "c0rrect-" + "h0rse-battery"
TOKEN = "ghp_" + "Zq4mT8wLx2" * 3 + "Ab1Cd9"


def test_dvc_credentials_go_to_config_local_and_the_url_alone_is_pushed(
    project: Path, bare: Path, tmp_path: Path
) -> None:
    with http_store(tmp_path / "store", "ada", PASSWORD) as store:
        address = store.url.replace("http://", f"http://ada:{PASSWORD}@")
        args = ["publish", "--remote", str(bare), "--dvc-remote", address, "--path", str(project)]
        result = runner.invoke(app, args)

        assert result.exit_code == 0, result.output
        assert PASSWORD not in result.output
        assert "$ " in result.stderr and " -- storage password ***\n" in result.stderr
        # The data reached the store, authenticated with what config.local holds.
        assert store.logins and store.refused == 0
        assert list((tmp_path / "store").rglob("*"))
    assert f"url = {store.url}\n" in (project / ".dvc" / "config").read_text()
    local = (project / ".dvc" / "config.local").read_text()
    assert f"password = {PASSWORD}" in local and "user = ada" in local
    pushed = git(bare, "show", "main:.dvc/config")
    assert store.url in pushed and PASSWORD not in pushed and "ada" not in pushed
    assert PASSWORD not in git(bare, "log", "--all", "-p")
    assert ".dvc/config.local" not in git(bare, "ls-tree", "-r", "--name-only", "main")


def test_a_secret_in_what_would_be_pushed_stops_the_push_and_undoes_the_commit(
    project: Path, bare: Path
) -> None:
    head = git(project, "rev-parse", "HEAD")
    secret = "glpat-" + "Xy7Qw3Er5Ty7Ui9Op1As"
    store = f"https://data.example.com/store?private_token={secret}"
    args = ["publish", "--remote", str(bare), "--dvc-remote", store, "--path", str(project)]
    result = runner.invoke(app, args)

    assert result.exit_code == 1
    assert secret not in result.output
    assert result.stderr.splitlines()[-1] == (
        "error: what would be pushed holds GitLab Token in .dvc/config: nothing was pushed, and "
        "publish's commit was undone (its changes are staged); remove it, then publish"
    )
    assert git(project, "rev-parse", "HEAD") == head
    assert git(bare, "rev-list", "--all") == "" and git(project, "remote") == ""
    assert ".dvc/config" in git(project, "diff", "--cached", "--name-only")


def test_a_readme_image_that_is_no_output_and_not_in_git_is_named_not_pushed(
    project: Path, bare: Path
) -> None:
    (project / "private").mkdir()
    (project / "private" / "diary.txt").write_text("Dear diary, the model is bad.\n")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n![notes](private/diary.txt)\n")
    dvc(project, "commit", "--force", "README.md")

    result = runner.invoke(app, ["publish", "--remote", str(bare), "--path", str(project)])

    assert result.exit_code == 0, result.output
    assert (
        "# not published: private/diary.txt (neither a pipeline output in dvc.yaml nor in git)"
        in result.stderr.splitlines()
    )
    published = git(bare, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert "private/diary.txt" not in published
    # What the pipeline declares is published: the figure, the metrics, the README.
    assert {"reports/figures/curve.png", "reports/metrics.json", "README.md"} <= set(published)
    assert git(project, "status", "--porcelain") == "?? private/"


@pytest.mark.parametrize(
    "remote",
    ["--upload-pack=touch pwned", "-oProxyCommand=touch pwned", "ext::sh -c touch% pwned", ""],
)
def test_a_remote_that_is_an_option_or_no_url_is_refused_before_anything(
    project: Path, remote: str
) -> None:
    head = git(project, "rev-parse", "HEAD")
    line = publish_error([f"--remote={remote}", "--path", str(project)])
    assert line.startswith(f"error: --remote {remote!r} is not a remote of this repository,")
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""
    assert not (project / "pwned").exists()


def test_dvc_remote_that_is_an_option_is_refused_before_anything(project: Path, bare: Path) -> None:
    head = git(project, "rev-parse", "HEAD")
    line = publish_error(["--remote", str(bare), "--dvc-remote=--global", "--path", str(project)])
    assert line == "error: --dvc-remote '--global' is neither a URL nor a folder"
    assert git(project, "rev-parse", "HEAD") == head


def test_an_unreachable_remote_is_refused_before_the_commit(project: Path) -> None:
    head = git(project, "rev-parse", "HEAD")
    readme = (project / "README.md").read_text()
    remote = f"http://ada:{TOKEN}@127.0.0.1:9/iris-notes.git"
    result = runner.invoke(app, ["publish", "--remote", remote, "--path", str(project)])
    assert result.exit_code == 1
    assert TOKEN not in result.output
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: cannot reach http://***@127.0.0.1:9/iris-notes.git: ")
    assert line.endswith("; nothing was changed")
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""
    assert (project / "README.md").read_text() == readme


def test_a_remote_ahead_of_the_project_is_refused_before_the_commit(
    project: Path, bare: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(other)], check=True)
    run(other, "git", "commit", "--quiet", "--allow-empty", "-m", "Someone else's work")
    run(other, "git", "push", "--quiet", "origin", "HEAD:main")
    head = git(project, "rev-parse", "HEAD")
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line.startswith(f"error: {bare} already holds commits on main that this project lacks")
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""


def test_credentials_in_a_remote_url_are_never_printed(project: Path, bare: Path) -> None:
    remote = f"https://ada:{TOKEN}@git.example.com/ada/iris-notes.git"
    git(project, "config", f"url.{bare}.insteadOf", remote)
    hook = bare / "hooks" / "pre-receive"
    # A server that echoes the URL back, as some do in their refusals.
    hook.write_text(f"#!/bin/sh\necho 'no access for {remote}' >&2\nexit 1\n")
    hook.chmod(0o755)

    result = runner.invoke(app, ["publish", "--remote", remote, "--path", str(project)])

    assert result.exit_code == 1
    assert TOKEN not in result.output
    shown = "https://***@git.example.com/ada/iris-notes.git"
    assert f"$ git remote add -- origin {shown}" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"error: the remote origin refused the push: no access for {shown}"
    )
    assert git(project, "remote") == ""


def test_gh_output_echoed_back_is_redacted(
    project: Path, gh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "GH_STAND_IN_CREATE_FAILS",
        f"fatal: could not push to https://x-access-token:{TOKEN}@github.com/ada-gh/iris-notes",
    )
    result = runner.invoke(app, ["publish", "--path", str(project)])
    assert result.exit_code == 1
    assert TOKEN not in result.output
    assert result.stderr.splitlines()[-1] == (
        "error: gh repo create failed: fatal: could not push to "
        "https://***@github.com/ada-gh/iris-notes"
    )


def test_the_author_s_words_stop_a_publish_that_a_draft_goes_without(
    project: Path, bare: Path
) -> None:
    (project / ".mlport.json").write_text('{"template": "tabular-classifier", "answers": {}}\n')
    commit_all(project, "Record the template")
    head = git(project, "rev-parse", "HEAD")
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line.startswith("error: `mlport check` fails on: learner words;")
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""

    args = ["publish", "--draft", "--remote", str(bare), "--path", str(project)]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: published as a draft; still missing: no '## Problem' section, no '## What I "
        "did and why' section, no '## What I would try next' section"
    ]
    assert git(project, "rev-parse", "HEAD") == run(bare, "git", "rev-parse", "main").strip()


def test_a_project_still_named_for_its_template_s_data_stops_a_publish_a_draft_goes_without(
    project: Path, bare: Path
) -> None:
    (project / ".mlport.json").write_text('{"template": "tabular-classifier", "answers": {}}\n')
    (project / "params.yaml").write_text(
        "data:\n  source: data/raw.csv\n  about:\n    name: Breast Cancer Wisconsin (Diagnostic)\n"
    )
    commit_all(project, "Record the template and the data")
    head = git(project, "rev-parse", "HEAD")
    line = publish_error(["--remote", str(bare), "--path", str(project)])
    assert line.startswith("error: `mlport check` fails on: learner words, data names;")
    assert git(project, "rev-parse", "HEAD") == head and git(project, "remote") == ""

    args = ["publish", "--draft", "--remote", str(bare), "--path", str(project)]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings[1:] == [
        "warning: published as a draft; still missing: data is data/raw.csv but still named for "
        "Breast Cancer Wisconsin (Diagnostic): data.about (name)"
    ]
    assert git(project, "rev-parse", "HEAD") == run(bare, "git", "rev-parse", "main").strip()
