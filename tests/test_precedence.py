"""Answers: template defaults < git identity < the user's cookiecutter config < --set."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlport.api import create_project


def generate_with(
    tmp_path: Path, user_config: str | None, cli_set: str | None
) -> tuple[Path, dict]:
    """Generate with author_name in the user config and/or --set; return the project and answers."""
    config_path = Path(os.environ["COOKIECUTTER_CONFIG"])
    config = json.loads(config_path.read_text())
    if user_config:
        config["default_context"] = {"author_name": user_config}
    config_path.write_text(json.dumps(config))

    context = {"author_name": cli_set} if cli_set else {}
    project = create_project("tabular-classifier", tmp_path, context=context, git=False)

    answers = json.loads((project / ".mlport.json").read_text())["answers"]
    return project, answers


@pytest.mark.parametrize(
    ("user_config", "cli_set", "expected"),
    [
        (None, None, "Your Name"),
        ("Config Person", None, "Config Person"),
        (None, "Cli Person", "Cli Person"),
        ("Config Person", "Cli Person", "Cli Person"),
    ],
    ids=[
        "template-default",
        "user-config-over-default",
        "set-over-default",
        "set-over-user-config",
    ],
)
def test_answer_precedence(
    tmp_path: Path, user_config: str | None, cli_set: str | None, expected: str
) -> None:
    project, answers = generate_with(tmp_path, user_config, cli_set)
    assert answers["author_name"] == expected
    assert expected in (project / "LICENSE").read_text()


@pytest.mark.parametrize(
    ("user_config", "cli_set", "expected"),
    [
        (None, None, "Ada Lovelace"),
        ("Config Person", None, "Config Person"),
        (None, "Cli Person", "Cli Person"),
    ],
    ids=["git-identity-over-placeholder", "user-config-over-git", "set-over-git"],
)
def test_git_identity_replaces_only_the_placeholder_defaults(
    tmp_path: Path, git_user: None, user_config: str | None, cli_set: str | None, expected: str
) -> None:
    project, answers = generate_with(tmp_path, user_config, cli_set)
    assert answers["author_name"] == expected
    assert answers["author_email"] == "ada@example.com"
    assert answers["github_username"] == "ada-l"
    assert "github.com/ada-l/breast-cancer-classifier" in (project / "README.md").read_text()
