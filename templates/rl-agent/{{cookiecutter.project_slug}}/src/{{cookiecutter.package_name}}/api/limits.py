"""The `serve:` keys of this API, on top of the shared ones (see api/settings.py)."""

from __future__ import annotations

from pydantic import Field

from .settings import BaseServeSettings


class ServeSettings(BaseServeSettings):
    """Serving settings from params.yaml's `serve:`; SERVE_<KEY> in the environment wins."""

    # An observation is a list of numbers: 1 MB holds about 50,000 of them.
    max_body_bytes: int = Field(
        1_000_000, ge=1, description="larger request bodies get 413 before they are parsed"
    )
