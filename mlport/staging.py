"""What `mlport publish` commits: the pipeline's outputs and files git already tracks."""

from __future__ import annotations

from pathlib import PurePosixPath

from mlport.audit.checks import referenced_figures, uncommitted_results
from mlport.audit.facts import Project
from mlport.pipeline import declared_paths


def _is_output(path: str, outputs: set[str]) -> bool:
    """Whether `path` is a declared output, a file inside one, or the .gitignore DVC keeps
    beside a cached output."""
    if any(path == output or path.startswith(f"{output}/") for output in outputs):
        return True
    folder = PurePosixPath(path).parent
    return PurePosixPath(path).name == ".gitignore" and any(
        PurePosixPath(output).parent == folder for output in outputs
    )


def staged_and_left_out(project: Project, always: list[str]) -> tuple[list[str], list[str]]:
    """(the results to commit, the results left out: neither pipeline outputs nor tracked).

    The results are the changed result files and the images README.md and MODEL_CARD.md show;
    `always` (dvc.lock, the documents) is committed where it is an output or tracked too. A
    README can show any file: one that is no output and not in git stays on this machine.
    """
    outputs = declared_paths(project.root) | {"dvc.lock"}
    candidates = sorted({*uncommitted_results(project), *referenced_figures(project), *always})
    staged, left_out = [], []
    for path in candidates:
        if path in project.tracked or _is_output(path, outputs):
            staged.append(path)
        elif path in project.changed:
            left_out.append(path)
    return staged, left_out
