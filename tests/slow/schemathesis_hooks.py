"""Schemathesis hooks for the generated APIs (loaded with SCHEMATHESIS_HOOKS=<this module>).

image-cnn documents its upload as `format: image`, a file Pillow decodes, which JSON Schema cannot
check by itself. Here the fuzzer learns what that means, so its valid uploads are real images of
every mode and format the API reads; its invalid ones (junk, empty files) must still get 4xx.
"""

from __future__ import annotations

import io

import schemathesis
from hypothesis import strategies as st
from PIL import Image

FORMATS = {
    "PNG": ("1", "L", "P", "RGB", "RGBA", "I;16"),
    "TIFF": ("1", "L", "RGB", "RGBA", "I", "F"),
    "BMP": ("1", "L", "P", "RGB"),
    "GIF": ("L", "P"),
    "JPEG": ("L", "RGB"),
}


@st.composite
def images(draw: st.DrawFn) -> bytes:
    """A small image file of a random format, mode and size."""
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    mode = draw(st.sampled_from(FORMATS[fmt]))
    size = (draw(st.integers(1, 80)), draw(st.integers(1, 80)))
    image = Image.new(mode, size, color=draw(st.integers(0, 255)))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


schemathesis.openapi.format("image", images())
