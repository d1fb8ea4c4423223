{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/guard.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Refuse a request before it is parsed: bodies over the size limit (413), JSON that is not strict.

Python's JSON reader accepts NaN, Infinity, numbers beyond a float's range (read as infinity),
lone UTF-16 surrogates such as "\\ud800" and a key given twice in one object (the last one
silently wins), and it overflows the stack on thousands of nested brackets; none of them is
JSON data a model can use. The guard reads the body once, up to the limit, checks it, and
hands the same bytes on.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .boundary import safe_text, unprocessable
from .settings import BaseServeSettings

# Before start-up has read the settings: serve.max_body_bytes's own default.
DEFAULT_BODY_LIMIT = BaseServeSettings.model_fields["max_body_bytes"].default
METHODS_WITH_BODIES = frozenset({"POST", "PUT", "PATCH"})
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
LARGEST_FLOAT = sys.float_info.max
# Far deeper than any request these APIs take, far below what overflows a parser's stack.
MAX_DEPTH = 32
TOO_DEEP = f"the JSON nests lists and objects more than {MAX_DEPTH} levels deep"


class NotStrictJson(ValueError):
    """Raised when a JSON body is well-formed for Python but not strict JSON."""


def _no_constants(token: str) -> Any:
    raise NotStrictJson(f"{token} is not a JSON number: send a finite number (or null)")


def _finite_float(token: str) -> float:
    value = float(token)
    if value in (float("inf"), float("-inf")):
        raise NotStrictJson(f"the number {safe_text(token, 40)} is beyond a 64-bit float's range")
    return value


def _bounded_int(token: str) -> int:
    if len(token) > 400:  # longer than any float; Python would refuse 4,300 digits anyway
        raise NotStrictJson(f"a number has {len(token)} digits, beyond a 64-bit float's range")
    value = int(token)
    if abs(value) > LARGEST_FLOAT:
        raise NotStrictJson(f"the number {safe_text(token, 40)} is beyond a 64-bit float's range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would keep the last of two equal keys: which one the client meant is unknown.
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise NotStrictJson(f"the key {safe_text(key, 40)!r} appears twice in one object")
        seen.add(key)
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels (no recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def json_problem(body: bytes) -> str | None:
    """Why `body` is not strict JSON in UTF-8, or None (malformed JSON is left to FastAPI)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"the body is not valid UTF-8 (byte {error.start}): JSON must be sent as UTF-8"
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constants,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except NotStrictJson as error:
        return str(error)
    except RecursionError:
        return TOO_DEEP
    except ValueError:
        return None  # malformed: FastAPI answers its usual 422 json_invalid
    if _deeper_than(value, MAX_DEPTH):
        return TOO_DEEP
    if SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        return "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid text"
    return None


def is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestGuard:
    """ASGI middleware: size limit first, then strict JSON, then the app with the same body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS_WITH_BODIES:
            await self.app(scope, receive, send)
            return
        settings = getattr(scope["app"].state, "settings", None)
        limit = settings.body_limit if settings is not None else DEFAULT_BODY_LIMIT
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit, scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:  # no Content-Length, or a client that sends more than it said
                await _too_large(limit, scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and is_json(scope):
            problem = json_problem(body)
            if problem:
                error = {"loc": ["body"], "msg": problem, "type": "json_invalid"}
                await unprocessable([error])(scope, receive, send)
                return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    detail = f"the request body is larger than the {limit:,} bytes this API accepts"
    # Close the connection: the rest of the body is never read.
    response = JSONResponse({"detail": detail}, status_code=413, headers={"Connection": "close"})
    await response(scope, receive, send)
