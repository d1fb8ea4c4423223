"""What the audit needs to know about a project's files and its git repository."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

# Files a checker never reads: tool state, environments, caches.
SKIPPED_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__", ".ruff_cache"}
MAX_SCANNED_BYTES = 1_000_000


@dataclass(frozen=True)
class Blob:
    """One file version git holds (in a commit or in the index)."""

    sha: str
    path: str
    size: int


def dvc_command() -> list[str] | None:
    """How to run DVC: the one installed beside mlport, else the one on PATH."""
    if importlib.util.find_spec("dvc") is not None:
        return [sys.executable, "-m", "dvc"]
    found = shutil.which("dvc")
    return [found] if found else None


class Project:
    """A folder under audit, with git's view of it when it is a repository."""

    def __init__(self, root: Path, *, dvc_remote: str | None = None) -> None:
        self.root = root.resolve()
        # The default DVC remote `mlport publish --dvc-remote` is about to add, if any.
        self.dvc_remote = dvc_remote
        self._git = shutil.which("git")

    def git(self, *args: str, check: bool = True) -> str:
        """Run git in the project; '' when it fails and check is False."""
        result = subprocess.run(
            [self._git or "git", *args], cwd=self.root, capture_output=True, text=True
        )
        if result.returncode != 0:
            if check:
                raise RuntimeError(result.stderr.strip())
            return ""
        return result.stdout

    @cached_property
    def is_repository(self) -> bool:
        if self._git is None:
            return False
        top = self.git("rev-parse", "--show-toplevel", check=False).strip()
        return bool(top) and Path(top).resolve() == self.root

    @cached_property
    def has_commits(self) -> bool:
        return self.is_repository and bool(
            self.git("rev-parse", "--verify", "-q", "HEAD", check=False)
        )

    @cached_property
    def tracked(self) -> set[str]:
        """Paths in git's index."""
        if not self.is_repository:
            return set()
        return set(filter(None, self.git("ls-files", "-z").split("\0")))

    @cached_property
    def untracked(self) -> set[str]:
        """Files `git add --all` would add: untracked and not ignored."""
        if not self.is_repository:
            return set()
        listed = self.git("ls-files", "-z", "--others", "--exclude-standard")
        return set(filter(None, listed.split("\0")))

    @cached_property
    def changed(self) -> set[str]:
        """Tracked paths that differ from HEAD, staged or not, plus untracked ones."""
        if not self.is_repository:
            return set()
        entries = iter(
            self.git("status", "--porcelain=v1", "-z", "--untracked-files=all").split("\0")
        )
        changed = set()
        for entry in entries:
            if len(entry) > 3:
                changed.add(entry[3:])
                if entry[0] in "RC":
                    next(entries, None)  # a rename's old path follows, with no status
        return changed

    def ignored(self, path: str) -> bool:
        """Whether git ignores `path` (DVC lists its outputs in .gitignore files)."""
        if not self.is_repository:
            return False
        found = subprocess.run(
            [self._git or "git", "check-ignore", "-q", path], cwd=self.root, capture_output=True
        )
        return found.returncode == 0

    def visible_files(self) -> list[str]:
        """What would be published: git's files plus the ones `git add --all` would add.

        Outside git, every file under the folder except tool state and environments.
        """
        if self.is_repository:
            return sorted(self.tracked | self.untracked)
        files = []
        for folder, subfolders, names in os.walk(self.root):
            # Pruned in place, so a multi-gigabyte .venv is never walked.
            subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]
            base = Path(folder).relative_to(self.root)
            files.extend((base / name).as_posix() for name in names)
        return sorted(files)

    def text(self, relative: str) -> str | None:
        """A file's text on disk, or None when it is missing, binary or too large to scan."""
        path = self.root / relative
        try:
            if path.stat().st_size > MAX_SCANNED_BYTES:
                return None
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    @cached_property
    def blobs(self) -> list[Blob]:
        """Every file version in the history and the index, once each."""
        if not self.is_repository:
            return []
        named: dict[str, str] = {}
        if self.has_commits:
            for line in self.git("rev-list", "--all", "--objects").splitlines():
                sha, _, path = line.partition(" ")
                if path:
                    named.setdefault(sha, path)
        for line in self.git("ls-files", "-s", "-z").split("\0"):
            meta, _, path = line.partition("\t")
            if path:
                named.setdefault(meta.split()[1], path)
        if not named:
            return []
        sizes = subprocess.run(
            [
                self._git or "git",
                "cat-file",
                "--batch-check=%(objectname) %(objecttype) %(objectsize)",
            ],
            cwd=self.root,
            input="\n".join(named),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        blobs = []
        for line in sizes:
            parts = line.split()
            if len(parts) == 3 and parts[1] == "blob":
                blobs.append(Blob(parts[0], named[parts[0]], int(parts[2])))
        return blobs

    def blob_texts(self, blobs: list[Blob]) -> Iterator[tuple[Blob, str]]:
        """The text of each blob small enough to scan; binary ones are left out."""
        wanted = [blob for blob in blobs if blob.size <= MAX_SCANNED_BYTES]
        if not wanted:
            return
        output = subprocess.run(
            [self._git or "git", "cat-file", "--batch"],
            cwd=self.root,
            input="\n".join(blob.sha for blob in wanted).encode(),
            capture_output=True,
            check=True,
        ).stdout
        position = 0
        for blob in wanted:
            header_end = output.index(b"\n", position)
            size = int(output[position:header_end].split()[2])
            content = output[header_end + 1 : header_end + 1 + size]
            position = header_end + 1 + size + 1
            if b"\0" in content[:8000]:
                continue
            yield blob, content.decode("utf-8", errors="replace")
