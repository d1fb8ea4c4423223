"""The `mlport rename` command: a project named after its new data, through the template branch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlport.naming import ProjectNames, project_names


def names_for(name: str) -> ProjectNames:
    """The title, folder and package for `name`; a name typed as a slug gets a title in words."""
    names = project_names(name)
    if names.title == names.slug:  # "titanic-survival" reads "Titanic Survival" on the page
        return ProjectNames(names.slug.replace("-", " ").title(), names.slug, names.package)
    return names


def rename(
    name: Annotated[
        str,
        typer.Argument(help="The new name, as a title or a folder name: 'Titanic Survival'."),
    ],
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (default: here).")
    ] = Path("."),
) -> None:
    """Rename the project (title, package, MLflow names, docs) after its data, keeping your work."""
    from mlport import console
    from mlport.update import MERGED, update_project

    names = names_for(name)
    sets = {"project_name": names.title, "project_slug": names.slug, "package_name": names.package}
    # Errors, Ctrl-C and SIGTERM become one line in the CLI's error boundary (mlport.boundary).
    with console.err().status("Rendering the template under the new name..."):
        result = update_project(project, sets=sets, warn=console.warning)
    folder = result.project.resolve()
    if result.status != MERGED:
        console.out().print(f"Already named {names.title}", soft_wrap=True, markup=False)
        return
    lines = [
        f"Renamed to {names.title} (package {names.package}, MLflow experiment and registered "
        f"model {names.slug}) and merged into {result.branch}; `git log -1 --stat` shows what "
        "moved.",
        f"Next: `make setup` installs the package under its new name; `dvc repro` reruns the "
        f"pipeline, whose runs now go to the experiment {names.slug}.",
    ]
    if folder.name != names.slug:
        lines.append(
            f"The folder is still {folder.name}: GitHub names the repository after it. "
            f"`cd .. && mv {folder.name} {names.slug}` renames it; a .venv inside does not "
            "survive the move, so run `make setup` again there."
        )
    for line in lines:
        console.out().print(line, soft_wrap=True, markup=False)
