"""Build hook: the wheel and sdist carry the git commit they were built from.

`pip install .` in a clone of mlport installs a wheel, where no checkout is left to ask; the
commit it carries is what `.mlport.json` records as `source_commit` (see mlport/record.py).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Inside the package, beside the templates the wheel ships.
COMMIT_FILE = "mlport/SOURCE_COMMIT"


def checkout_commit(root: Path) -> str | None:
    """HEAD of the git checkout whose top is `root`, or None (an sdist, no git)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    if len(top) != 2 or Path(top[0]).resolve() != root.resolve():
        return None  # an unpacked sdist inside some other repository
    return top[1]


class SourceCommitHook(BuildHookInterface):
    """Put the checkout's commit into the built package as mlport/SOURCE_COMMIT."""

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return  # an editable install asks its checkout directly
        commit = checkout_commit(Path(self.root))
        if commit is None:
            return  # built from an sdist: the file it carries is part of the package
        self._scratch = tempfile.TemporaryDirectory(prefix="mlport-build-")
        path = Path(self._scratch.name) / "SOURCE_COMMIT"
        path.write_text(commit + "\n", encoding="utf-8")
        build_data["force_include"][str(path)] = COMMIT_FILE

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            scratch.cleanup()
