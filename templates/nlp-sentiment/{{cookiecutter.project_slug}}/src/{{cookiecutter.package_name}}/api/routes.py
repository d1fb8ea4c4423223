"""POST /predict and POST /predict/batch, answered by the model the pipeline chose."""

# No `from __future__ import annotations` here: FastAPI must see the request models built below
# as real classes in the route signatures.
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from ..reporting.example_files import answer_example, load_request
from .boundary import REFUSALS, refusal
from .capacity import ClientGone, WorkLimiter, predict_in_chunks
from .deps import Predictor, PredictorDep
from .limits import ServeSettings
from .schemas import BatchResponse, Prediction, build_request_models

LoadedPredictor = PredictorDep[str, dict[str, Any]]  # 503 until a model is trained
GONE = 499  # the client closed the connection first: nobody reads this answer
BUSY_OR_UNTRAINED = {
    503: refusal(
        "No trained model yet (run `dvc repro`, then restart the server), or the server is "
        "busy with serve.max_pending_chars of text already: retry after Retry-After seconds"
    )
}


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
    router = APIRouter(tags=["prediction"], responses={**REFUSALS, **BUSY_OR_UNTRAINED})
    limiter = WorkLimiter(
        max_running=limits.max_concurrent_predictions, max_pending_chars=limits.max_pending_chars
    )
    # /docs answers the example with what this model answers it, computed once here.
    answered = {}
    if predictor is not None and text is not None:
        answer = Prediction(**predictor.predict([text])[0]).model_dump(mode="json")
        answered = answer_example(answer)

    @router.post("/predict", response_model=Prediction, responses=answered)
    async def predict(
        body: models.one, request: Request, predictor: LoadedPredictor
    ) -> Prediction | Response:
        """Classify one text: the label, its probability and every class's probability."""
        try:
            answers = await predict_in_chunks(limiter, request, predictor.predict, [body.text])
        except ClientGone:
            return Response(status_code=GONE)
        return Prediction(**answers[0])

    @router.post("/predict/batch", response_model=BatchResponse)
    async def predict_batch(
        body: models.batch, request: Request, predictor: LoadedPredictor
    ) -> BatchResponse | Response:
        """Classify up to `serve.max_batch` texts at once, in the order sent."""
        try:
            answers = await predict_in_chunks(limiter, request, predictor.predict, body.texts)
        except ClientGone:
            return Response(status_code=GONE)
        return BatchResponse(predictions=[Prediction(**p) for p in answers])

    return router
