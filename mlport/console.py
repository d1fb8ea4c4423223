"""Output for people: diagnostics on stderr, results on stdout, no colour when NO_COLOR is set.

Every line goes through `redact`, so no credential a user typed or git echoed is ever shown.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from mlport.redact import redact


def out() -> Console:
    return _console(stderr=False, environment=_console_environment())


def err() -> Console:
    return _console(stderr=True, environment=_console_environment())


def _console_environment() -> tuple[str | None, ...]:
    """What a Console reads from the environment when it is made: one per combination."""
    return tuple(os.environ.get(name) for name in ("COLUMNS", "LINES", "NO_COLOR", "TERM"))


@cache
def _console(*, stderr: bool, environment: tuple[str | None, ...]) -> Console:
    del environment  # part of the cache key only: Rich reads it from os.environ
    return Console(stderr=stderr, highlight=False)


def error(message: str) -> None:
    """One line on stderr; the message is shown as it is (it may quote user input)."""
    err().print(Text.assemble(("error:", "bold red"), " ", redact(message)), soft_wrap=True)


def warning(message: str) -> None:
    """One warning line on stderr."""
    err().print(Text.assemble(("warning:", "yellow"), " ", redact(message)), soft_wrap=True)


def show(console: Console, line: str, *, lead: str = "", style: str = "") -> None:
    """Print a line as it is (no markup, credentials hidden), after a styled `lead` word."""
    text = Text.assemble((lead, style), " ", redact(line)) if lead else Text(redact(line))
    console.print(text, highlight=False, soft_wrap=True)


def shown_path(path: Path) -> str:
    """`path` as a learner would type it from here: relative when inside this folder."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


_HIDDEN = {".git", ".dvc"}


def file_tree(root: Path, *, depth: int = 2) -> Tree:
    """The files of a new project, folders first, two levels deep (.git and .dvc folded)."""
    tree = Tree(f"[bold]{root.name}/[/]")

    def add(branch: Tree, folder: Path, level: int) -> None:
        entries = sorted(folder.iterdir(), key=lambda path: (not path.is_dir(), path.name))
        for entry in entries:
            if entry.is_dir():
                child = branch.add(f"[blue]{entry.name}/[/]")
                if level < depth and entry.name not in _HIDDEN:
                    add(child, entry, level + 1)
            else:
                branch.add(entry.name)

    add(tree, root, 1)
    return tree
