"""POST /predict (one record) and /predict/batch, typed by the features the model was trained on."""

# No `from __future__ import annotations` here: FastAPI must see the request models built below
# as real classes in the route signatures, not as strings it cannot resolve.
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError

from ..core.records import example_request
from ..predict import Predictor as TrainedModel
from ..reporting.example_files import answer_example, load_request
from .boundary import REFUSALS
from .deps import Predictor, PredictorDep
from .limits import ServeSettings
from .schemas import build_models

Record = Mapping[str, Any]
LoadedModel = PredictorDep[Record, dict[str, Any]]  # 503 until a model is trained


def build_router(
    predictor: Predictor[Record, dict[str, Any]] | None, limits: ServeSettings
) -> APIRouter:
    """The /predict routes, their request models made from the model's feature schema."""
    schema = predictor.schema if isinstance(predictor, TrainedModel) else None
    example = load_request(limits.model_dir) or (example_request(schema) if schema else None)
    clusters = predictor.clusters if isinstance(predictor, TrainedModel) else None
    models = build_models(schema, limits, example, clusters)
    router = APIRouter(tags=["model"], responses=REFUSALS)
    # /docs answers the example with what this model answers it, computed once here.
    answered = {}
    try:
        record = models.record.model_validate(example).model_dump(by_alias=True)
    except ValidationError:  # no model yet, or a row this server's limits refuse
        record = None
    if schema is not None and record is not None:
        answer = models.prediction.model_validate(predictor.predict([record])[0])
        answered = answer_example(answer.model_dump(mode="json", exclude_none=True))

    # async: a prediction is a few milliseconds of CPU; running it on the event loop saves the
    # thread-pool hop (0.5 ms of a 4 ms request here), and threads would not run it faster.
    # Fields that do not apply to this model (a k-means distance has no probability) are left out.
    @router.post(
        "/predict",
        response_model=models.prediction,
        responses=answered,
        response_model_exclude_none=True,
    )
    async def predict(record: models.record, predictor: LoadedModel) -> Any:
        """Assign one record to a cluster."""
        return predictor.predict([record.model_dump(by_alias=True)])[0]

    @router.post(
        "/predict/batch", response_model=models.batch_prediction, response_model_exclude_none=True
    )
    async def predict_batch(batch: models.batch, predictor: LoadedModel) -> Any:
        """Assign up to `serve.max_batch` records at once."""
        records = [record.model_dump(by_alias=True) for record in batch.records]
        return {"predictions": predictor.predict(records)}

    return router
