{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/boundary.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""One error boundary: every refused request gets a short JSON reason that never echoes its input.

FastAPI's own 422 repeats the offending value, which fails to encode when it is NaN, Infinity
or a lone surrogate (a 500), and can send megabytes back. Here each reason is cut to a few
hundred characters, made valid UTF-8, and the input is never repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

MAX_ERRORS = 10  # validation errors shown per answer
MAX_TEXT = 300  # characters per message
MAX_KEY = 80  # characters per key in an error's location


class ErrorResponse(BaseModel):
    """Why a request was refused."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "a short reason"}]})

    detail: str


def refusal(description: str) -> dict[str, Any]:
    """An OpenAPI `responses` entry for a refusal with a {"detail": reason} body."""
    return {"model": ErrorResponse, "description": description}


# What every POST route may answer besides 200 and 422 (which FastAPI documents itself).
REFUSALS: dict[int | str, dict[str, Any]] = {
    413: refusal("The request body is larger than serve.max_body_bytes"),
    503: refusal("No trained model yet: run `dvc repro`, then restart the server"),
}


# Shown in /docs under the API's description: what every client should know about refusals.
REFUSAL_NOTES = """
**Refused requests** get a 4xx whose JSON body says why, in a few hundred characters at most
(the input is never repeated):

- **413** when the body is larger than `serve.max_body_bytes`, before any of it is parsed;
- **422** when the body does not fit the schema below, and when a JSON body is not strict
  JSON in UTF-8: `NaN`, `Infinity`, numbers beyond a 64-bit float's range (`1e400`), lone
  UTF-16 surrogates (`"\\ud800"`), a key given twice in one object, lists and objects nested
  more than 32 levels deep, and bytes that are not UTF-8 are all refused;
- **503** until a model is trained.

GET /model-info lists the limits this server applies (`serving`).
"""


def safe_text(value: object, limit: int = MAX_TEXT) -> str:
    """`value` as at most `limit` characters of valid UTF-8 (lone surrogates become '?')."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "..."
    return text.encode("utf-8", "replace").decode("utf-8")


def _location(loc: Sequence[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else safe_text(part, MAX_KEY) for part in loc]


def validation_detail(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's 422 shape (loc, msg, type) without `input` and `ctx`, at most MAX_ERRORS items."""
    detail = [
        {
            "loc": _location(error.get("loc", ())),
            "msg": safe_text(error.get("msg", "invalid")),
            "type": safe_text(error.get("type", "value_error"), MAX_KEY),
        }
        for error in errors[:MAX_ERRORS]
    ]
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        detail.append({"loc": ["body"], "msg": f"and {more} more error(s)", "type": "too_many"})
    return detail


def unprocessable(errors: Sequence[dict[str, Any]]) -> JSONResponse:
    """A 422 answer in FastAPI's documented shape."""
    return JSONResponse({"detail": validation_detail(errors)}, status_code=422)


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return unprocessable(error.errors())


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return JSONResponse(
        {"detail": safe_text(error.detail)}, status_code=error.status_code, headers=error.headers
    )


def install_error_boundary(app: FastAPI) -> None:
    """Answer refused requests through the handlers above instead of FastAPI's defaults."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
