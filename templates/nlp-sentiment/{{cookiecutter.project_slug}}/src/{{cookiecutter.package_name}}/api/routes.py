"""POST /predict and POST /predict/batch, answered by the model the pipeline chose."""

# No `from __future__ import annotations` here: FastAPI must see the request models built below
# as real classes in the route signatures.
from typing import Any

from fastapi import APIRouter

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
    router = APIRouter(tags=["prediction"], responses=REFUSALS)

    @router.post("/predict", response_model=Prediction)
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
