{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/stage.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Run a pipeline stage from the command line: one clear error line, no traceback, non-zero exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .errors import ProjectError


def run_stage(stage: Callable[[], object]) -> None:
    """Call `stage`; a ProjectError becomes `error: ...` on stderr and exit code 1.

    Set DEBUG=1 to see the full traceback instead.
    """
    try:
        stage()
    except ProjectError as error:
        if os.environ.get("DEBUG"):
            raise
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
