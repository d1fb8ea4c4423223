"""POST /predict and POST /predict/batch, answered by the model the pipeline chose."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from .deps import get_predictor
from .schemas import BatchRequest, BatchResponse, Prediction, PredictRequest

router = APIRouter(tags=["prediction"])
LoadedPredictor = Annotated[Any, Depends(get_predictor)]


@router.post("/predict", response_model=Prediction)
def predict(request: PredictRequest, predictor: LoadedPredictor) -> Prediction:
    """Classify one text: the label, its probability and every class's probability."""
    return Prediction(**predictor.predict([request.text])[0])


@router.post("/predict/batch", response_model=BatchResponse)
def predict_batch(request: BatchRequest, predictor: LoadedPredictor) -> BatchResponse:
    """Classify up to `serve.max_batch` texts at once, in the order sent."""
    return BatchResponse(predictions=[Prediction(**p) for p in predictor.predict(request.texts)])
