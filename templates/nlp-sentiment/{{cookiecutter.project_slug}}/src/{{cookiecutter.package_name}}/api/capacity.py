"""Back-pressure: bound the model's work in flight, refuse the excess at once with 503.

Each text costs time and memory in proportion to its length. Admitted work (running or waiting)
is counted in characters: beyond serve.max_pending_chars a request gets 503 with Retry-After
instead of a place in an unbounded queue, and at most serve.max_concurrent_predictions model
calls run at once, in threads, so the event loop stays free for /health. A batch runs in
chunks; when its client has gone, the remaining chunks are skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

BUSY = 503
RETRY_AFTER_SECONDS = 1
CHUNK_TEXTS = 8  # texts per model call within a batch: the client is checked between calls

T = TypeVar("T")


class ClientGone(Exception):
    """Raised when the client closed the connection before its batch was done."""


class WorkLimiter:
    """Admits requests while their characters fit the budget; runs a few model calls at once."""

    def __init__(self, *, max_running: int, max_pending_chars: int) -> None:
        self.max_pending_chars = max_pending_chars
        self.pending_chars = 0
        self._running = asyncio.Semaphore(max_running)

    @asynccontextmanager
    async def admitted(self, chars: int) -> AsyncIterator[None]:
        """Hold `chars` of the budget for the request, or raise a 503 with Retry-After."""
        # One request is always admitted when nothing else is pending, whatever its size.
        if self.pending_chars and self.pending_chars + chars > self.max_pending_chars:
            raise HTTPException(
                BUSY,
                detail="the server is busy with other requests: retry in a moment",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self.pending_chars += chars
        try:
            yield
        finally:
            self.pending_chars -= chars

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` in a worker thread, once one of the running slots is free."""
        async with self._running:
            return await run_in_threadpool(call, *args)


async def predict_in_chunks(
    limiter: WorkLimiter,
    request: Request,
    predict: Callable[[Sequence[str]], list[T]],
    texts: Sequence[str],
) -> list[T]:
    """`predict(texts)` a chunk at a time; ClientGone as soon as the client has disconnected."""
    answers: list[T] = []
    async with limiter.admitted(sum(map(len, texts))):
        for start in range(0, len(texts), CHUNK_TEXTS):
            if await request.is_disconnected():
                raise ClientGone
            answers += await limiter.run(predict, texts[start : start + CHUNK_TEXTS])
    return answers
