"""POST /predict: an observation in, the trained agent's action out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from ..spaces import ObservationError
from .deps import get_predictor
from .schemas import ActionOut, ObservationIn

router = APIRouter(tags=["agent"])


@router.post(
    "/predict",
    response_model=ActionOut,
    responses={
        422: {"description": "The observation does not fit the observation space (shape, bounds)"},
        503: {"description": "No trained agent yet: run `dvc repro`"},
    },
)
def predict(body: ObservationIn, predictor: Annotated[Any, Depends(get_predictor)]) -> ActionOut:
    """The action the trained agent takes (deterministically) for this observation."""
    try:
        action = predictor.act(body.observation)
    except ObservationError as error:
        # 422 as for any other invalid body (a literal: Starlette renamed the constant).
        raise HTTPException(status_code=422, detail=str(error)) from error
    return ActionOut(action=action)
