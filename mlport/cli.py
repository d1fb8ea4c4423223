"""The `mlport` command: parses arguments, calls the library, prints for people."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlport import __version__
from mlport.boundary import ErrorBoundary, fail

app = typer.Typer(
    cls=ErrorBoundary,
    name="mlport",
    help="Generate a portfolio-grade ML project: trained, tracked, served, documented.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"mlport {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Generate a portfolio-grade machine-learning project: trained, tracked, served, documented."""


@app.command("list")
def list_templates() -> None:
    """List the templates, each with what it builds."""
    from rich.table import Table

    from mlport import console
    from mlport.registry import available_templates

    table = Table(title="mlport templates", title_justify="left")
    table.add_column("template", style="bold cyan", no_wrap=True)
    table.add_column("what it builds")
    for template in available_templates():
        table.add_row(template.name, template.description)
    console.out().print(table)


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    from mlport.errors import InvalidValueError

    context = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidValueError(f"--set expects key=value, got {pair!r}")
        context[key.strip()] = value
    return context


@app.command()
def new(
    template: Annotated[str, typer.Argument(help="Template to use (see `mlport list`).")],
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Project name; the folder and package derive from it."),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to create the project folder.")
    ] = Path("."),
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", "-s", help="Answer a template question: key=value (repeatable)."),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Ask nothing: use defaults and --set answers.")
    ] = False,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Skip git init, dvc init and the first commit.")
    ] = False,
) -> None:
    """Create a new project from TEMPLATE."""
    from mlport import console
    from mlport.api import create_project
    from mlport.signals import Terminated

    # Prompt only where a person can answer; the spinner would garble the prompts.
    ask = not no_input and sys.stdin.isatty()

    def create() -> Path:
        return create_project(
            template,
            output_dir,
            name=name,
            context=_parse_sets(sets or []),
            no_input=not ask,
            git=not no_git,
            warn=console.warning,
        )

    try:
        if ask:
            project = create()
        else:
            with console.err().status(f"Creating a {template} project..."):
                project = create()
    except Terminated:
        raise fail("terminated: nothing was written", 143) from None
    except KeyboardInterrupt:
        raise fail("interrupted: nothing was written", 130) from None

    out = console.out()
    out.print(console.file_tree(project))
    out.print(f"\n[bold green]Created[/] {project}\n\nNext:", soft_wrap=True)
    for command in (
        f"cd {_shown(project)}",
        "python -m venv .venv && source .venv/bin/activate && make setup",
        "dvc repro      # data -> train -> evaluate -> report, results into README.md",
    ):
        out.print(f"  {command}", soft_wrap=True, markup=False)


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def main() -> None:
    """Entry point of the `mlport` script."""
    app()


def _register_update() -> None:
    from mlport.update_command import update

    app.command("update")(update)


_register_update()
