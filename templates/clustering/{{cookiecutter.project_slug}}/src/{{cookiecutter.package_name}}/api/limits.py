"""The `serve:` keys of this API, on top of the shared ones (see api/settings.py)."""

from __future__ import annotations

from pydantic import Field

from .settings import BaseServeSettings


class ServeSettings(BaseServeSettings):
    """params.yaml's `serve:` section; SERVE_<KEY> environment variables override it."""

    max_batch: int = Field(1000, ge=1, description="most records one POST /predict/batch may carry")
    max_abs_number: float = Field(
        1e12,
        gt=0,
        allow_inf_nan=False,
        description="numbers beyond ±this are refused: far larger ones overflow the scaler",
    )
