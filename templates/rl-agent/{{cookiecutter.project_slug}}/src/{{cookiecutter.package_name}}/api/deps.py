{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/deps.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""What every route may depend on: the model, loaded once at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from fastapi import HTTPException, Request, status

MODEL_DIR_ENV = "MODEL_DIR"


class Predictor(Protocol):
    """A trained model ready to answer requests (each template's predict.py provides one)."""

    def info(self) -> dict[str, Any]: ...


def model_dir() -> Path:
    """Where the trained model lives: ./models, or $MODEL_DIR."""
    return Path(os.environ.get(MODEL_DIR_ENV, "models"))


async def get_predictor(request: Request) -> Any:
    """The loaded model, or 503 saying how to train one."""
    # async: a plain function would be sent to the thread pool on every request.
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        reason = getattr(request.app.state, "load_error", "no trained model")
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"{reason}. Train one with `dvc repro` (or `make train`), "
            "then restart the server",
        )
    return predictor
