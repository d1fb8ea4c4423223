"""The CLI as a learner meets it: listing, creating, help, version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport import __version__
from mlport.cli import app
from mlport.registry import available_templates

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mlport {__version__}"


def cli_commands() -> dict:
    """Every command the CLI registers, by name: new commands are covered without a list here."""
    import typer.main

    return typer.main.get_command(app).commands


def long_options(command) -> list[str]:
    return [opt for param in command.params for opt in param.opts if opt.startswith("--")]


def test_the_root_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, command in cli_commands().items():
        assert name in result.stdout and command.help, name


@pytest.mark.parametrize("name", sorted(cli_commands()))
def test_each_commands_help_shows_every_option(name: str) -> None:
    result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in long_options(cli_commands()[name]):
        assert option in result.stdout, f"mlport {name} --help does not show {option}"


def test_the_readme_documents_every_command_and_option() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    usage = readme.split("## Using mlport", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    for name, command in cli_commands().items():
        assert f"mlport {name}" in usage, f"README's usage block lacks `mlport {name}`"
        for option in long_options(command):
            if option != "--help":
                assert option in usage, f"README's usage block lacks mlport {name} {option}"


def test_help_does_not_import_heavy_modules() -> None:
    # `mlport --help` must answer at once: cookiecutter and dvc load inside the commands.
    code = (
        "import sys; from mlport.cli import app; "
        "heavy = ('cookiecutter', 'dvc', 'mlport.api', 'mlport.audit', 'mlport.publish'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_list_shows_each_template_with_its_own_description() -> None:
    result = runner.invoke(app, ["list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    templates = available_templates()
    assert len(templates) >= 4
    for template in templates:
        assert template.description, f"{template.name} has no _description"
        assert template.name in result.stdout
        assert template.description in result.stdout


def test_new_creates_a_committed_project_with_dvc(tmp_path: Path, git_user: None) -> None:
    result = runner.invoke(
        app,
        ["new", "tabular-classifier", "--no-input", "--name", "Churn Model", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "churn-model"
    assert (project / "src" / "churn_model" / "__init__.py").is_file()
    assert (project / ".dvc" / "config").is_file()
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=project, capture_output=True, text=True, check=True
    )
    assert log.stdout.splitlines() == [
        "Initialise DVC",
        "Start Churn Model from mlport's tabular-classifier template",
    ]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    assert status.stdout == "", "the first commit must hold every generated file"
    record = json.loads((project / ".mlport.json").read_text())
    assert record["template"] == "tabular-classifier"
    assert record["answers"]["project_slug"] == "churn-model"
    # The end of the output: the tree, then the next three commands.
    assert "churn-model/" in result.stdout
    assert "cd " in result.stdout and "make setup" in result.stdout and "dvc repro" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].lstrip().startswith("mlport publish")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn-model"], "no staging left behind"


def test_no_git_skips_repository(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "rl-agent", "--no-input", "--no-git", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    project = tmp_path / "cartpole-agent"
    assert project.is_dir()
    assert not (project / ".git").exists()
    assert not (project / ".dvc").exists()


def test_without_a_terminal_it_never_prompts(tmp_path: Path) -> None:
    # CliRunner's stdin is no TTY: without --no-input it must still finish, on the defaults.
    result = runner.invoke(app, ["new", "nlp-sentiment", "--no-git", "-o", str(tmp_path)], input="")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "movie-review-sentiment").is_dir()


def test_missing_git_is_reported_and_generation_carries_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    result = runner.invoke(app, ["new", "image-cnn", "--no-input", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "git was not found" in result.stderr
    project = tmp_path / "out" / "digit-recognizer-cnn"
    assert project.is_dir() and not (project / ".git").exists()


def test_without_a_git_identity_the_first_commit_is_skipped_and_explained(
    tmp_path: Path,
) -> None:
    result = runner.invoke(
        app,
        [
            "new",
            "tabular-classifier",
            "--no-input",
            "-o",
            str(tmp_path),
            "--set",
            "author_name=Ada Lovelace",
            "--set",
            "author_email=ada@example.com",
        ],
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "breast-cancer-classifier"
    log = subprocess.run(["git", "log"], cwd=project, capture_output=True, text=True)
    assert log.returncode != 0, "no commit may be authored without a git identity"
    warning = " ".join(result.stderr.split())
    assert "git has no identity, so the first commit was skipped" in warning
    assert "git config --global user.name" in warning
    # One command a line, the path as typed from here, the message quoted plainly.
    assert f"\n  cd {project}\n" in result.stderr
    assert (
        "\n  git commit --quiet -m \"Start Breast Cancer Classifier from mlport's "
        'tabular-classifier template"\n' in result.stderr
    )
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-only"], cwd=project, capture_output=True, text=True
    )
    assert "dvc.yaml" in staged.stdout.split(), "everything is staged for the learner's commit"


def in_a_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `mlport ARGS` on a pseudo-terminal, typing `answers` then Enter at every prompt."""
    import os
    import pty
    import re
    import select
    import time

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlport", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    transcript, screen, deadline = "", "", time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096).decode(errors="replace")
        except OSError:
            break
        screen += chunk
        transcript += chunk
        if re.sub(r"\x1b\[[0-9;]*m", "", screen).rstrip(" ").endswith(":"):
            os.write(master, ((answers.pop(0) if answers else "") + "\r").encode())
            screen = ""
    return process.wait(timeout=10), re.sub(r"\x1b\[[0-9;]*m", "", transcript)


def test_in_a_terminal_it_prompts_and_uses_the_answers(tmp_path: Path) -> None:
    code, _ = in_a_terminal(
        ["new", "rl-agent", "--no-git", "-o", str(tmp_path)], ["Lunar Lander Pilot"]
    )
    assert code == 0
    assert (tmp_path / "lunar-lander-pilot" / "src" / "lunar_lander_pilot").is_dir()


def test_in_a_terminal_the_problem_is_asked_with_an_example(tmp_path: Path) -> None:
    problem = "Land a probe softly so a rocketry club can test its landing code"
    # project name, description, folder, package (defaults), then the problem
    code, transcript = in_a_terminal(
        ["new", "rl-agent", "--no-git", "-o", str(tmp_path)], ["", "", "", "", problem]
    )
    assert code == 0
    assert "The problem this project answers, and for whom" in transcript and "e.g." in transcript
    readme = (tmp_path / "cartpole-agent" / "README.md").read_text()
    assert f"\n\n{problem}\n\n## Problem\n" in readme


def test_prompts_offer_the_git_identity_as_defaults(tmp_path: Path, git_user: None) -> None:
    code, transcript = in_a_terminal(["new", "rl-agent", "--no-git", "-o", str(tmp_path)], [])
    assert code == 0
    assert "(Ada Lovelace)" in transcript and "(ada@example.com)" in transcript
    assert "(ada-l)" in transcript
    assert "Ada Lovelace" in (tmp_path / "cartpole-agent" / "LICENSE").read_text()


def test_placeholders_left_are_named_in_one_warning(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["new", "tabular-classifier", "--no-input", "--no-git", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("warning: placeholder identity left in ")
    warning = " ".join(result.stderr.split())
    for name in ("LICENSE", "pyproject.toml", "README.md", "MODEL_CARD.md"):
        assert name in warning
    assert "git config --global user.name" in warning and "mlport check" in warning
    # No template branch to update from: the fix is by hand, or answers when generating.
    assert "replace them by hand, or answer `--set author_name=" in warning


def test_with_a_git_identity_no_placeholder_is_left(tmp_path: Path, git_user: None) -> None:
    result = runner.invoke(app, ["new", "rl-agent", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    project = tmp_path / "cartpole-agent"
    author = subprocess.run(
        ["git", "log", "--format=%an <%ae>"], cwd=project, capture_output=True, text=True
    )
    assert set(author.stdout.splitlines()) == {"Ada Lovelace <ada@example.com>"}
    assert "Ada Lovelace" in (project / "LICENSE").read_text()
