"""Run a pipeline stage from the command line: one clear line on failure, outputs all or nothing."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ProjectError
from .tracking import redact

PARTIAL = ".partial"  # git-ignored: what a killed stage leaves is never committed
INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)
MAX_DETAIL_LINES = 25  # an error's further lines shown under its first, e.g. the files at fault
MAX_LINE = 300  # characters of a line from another library's error


def run_stage(stage: Callable[[], object]) -> None:
    """Call `stage`; any failure becomes an `error: ...` line on stderr and a non-zero exit.

    Further lines of the message (the files at fault, say) follow indented, never a traceback.
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


def drop_log_messages(logger: str, *starts: str) -> None:
    """Drop the records of `logger` whose message begins with one of `starts`.

    For a library's advice that tells the learner nothing about this project: only those
    messages go; the logger's other records, and every warning, still show.
    """
    logging.getLogger(logger).addFilter(lambda record: not record.getMessage().startswith(starts))


def describe(error: Exception) -> str:
    """`error` as its first line, then any further lines indented by two spaces.

    Our own messages stay as they are; others get their type and a hint on the first line.
    """
    lines = [redact(line.strip()) for line in str(error).strip().splitlines() if line.strip()]
    first, details = (lines[0], lines[1:]) if lines else ("", [])
    if not isinstance(error, ProjectError):
        first, details = _cut(first), [_cut(line) for line in details]
        first = f"{type(error).__name__}: {first} (DEBUG=1 shows the traceback)"
    if len(details) > MAX_DETAIL_LINES:
        hidden = len(details) - MAX_DETAIL_LINES + 1
        details = [*details[: MAX_DETAIL_LINES - 1], f"... and {hidden} more lines"]
    return "\n".join([first, *(f"  {line}" for line in details)])


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."


def write_atomically(path: str | Path, content: str | bytes) -> Path:
    """Write `content` to a scratch file beside `path`, then rename it into place.

    A full disk, a crash or Ctrl-C halfway leaves the previous file whole: readers see the old
    file or the new one, never a part. Text is written as UTF-8.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_path(path) as scratch, scratch.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A scratch path beside `path` for a writer that wants a file name (a figure, say); it is
    renamed onto `path` when the block succeeds and removed when it fails.

    The scratch name ends in `.partial`: give writers that guess the format from the name the
    format explicitly.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.parent / f".{path.name}.{secrets.token_hex(4)}{PARTIAL}"
    # Created here with the umask's permissions (tempfile's would be owner-only), then kept as
    # the previous file had them.
    os.close(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        if path.exists():
            os.chmod(scratch, stat.S_IMODE(path.stat().st_mode))
        yield scratch
        os.replace(scratch, path)  # same folder, same file system: one step
    finally:
        scratch.unlink(missing_ok=True)


def check_writable(directory: str | Path) -> Path:
    """`directory`, created if missing; a clear error if the stage could not save files in it.

    Called before the slow part, so a read-only folder fails before any training or MLflow run.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        Path(tempfile.mkdtemp(prefix=".check.", suffix=PARTIAL, dir=directory)).rmdir()
    except OSError as error:
        raise _not_writable(directory, error) from error
    return directory


def _not_writable(directory: Path, error: OSError) -> ProjectError:
    reason = error.strerror or type(error).__name__
    return ProjectError(
        f"cannot save the model: {directory}/ is not writable ({reason}); the previous model "
        f"stays and no model version was registered. Make {directory}/ writable and run again"
    )


@contextmanager
def replaced_on_success(directory: str | Path, either: Iterable[str] = ()) -> Iterator[Path]:
    """A scratch folder whose files replace their namesakes in `directory` if the block succeeds.

    Training writes its model files there, so a failed or interrupted run leaves the previous
    model untouched (and no half-written one); other files in `directory` stay as they are,
    except the names in `either` the block did not write this time (a model served natively
    must not leave the previous run's ONNX copy beside it).
    The scratch folder is inside `directory`: on its file system (each file swaps in one
    rename) and known to be writable before the block runs.
    """
    directory = check_writable(directory)
    for stale in directory.glob(f".*{PARTIAL}"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=".staged.", suffix=PARTIAL, dir=directory))
    except OSError as error:
        raise _not_writable(directory, error) from error
    try:
        yield scratch
        for name in either:
            if not (scratch / name).exists():
                (directory / name).unlink(missing_ok=True)
        for path in sorted(scratch.rglob("*")):
            if path.is_file():
                target = directory / path.relative_to(scratch)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
