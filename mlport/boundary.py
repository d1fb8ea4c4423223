"""The CLI's one error boundary: every failure becomes one line on stderr and a non-zero exit."""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from mlport.errors import MlportError
from mlport.signals import Terminated

DEBUG_VARIABLE = "MLPORT_DEBUG"


def describe(error: BaseException) -> str:
    """One line for people: the message of a known error, the kind and message of any other."""
    if isinstance(error, MlportError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = " ".join(str(error).split()) or "no details"
    return f"{type(error).__name__}: {text} (set {DEBUG_VARIABLE}=1 for the traceback)"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` as the one error line and return the exit to raise."""
    from mlport import console

    console.error(message)
    return typer.Exit(code)


class ErrorBoundary(TyperGroup):
    """Runs every command inside the boundary, so no command can end in a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own exits and usage errors already speak for themselves
        except Terminated:
            raise fail("terminated", 143) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            code = error.exit_code if isinstance(error, MlportError) else 1
            raise fail(describe(error), code) from None
