"""POST /predict: an uploaded image in, its most likely classes out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from ..images import ImageReadError, ImageTooLargeError
from .deps import get_predictor
from .schemas import ErrorResponse, PredictionResponse

router = APIRouter(tags=["model"])

# Plain numbers: the names of 413 changed between Starlette versions.
TOO_LARGE, NOT_AN_IMAGE = 413, 415


@router.post(
    "/predict",
    response_model=PredictionResponse,
    responses={
        413: {"model": ErrorResponse, "description": "Upload or image too large"},
        415: {"model": ErrorResponse, "description": "The file is not an image"},
        503: {"model": ErrorResponse, "description": "No trained model yet"},
    },
)
async def predict(
    file: Annotated[UploadFile, File(description="The image: PNG, JPEG, BMP, GIF, TIFF or WebP")],
    predictor: Annotated[Any, Depends(get_predictor)],
    top_k: Annotated[int, Query(ge=1, le=1000, description="How many classes to return")] = 3,
) -> dict[str, Any]:
    """Classify one image, preprocessed exactly as the training images were."""
    limit = predictor.serve.max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(TOO_LARGE, detail=f"the upload is larger than {limit:,} bytes")
    try:
        predictions = await run_in_threadpool(predictor.predict_bytes, content, top_k)
    except ImageTooLargeError as error:
        raise HTTPException(TOO_LARGE, detail=str(error)) from error
    except ImageReadError as error:
        raise HTTPException(NOT_AN_IMAGE, detail=str(error)) from error
    return {"predictions": predictions}
