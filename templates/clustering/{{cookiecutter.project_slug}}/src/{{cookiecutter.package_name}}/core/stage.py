{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/stage.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Run a pipeline stage from the command line: one clear line on failure, outputs all or nothing."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ProjectError
from .tracking import redact

PARTIAL = ".partial"
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)


def run_stage(stage: Callable[[], object]) -> None:
    """Call `stage`; any failure becomes one `error: ...` line on stderr and a non-zero exit.

    Ctrl-C prints `interrupted` and exits 130. Set DEBUG=1 to see the full traceback instead.
    """
    try:
        stage()
    except KeyboardInterrupt:
        if os.environ.get("DEBUG"):
            raise
        print("interrupted", file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
    except Exception as error:
        if os.environ.get("DEBUG"):
            raise
        print(f"error: {describe(error)}", file=sys.stderr)
        raise SystemExit(1) from None


def describe(error: Exception) -> str:
    """One line for `error`: our own messages as they are, others with their type and a hint."""
    lines = str(error).strip().splitlines()
    text = redact(lines[0] if lines else "")
    if isinstance(error, ProjectError):
        return text
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(error).__name__}: {text} (DEBUG=1 shows the traceback)"


@contextmanager
def replaced_on_success(directory: str | Path) -> Iterator[Path]:
    """A scratch folder whose files replace their namesakes in `directory` if the block succeeds.

    Training writes its model files there, so a failed or interrupted run leaves the previous
    model untouched (and no half-written one); other files in `directory` stay as they are.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Hidden, and *.partial is git-ignored: a killed run leaves nothing `git add -A` would take.
    scratch = Path(
        tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=PARTIAL, dir=directory.parent)
    )
    try:
        yield scratch
        for path in sorted(scratch.rglob("*")):
            if path.is_file():
                target = directory / path.relative_to(scratch)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)  # same file system: each file swaps in one step
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
