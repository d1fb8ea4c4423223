"""The `serve:` keys of this API, on top of the shared ones (see api/settings.py)."""

from __future__ import annotations

from pydantic import Field

from .settings import BaseServeSettings

MULTIPART_ALLOWANCE = 64 * 1024  # form boundaries and headers around the file


class ServeSettings(BaseServeSettings):
    """params.yaml's `serve:` section; SERVE_<KEY> environment variables override it."""

    max_upload_bytes: int = Field(5_000_000, ge=1, description="larger uploads get 413")
    max_image_pixels: int = Field(
        25_000_000, ge=1, description="width x height above this gets 413 (decompression bombs)"
    )
    max_decoded_bytes: int = Field(
        50_000_000,
        ge=1,
        description="width x height x bands x bytes per band above this gets 413, checked from "
        "the image header before decoding",
    )
    max_concurrent_decodes: int = Field(
        2, ge=1, description="images decoded at once; further requests wait their turn"
    )

    @property
    def body_limit(self) -> int:
        """The request may carry a file of max_upload_bytes, whatever max_body_bytes says."""
        return max(self.max_body_bytes, self.max_upload_bytes + MULTIPART_ALLOWANCE)
