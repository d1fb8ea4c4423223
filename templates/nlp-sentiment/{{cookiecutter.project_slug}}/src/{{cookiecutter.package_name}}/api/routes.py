"""POST /predict and POST /predict/batch, answered by the model the pipeline chose."""

# No `from __future__ import annotations` here: FastAPI must see the request models built below
# as real classes in the route signatures.
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError

from ..reporting.example_files import answer_example, load_request
from .boundary import REFUSALS
from .deps import Predictor, PredictorDep
from .limits import ServeSettings
from .schemas import BatchResponse, Prediction, build_request_models

LoadedPredictor = PredictorDep[str, dict[str, Any]]  # 503 until a model is trained


def build_router(
    predictor: Predictor[str, dict[str, Any]] | None, limits: ServeSettings
) -> APIRouter:
    """The prediction routes, their request bodies bounded by `limits`."""
    models = build_request_models(limits)
    try:  # the saved example, if this server's limits accept it
        text = models.one.model_validate(load_request(limits.model_dir)).text
    except ValidationError:
        text = None
    models = build_request_models(limits, text)
    router = APIRouter(tags=["prediction"], responses=REFUSALS)
    # /docs answers the example with what this model answers it, computed once here.
    answered = {}
    if predictor is not None and text is not None:
        answer = Prediction(**predictor.predict([text])[0]).model_dump(mode="json")
        answered = answer_example(answer)

    @router.post("/predict", response_model=Prediction, responses=answered)
    def predict(request: models.one, predictor: LoadedPredictor) -> Prediction:
        """Classify one text: the label, its probability and every class's probability."""
        return Prediction(**predictor.predict([request.text])[0])

    @router.post("/predict/batch", response_model=BatchResponse)
    def predict_batch(request: models.batch, predictor: LoadedPredictor) -> BatchResponse:
        """Classify up to `serve.max_batch` texts at once, in the order sent."""
        return BatchResponse(
            predictions=[Prediction(**p) for p in predictor.predict(request.texts)]
        )

    return router
