"""Small copies of each project's most telling figure, so no page hot-links another repository."""

from __future__ import annotations

import io
from pathlib import Path

# Twice the width pages show it at (160 CSS px), so it stays sharp on high-density screens.
THUMBNAIL_BOX = (320, 320)


def make_thumbnail(data: bytes, destination: Path, box: tuple[int, int] = THUMBNAIL_BOX) -> bool:
    """Write a PNG of the image in `data` (first frame) fitted into `box`; False if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            alpha = "A" in image.getbands() or "transparency" in image.info
            frame = image.convert("RGBA" if alpha else "RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    frame.thumbnail(box, Image.Resampling.LANCZOS)
    destination.parent.mkdir(parents=True, exist_ok=True)
    frame.save(destination, format="PNG", optimize=True)
    return True


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an image file, or None when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None
