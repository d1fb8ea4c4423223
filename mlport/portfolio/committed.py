"""A project's files as its last commit holds them: what GitHub shows, not the working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Any


class Committed:
    """Read-only access to the files of HEAD in the git repository at `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._git = shutil.which("git") or "git"

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([self._git, *args], cwd=self.root, capture_output=True, check=False)

    @cached_property
    def commit(self) -> str | None:
        """The full hash of HEAD, or None when there is no commit."""
        found = self._run("rev-parse", "--verify", "-q", "HEAD^{commit}")
        return found.stdout.decode().strip() or None if found.returncode == 0 else None

    @cached_property
    def paths(self) -> frozenset[str]:
        """Every file path in HEAD."""
        if self.commit is None:
            return frozenset()
        listed = self._run("ls-tree", "-r", "-z", "--name-only", "HEAD").stdout.decode()
        return frozenset(filter(None, listed.split("\0")))

    def read(self, path: str) -> bytes | None:
        """The bytes of `path` at HEAD (`git show HEAD:path`); None when HEAD has no such file."""
        if path not in self.paths:
            return None
        found = self._run("show", f"HEAD:{path}")
        return found.stdout if found.returncode == 0 else None

    def text(self, path: str) -> str | None:
        """The UTF-8 text of `path` at HEAD, or None when missing or not text."""
        data = self.read(path)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def json(self, path: str) -> Any:
        """The parsed JSON of `path` at HEAD; None when missing; ValueError when malformed."""
        text = self.text(path)
        return None if text is None else json.loads(text)

    def write(self, path: str, destination: Path) -> bool:
        """Copy `path` from HEAD to `destination`; whether HEAD has it."""
        data = self.read(path)
        if data is None:
            return False
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        return True

    def git(self, *args: str) -> str:
        """Output of a read-only git command in the repository ('' on failure)."""
        found = self._run(*args)
        return found.stdout.decode().strip() if found.returncode == 0 else ""
