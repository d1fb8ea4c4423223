{%- from "python.j2" import py_string -%}
"""The FastAPI app: the model loaded once at start-up; /health, /model-info, /predict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI

from .. import __doc__ as about
from .. import __version__
from ..errors import ModelNotFoundError
from ..predict import load_predictor
from .deps import get_predictor, model_dir
from .routes import router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        app.state.predictor = load_predictor(model_dir())
    except ModelNotFoundError as error:
        # Serve /health and clear 503s rather than refusing to start: the learner sees why.
        app.state.predictor, app.state.load_error = None, str(error)
    yield


app = FastAPI(
    title={{ py_string(cookiecutter.project_name) }},
    description=about,
    version=__version__,
    lifespan=lifespan,
)


@app.get("/health", tags=["service"])
async def health() -> dict[str, Any]:
    """Liveness, and whether a trained model is loaded."""
    return {"status": "ok", "model_loaded": getattr(app.state, "predictor", None) is not None}


@app.get("/model-info", tags=["service"])
async def model_info(predictor: Annotated[Any, Depends(get_predictor)]) -> dict[str, Any]:
    """What the loaded model is, what it expects and how well it scored."""
    return predictor.info()


app.include_router(router)
