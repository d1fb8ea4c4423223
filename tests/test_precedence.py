"""Answers: template defaults < the user's cookiecutter config < --set."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlport.api import create_project


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
    config_path = Path(os.environ["COOKIECUTTER_CONFIG"])
    config = json.loads(config_path.read_text())
    if user_config:
        config["default_context"] = {"author_name": user_config}
    config_path.write_text(json.dumps(config))

    context = {"author_name": cli_set} if cli_set else {}
    project = create_project("tabular-classifier", tmp_path, context=context, git=False)

    answers = json.loads((project / ".mlport.json").read_text())["answers"]
    assert answers["author_name"] == expected
    assert expected in (project / "LICENSE").read_text()
