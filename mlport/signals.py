"""Make SIGTERM unwind like Ctrl-C, so the cleanup that runs on an interrupt runs on it too."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """Raised inside the work when the process receives SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    # A second SIGTERM must not cut the cleanup short: ignore the rest until the work unwinds.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block SIGTERM raises Terminated, a KeyboardInterrupt; outside nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
