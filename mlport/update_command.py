"""The `mlport update` command: parses its options, calls `update_project`, prints one line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# `--check` exit status when an update is available (0: up to date, 1: an error).
UPDATE_AVAILABLE_EXIT = 3


def update(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (default: here).")
    ] = Path("."),
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", help="Change a recorded answer: key=value (repeatable)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=f"Only report: exit 0 if up to date, {UPDATE_AVAILABLE_EXIT} if an update waits.",
        ),
    ] = False,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt", help="Start following the template in a project without a template branch."
        ),
    ] = False,
) -> None:
    """Merge the current template into this project (git merge through its template branch)."""
    from mlport import console
    from mlport.cli import _parse_sets
    from mlport.update import AVAILABLE, MERGED, update_project

    # Errors, Ctrl-C and SIGTERM become one line in the CLI's error boundary (mlport.boundary).
    with console.err().status("Rendering the current template..."):
        result = update_project(
            project,
            sets=_parse_sets(sets or []),
            check=check,
            adopt=adopt,
            warn=console.warning,
        )

    files = f"{len(result.changed)} file{'s' if len(result.changed) != 1 else ''}"
    if result.status == AVAILABLE:
        line = (
            f"An update of mlport's {result.template} template is available ({files} change): "
            "`mlport update` merges it"
        )
    elif result.status == MERGED:
        line = (
            f"Merged mlport's {result.template} template into {result.branch} ({files} changed "
            "by the template); `git log -1 --stat` shows the merge"
        )
    else:
        line = f"Up to date with mlport's {result.template} template"
    console.out().print(line, soft_wrap=True, markup=False)
    if result.status == AVAILABLE:
        raise typer.Exit(UPDATE_AVAILABLE_EXIT)
