"""What the audit needs to know about a project's files and its git repository."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from mlport.reading import Contents, decoded, read_regular

# Files a checker never reads: tool state, environments, caches.
SKIPPED_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__", ".ruff_cache"}
MAX_SCANNED_BYTES = 1_000_000  # also the cap of `read_regular`
# Every ref: what `git push` may send now or later, and what a clone of a mirror gets.
ALL_HISTORY = ("--all",)


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
    def enclosing_repository(self) -> Path | None:
        """The top of the git repository holding the folder (the folder itself or a parent)."""
        if self._git is None:
            return None
        top = self.git("rev-parse", "--show-toplevel", check=False).strip()
        return Path(top).resolve() if top else None

    @cached_property
    def is_repository(self) -> bool:
        return self.enclosing_repository == self.root

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
            [self._git or "git", "check-ignore", "-q", "--", path],
            cwd=self.root,
            capture_output=True,
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

    def read(self, relative: str) -> Contents:
        """A file's bytes on disk, or what stops them being read (see `read_regular`)."""
        path = self.root / relative
        contents = read_regular(path)
        outside = path.is_symlink() and not path.resolve().is_relative_to(self.root)
        if contents.data is not None and outside:
            target = os.readlink(path)
            return Contents(None, f"is a symbolic link to {target}, outside the project")
        return contents

    def text(self, relative: str) -> str | None:
        """A file's UTF-8 text on disk, or None when it cannot be read as such."""
        return self.document(relative)[0]

    def document(self, relative: str) -> tuple[str | None, str | None]:
        """(a file's UTF-8 text, None), or (None, what is wrong with it)."""
        contents = self.read(relative)
        if contents.data is None:
            return None, contents.problem
        try:
            return contents.data.decode("utf-8"), None
        except UnicodeDecodeError as error:
            byte = contents.data[error.start]
            return None, f"is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"

    @cached_property
    def blobs(self) -> list[Blob]:
        """Every file version in the history and the index, once each."""
        return self.history_blobs(ALL_HISTORY, index=True)

    def history_blobs(self, revisions: Sequence[str], *, index: bool) -> list[Blob]:
        """Every file version in the commits `revisions` reach (and the index), once each."""
        if not self.is_repository:
            return []
        named: dict[str, str] = {}
        if self.has_commits:
            for line in self.git("rev-list", "--objects", *revisions, "--").splitlines():
                sha, _, path = line.partition(" ")
                if path:
                    named.setdefault(sha, path)
        for line in self.git("ls-files", "-s", "-z").split("\0") if index else []:
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

    def history_paths(self, revisions: Sequence[str]) -> set[str]:
        """Every path a file ever had in the commits `revisions` reach."""
        if not self.has_commits:
            return set()
        listed = self.git(
            "log", "-m", "--no-renames", "--name-only", "--format=", "-z", *revisions, "--"
        )
        return {path.strip("\n") for path in listed.split("\0") if path.strip("\n")}

    def messages(self, revisions: Sequence[str]) -> list[tuple[str, str]]:
        """(where, text) of every commit message `revisions` reach and, for all refs, every
        annotated tag's message."""
        if not self.has_commits:
            return []
        # NUL-separated: sha, message, sha, message...
        fields = self.git("log", "-z", "--format=%h%x00%B", *revisions, "--").split("\0")
        found = [
            (f"the message of commit {fields[at]}", fields[at + 1])
            for at in range(0, len(fields) - 1, 2)
        ]
        if tuple(revisions) == ALL_HISTORY:
            listed = self.git(
                "for-each-ref",
                "--format=%(objecttype)%00%(refname:short)%00%(contents)%00",
                "refs/tags",
            )
            # kind, name, message, kind, name...; each record after the first opens on a newline
            tags = [field.lstrip("\n") for field in listed.split("\0")]
            found += [
                (f"the message of tag {tags[at + 1]}", tags[at + 2])
                for at in range(0, len(tags) - 2, 3)
                if tags[at] == "tag"
            ]
        return found

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
            text = decoded(content)
            if text is not None:
                yield blob, text
