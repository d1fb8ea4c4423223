{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/app.py: edit it there, then run `python scripts/sync_shared.py` -#}
{%- from "python.j2" import py_string -%}
"""The FastAPI app: settings and model loaded once at start-up; /health, /model-info, /predict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request

from .. import __doc__ as about
from .. import __version__
from ..core.errors import ModelNotFoundError
from ..predict import load_predictor
from .boundary import REFUSAL_NOTES, REFUSALS, install_error_boundary
from .deps import PredictorDep
from .guard import RequestGuard
from .limits import ServeSettings
from .routes import build_router

# The model's routes: built at start-up, once the model says what it expects (exact OpenAPI).
model_routes = APIRouter()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = ServeSettings.load()
    try:
        predictor = load_predictor(settings.model_dir, runtime=settings.runtime)
        load_error = None
    except ModelNotFoundError as error:
        # Serve /health and clear 503s rather than refusing to start: the learner sees why.
        predictor, load_error = None, str(error)
    app.state.settings, app.state.predictor, app.state.load_error = settings, predictor, load_error
    model_routes.routes.clear()  # a restart in the same process (tests) rebuilds them
    model_routes.include_router(build_router(predictor, settings))
    yield


app = FastAPI(
    title={{ py_string(cookiecutter.project_name) }},
    description=f"{about}\n{REFUSAL_NOTES}",
    version=__version__,
    lifespan=lifespan,
)
app.add_middleware(RequestGuard)
install_error_boundary(app)


@app.get("/health", tags=["service"])
async def health(request: Request) -> dict[str, Any]:
    """Liveness, and whether a trained model is loaded."""
    loaded = getattr(request.app.state, "predictor", None) is not None
    return {"status": "ok", "model_loaded": loaded}


@app.get("/model-info", tags=["service"], responses={503: REFUSALS[503]})
async def model_info(request: Request, predictor: PredictorDep[Any, Any]) -> dict[str, Any]:
    """What the loaded model is, what it expects, how well it scored, and the serving limits."""
    return {**predictor.info(), "serving": request.app.state.settings.public()}


app.include_router(model_routes)
