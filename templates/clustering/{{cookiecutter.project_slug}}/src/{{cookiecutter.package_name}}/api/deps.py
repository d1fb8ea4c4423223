{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/deps.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""What every route may depend on: the serving settings and the model, loaded once at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Protocol, TypeVar, runtime_checkable

from fastapi import Depends, HTTPException, Request

from .settings import BaseServeSettings

InputT = TypeVar("InputT", contravariant=True)
OutputT = TypeVar("OutputT", covariant=True)


@runtime_checkable
class Predictor(Protocol[InputT, OutputT]):
    """A trained model as the API uses it: each template's predict.load_predictor returns one."""

    def predict(self, inputs: Sequence[InputT]) -> list[OutputT]:
        """One answer per input, in order."""
        ...

    def info(self) -> dict[str, Any]:
        """What GET /model-info shows about the model."""
        ...


async def get_predictor(request: Request) -> Predictor[Any, Any]:
    """The loaded model, or 503 saying how to train one."""
    # async: a plain function would be sent to the thread pool on every request.
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        reason = getattr(request.app.state, "load_error", "no trained model")
        raise HTTPException(
            status_code=503,
            detail=f"{reason}. Train one with `dvc repro` (or `make train`), "
            "then restart the server",
        )
    return predictor


async def get_settings(request: Request) -> BaseServeSettings:
    """The settings read at start-up."""
    return request.app.state.settings


# Routes write e.g. `predictor: PredictorDep[str, dict[str, Any]]`: texts in, one dict per text out.
PredictorDep = Annotated[Predictor[InputT, OutputT], Depends(get_predictor)]
SettingsDep = Annotated[BaseServeSettings, Depends(get_settings)]
