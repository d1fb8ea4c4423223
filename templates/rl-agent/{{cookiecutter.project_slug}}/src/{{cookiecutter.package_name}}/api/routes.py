"""POST /predict: an observation in, the trained agent's action out."""

# No `from __future__ import annotations` here: FastAPI must see the request model built below
# as a real class in the route signature.
from collections.abc import Sequence

from fastapi import APIRouter

from ..predict import AgentPredictor
from .boundary import REFUSALS
from .deps import Predictor, PredictorDep
from .limits import ServeSettings
from .schemas import ActionOut, observation_model

Action = int | list[float]
LoadedAgent = PredictorDep[Sequence[float], Action]  # 503 until an agent is trained


def build_router(
    predictor: Predictor[Sequence[float], Action] | None, limits: ServeSettings
) -> APIRouter:
    """POST /predict, its body checked against the agent's observation space (exact docs)."""
    space = predictor.observation_space if isinstance(predictor, AgentPredictor) else None
    observation_in = observation_model(space)
    router = APIRouter(tags=["agent"], responses=REFUSALS)

    # async: one forward pass of a small policy takes microseconds, less than handing the
    # request to the thread pool would.
    @router.post("/predict", response_model=ActionOut)
    async def predict(body: observation_in, predictor: LoadedAgent) -> ActionOut:
        """The action the trained agent takes (deterministically) for this observation."""
        return ActionOut(action=predictor.predict([body.observation])[0])

    return router
