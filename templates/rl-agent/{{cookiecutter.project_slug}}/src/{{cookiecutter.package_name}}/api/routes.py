"""POST /predict: an observation in, the trained agent's action out."""

# No `from __future__ import annotations` here: FastAPI must see the request model built below
# as a real class in the route signature.
from collections.abc import Sequence

from fastapi import APIRouter
from pydantic import ValidationError

from ..predict import AgentPredictor
from ..reporting.example_files import answer_example, load_request
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
    try:  # the observation saved at training, if this agent's space accepts it
        example = observation_in.model_validate(load_request(limits.model_dir)).observation
    except ValidationError:
        example = None
    observation_in = observation_model(space, example)
    router = APIRouter(tags=["agent"], responses=REFUSALS)
    # /docs answers the example with what this agent answers it, computed once here.
    answered = {}
    if space is not None and example is not None:
        answer = ActionOut(action=predictor.predict([example])[0])
        answered = answer_example(answer.model_dump(mode="json"))

    # async: one forward pass of a small policy takes microseconds, less than handing the
    # request to the thread pool would.
    @router.post("/predict", response_model=ActionOut, responses=answered)
    async def predict(body: observation_in, predictor: LoadedAgent) -> ActionOut:
        """The action the trained agent takes (deterministically) for this observation."""
        return ActionOut(action=predictor.predict([body.observation])[0])

    return router
