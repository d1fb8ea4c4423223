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
        "mlport publish # check, commit the results, create the GitHub repository, push",
    ):
        out.print(f"  {command}", soft_wrap=True, markup=False)


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="The project folder.")] = Path("."),
) -> None:
    """Audit a project before it goes public: one row per check, exit 1 on a fail."""
    from mlport import console
    from mlport.audit import audit, failed
    from mlport.audit.table import rows_table
    from mlport.errors import NotAProjectError

    if not path.is_dir():
        raise fail(str(NotAProjectError(f"{path} is not a folder")))
    rows = audit(path)  # errors become one line in the CLI's boundary
    console.out().print(rows_table(rows, f"mlport check: {path.resolve().name}"))
    problems = failed(rows)
    if problems:
        raise fail(
            f"{len(problems)} of {len(rows)} checks fail: {', '.join(r.check for r in problems)}"
        )


@app.command()
def publish(
    remote: Annotated[
        str | None,
        typer.Option(help="Push to this existing git remote (name or URL) instead of GitHub."),
    ] = None,
    private: Annotated[bool, typer.Option(help="Create the GitHub repository private.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print every command; change nothing.")
    ] = False,
    dvc_remote: Annotated[
        str | None,
        typer.Option(help="Also configure this DVC remote (path or URL) and push the data."),
    ] = None,
    portfolio: Annotated[
        bool,
        typer.Option(
            "--portfolio",
            help="Publish the portfolio `mlport portfolio` built (--path: its folder, "
            "default ./portfolio): the profile README and the Pages site.",
        ),
    ] = False,
    path: Annotated[Path | None, typer.Option(help="The project folder (default: here).")] = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Publish before the README holds your own words and the names fit your data; "
            "list what is missing.",
        ),
    ] = False,
    no_release: Annotated[
        bool,
        typer.Option(
            "--no-release",
            help="Attach no trained model to a GitHub release (and write no model-release.json).",
        ),
    ] = False,
) -> None:
    """Check the project, commit its results, create the GitHub repository (gh), push."""
    from mlport import console
    from mlport.audit.table import rows_table
    from mlport.errors import PublishError
    from mlport.publish import Published
    from mlport.publish import publish as publish_project

    # A dry run's commands are its output; a real run's are progress.
    stream = console.out() if dry_run else console.err()

    def say(line: str) -> None:
        console.show(stream, line)

    if portfolio:
        options = {
            "--remote": remote,
            "--private": private,
            "--dvc-remote": dvc_remote,
            "--draft": draft,
            "--no-release": no_release,
        }
        given = [name for name, value in options.items() if value]
        if given:
            raise fail(f"{', '.join(given)} cannot be used with --portfolio")
        _publish_portfolio(path or Path(DEFAULT_PORTFOLIO), dry_run=dry_run, say=say)
        return
    path = path or Path(".")

    def run() -> Published:
        try:
            return publish_project(
                path,
                remote=remote,
                private=private,
                dry_run=dry_run,
                dvc_remote=dvc_remote,
                draft=draft,
                release=not no_release,
                say=say,
            )
        except PublishError as error:
            if error.rows:
                console.err().print(rows_table(error.rows, "mlport check: what stops publishing"))
            raise

    result = run()
    for row in result.missing:
        console.warning(f"published as a draft; still missing: {row.found}")
    verb = "Would publish" if dry_run else "Published"
    console.show(console.out(), str(result.url), lead=verb, style="bold green")
    if result.release:
        console.show(console.out(), result.release, lead="Model release:", style="green")


DEFAULT_PORTFOLIO = "portfolio"


@app.command("portfolio")
def portfolio_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Project folders, or folders of projects (default: here)."),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Where to write: OUT/profile (README) and OUT/site (Pages)."
        ),
    ] = Path(DEFAULT_PORTFOLIO),
    profile_readme: Annotated[
        bool,
        typer.Option("--profile-readme", help="Write the README of your GitHub profile."),
    ] = False,
    site: Annotated[bool, typer.Option("--site", help="Write a static site for GitHub Pages.")] = (
        False
    ),
) -> None:
    """Gather every project's published result into a profile README and a site."""
    from mlport import console
    from mlport.audit.table import rows_table
    from mlport.portfolio import build_portfolio, rows

    built = build_portfolio(paths or [Path(".")], out, profile_readme=profile_readme, site=site)
    out_console = console.out()
    out_console.print(rows_table(rows(built), "mlport portfolio"))
    for written in (built.profile, built.site):
        if written is not None:
            out_console.print(f"[bold green]Wrote[/] {_shown(written)}", soft_wrap=True)
    if built.profile is None and built.site is None:
        out_console.print("Nothing written: add --profile-readme and/or --site.")
        return
    shown_out = "" if str(out) == DEFAULT_PORTFOLIO else f" --path {_shown(out)}"
    out_console.print(
        f"\nNext: read it, then `mlport publish --portfolio{shown_out}` "
        "(add --dry-run to see the commands first).",
        soft_wrap=True,
        markup=False,
    )


def _publish_portfolio(out: Path, *, dry_run: bool, say) -> None:
    from mlport import console
    from mlport.audit.table import rows_table
    from mlport.errors import PortfolioError
    from mlport.portfolio import publish_portfolio

    try:
        result = publish_portfolio(out, dry_run=dry_run, say=say)
    except PortfolioError as error:
        if error.rows:
            console.err().print(rows_table(error.rows, "mlport portfolio: what stops publishing"))
        raise
    verb = "Would publish" if dry_run else "Published"
    for url in result.urls.values():
        console.out().print(f"[bold green]{verb}[/] {url}", soft_wrap=True)


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def main() -> None:
    """Entry point of the `mlport` script."""
    app()


def _register_update() -> None:
    from mlport.rename_command import rename
    from mlport.update_command import update

    app.command("update")(update)
    app.command("rename")(rename)


_register_update()
