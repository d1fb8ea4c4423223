"""Reading files a user controls: regular files only, never more than a cap, any encoding."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 1_000_000
KINDS_OF_FILE = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class Contents:
    """A file's bytes, or what stops them being read (e.g. "is a named pipe (FIFO)...")."""

    data: bytes | None
    problem: str | None = None


def _kind_of(mode: int) -> str:
    return next((name for test, name in KINDS_OF_FILE if test(mode)), "not a regular file")


def read_regular(path: Path, limit: int = MAX_BYTES) -> Contents:
    """The bytes of a regular file of at most `limit` bytes; never opens a pipe or a device.

    A FIFO would block the reader and /dev/zero never ends, so only regular files are opened,
    and only `limit` bytes are read.
    """
    link = f"is a symbolic link to {os.readlink(path)}, " if path.is_symlink() else "is "
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            return Contents(None, f"{link}{_kind_of(mode)}, not a file")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped since the stat
                return Contents(None, f"{link}not a regular file")
            data = file.read(limit + 1)
    except FileNotFoundError:
        return Contents(None, f"{link}missing" if link != "is " else "does not exist")
    except OSError as error:
        return Contents(None, f"cannot be read ({error.strerror})")
    if len(data) > limit:
        return Contents(None, f"is larger than {limit / 1e6:g} MB")
    return Contents(data)


def decoded(data: bytes) -> str | None:
    """Text to scan for secrets: UTF-8 or UTF-16 with a byte-order mark, else any bytes that are
    not binary, read as UTF-8 with the undecodable bytes replaced; None for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\0" in data[:8000]:
        return None
    return data.decode("utf-8", errors="replace")


def _special(path: Path) -> str | None:
    """What is wrong with `path` if it is a pipe, a device, a socket or a link to one."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing or a broken link: nothing waits on it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    link = f"is a symbolic link to {os.readlink(path)}, " if path.is_symlink() else "is "
    return f"{link}{_kind_of(mode)}, not a file"


def special_files(root: Path, relatives: Iterable[str]) -> list[str]:
    """Each path (or file under a folder path) that a reader would wait on or never finish:
    "README.md is a named pipe (FIFO), not a file"."""
    found = []
    for relative in sorted(relatives):
        top = root / relative
        candidates = [top]
        if top.is_dir():
            for folder, _, names in os.walk(top):
                candidates.extend(Path(folder, name) for name in names)
        for path in candidates:
            problem = _special(path)
            if problem:
                found.append(f"{path.relative_to(root).as_posix()} {problem}")
    return found
