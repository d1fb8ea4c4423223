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
