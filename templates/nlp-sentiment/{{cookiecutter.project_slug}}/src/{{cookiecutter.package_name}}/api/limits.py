"""The `serve:` keys of this API, on top of the shared ones (see api/settings.py)."""

from __future__ import annotations

from pydantic import Field

from ..core.onnx_model import Runtime
from .settings import BaseServeSettings


class ServeSettings(BaseServeSettings):
    """params.yaml's `serve:` section; SERVE_<KEY> environment variables override it."""

    # The baseline, often the best model, has no ONNX export (see predict.load_onnx_model).
    runtime: Runtime = "native"

    max_batch: int = Field(64, ge=1, description="most texts one POST /predict/batch may carry")
    max_chars: int = Field(20_000, ge=1, description="most characters in one text")
    max_concurrent_predictions: int = Field(
        1, ge=1, description="model calls run at once, each in a thread; the rest wait their turn"
    )
    max_pending_chars: int = Field(
        3_000_000,
        ge=1,
        description="characters of text admitted at once, running or waiting; a request beyond "
        "gets 503 with Retry-After (one request is always admitted when none is pending)",
    )
