"""POST /predict (one record) and /predict/batch, typed by the features the model was trained on."""

# No `from __future__ import annotations` here: FastAPI must see the request models built below
# as real classes in the route signatures, not as strings it cannot resolve.
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ..config import load_serve_config
from ..errors import ModelNotFoundError
from ..features import FeatureSchema, load_schema
from .deps import get_predictor, model_dir
from .schemas import build_models

LoadedModel = Annotated[Any, Depends(get_predictor)]  # 503 until a model is trained


def trained_schema() -> FeatureSchema | None:
    """The saved feature schema, or None before the first training."""
    try:
        return load_schema(model_dir())
    except ModelNotFoundError:
        return None


def build_router(schema: FeatureSchema | None, max_batch: int) -> APIRouter:
    """The /predict routes, with request models made from `schema` so the OpenAPI docs are exact."""
    models = build_models(schema, max_batch)
    router = APIRouter(tags=["model"])

    # async: a prediction is a few milliseconds of CPU; running it on the event loop saves the
    # thread-pool hop (0.5 ms of a 4 ms request here), and threads would not run it faster.
    @router.post("/predict", response_model=models.prediction)
    async def predict(record: models.record, predictor: LoadedModel) -> Any:
        """Classify one record."""
        return predictor.predict([record.model_dump(by_alias=True)])[0]

    @router.post("/predict/batch", response_model=models.batch_prediction)
    async def predict_batch(batch: models.batch, predictor: LoadedModel) -> Any:
        """Classify up to `serve.max_batch` records at once."""
        records = [record.model_dump(by_alias=True) for record in batch.records]
        return {"predictions": predictor.predict(records)}

    return router


# Built when the app is imported, from the schema training saved: retrain, then restart the
# server (as for the model itself) to serve a new schema.
router = build_router(trained_schema(), load_serve_config().max_batch)
