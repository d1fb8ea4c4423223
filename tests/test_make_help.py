"""`make help` in a generated project lists its targets with the values a learner will use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_NAMES


def make_help(project: Path, *assignments: str) -> str:
    return subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", "help", *assignments],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_help_shows_the_port_the_server_will_use(rendered: dict[str, Path], template: str) -> None:
    listed = make_help(rendered[template])
    assert "$(" not in listed
    served = "Serve the trained model on http://127.0.0.1:8000 (docs at /docs)"
    assert f"  serve          {served}\n" in listed


def test_help_follows_a_port_given_on_the_command_line(rendered: dict[str, Path]) -> None:
    listed = make_help(rendered["tabular-classifier"], "PORT=9001")
    assert "http://127.0.0.1:9001 (docs at /docs)" in listed
