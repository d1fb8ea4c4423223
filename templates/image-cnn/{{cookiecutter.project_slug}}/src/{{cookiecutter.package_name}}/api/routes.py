"""POST /predict: an uploaded image in, its most likely classes out."""

# No `from __future__ import annotations` here: the upload's documented limits are built below,
# and FastAPI must see them as values in the route signature, not as strings.
import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from PIL import Image

from ..images import ImageReadError, ImageTooLargeError, open_image
from ..reporting.example_files import IMAGE_FILE, answer_example
from .boundary import REFUSALS, refusal
from .deps import Predictor, PredictorDep
from .limits import ServeSettings
from .schemas import PredictionResponse

Ranking = list[dict[str, Any]]
LoadedModel = PredictorDep[Image.Image, Ranking]  # 503 until a model is trained

# Plain numbers: the names of 413 changed between Starlette versions.
TOO_LARGE, NOT_AN_IMAGE = 413, 415
FORMATS = "PNG, JPEG, BMP, GIF, TIFF or WebP"
TOP_K = 3  # classes returned unless the request asks for another number


def build_router(
    predictor: Predictor[Image.Image, Ranking] | None, limits: ServeSettings
) -> APIRouter:
    """POST /predict with the upload and decoding limits of `limits`."""
    # Each decode may take max_decoded_bytes (and as much again to convert): bound how many run.
    decodes = asyncio.Semaphore(limits.max_concurrent_decodes)
    router = APIRouter(tags=["model"])
    max_bytes = limits.max_upload_bytes

    def classify(content: bytes, predictor: Predictor[Image.Image, Ranking]) -> Ranking:
        image = open_image(
            content, max_pixels=limits.max_image_pixels, max_bytes=limits.max_decoded_bytes
        )
        return predictor.predict([image])[0]

    # /docs answers the held-out image saved at training (models/example.png) with what this
    # model answers it, computed once here.
    answered = {}
    example = limits.model_dir / IMAGE_FILE
    if predictor is not None and example.is_file():
        ranking = classify(example.read_bytes(), predictor)[:TOP_K]
        answer = PredictionResponse(predictions=ranking).model_dump(mode="json")
        answered = answer_example(answer)

    @router.post(
        "/predict",
        response_model=PredictionResponse,
        responses={
            **answered,
            **REFUSALS,
            400: refusal("The multipart body cannot be parsed"),
            413: refusal(
                f"Upload larger than {max_bytes:,} bytes, or an image larger than "
                f"{limits.max_image_pixels:,} pixels or {limits.max_decoded_bytes:,} decoded bytes"
            ),
            415: refusal("The file is empty or not an image"),
        },
    )
    async def predict(
        file: Annotated[
            UploadFile,
            File(
                description=f"The image: {FORMATS}; 1 to {max_bytes:,} bytes "
                f"(e.g. {example.as_posix()}, a held-out image saved at training)",
                # "image": a file Pillow decodes (a format JSON Schema cannot check by itself).
                # The size limit is a documented 413, not maxLength (which counts characters).
                json_schema_extra={"format": "image", "minLength": 1},
            ),
        ],
        predictor: LoadedModel,
        top_k: Annotated[
            int, Query(ge=1, le=1000, description="How many classes to return")
        ] = TOP_K,
    ) -> dict[str, Any]:
        """Classify one image, preprocessed exactly as the training images were."""
        content = await file.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise HTTPException(TOO_LARGE, detail=f"the upload is larger than {max_bytes:,} bytes")
        try:
            async with decodes:
                ranking = await run_in_threadpool(classify, content, predictor)
        except ImageTooLargeError as error:
            raise HTTPException(TOO_LARGE, detail=str(error)) from error
        except ImageReadError as error:
            raise HTTPException(NOT_AN_IMAGE, detail=str(error)) from error
        return {"predictions": ranking[:top_k]}

    return router
