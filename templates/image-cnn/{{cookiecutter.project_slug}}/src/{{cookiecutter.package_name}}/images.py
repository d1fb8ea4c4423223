"""Reading and preprocessing images: one code path for the data stage, training and the API."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .core.errors import DataError

if TYPE_CHECKING:
    import torch

# Files with these suffixes are read as images; anything else in a class folder is ignored.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
RESAMPLE = Image.Resampling.BILINEAR


class ImageReadError(DataError):
    """Raised when bytes or a file cannot be decoded as an image."""


class ImageTooLargeError(ImageReadError):
    """Raised when an image has more pixels or decoded bytes than allowed (decompression bombs)."""


def bytes_per_band(mode: str) -> int:
    """Bytes one band of one pixel takes once decoded: 4 for 32-bit modes, 2 for 16-bit ones."""
    if mode in ("I", "F"):
        return 4
    return 2 if mode.startswith("I;16") else 1


def decoded_bytes(image: Image.Image) -> int:
    """width x height x bands x bytes per band: what decoding allocates, read from the header."""
    return image.width * image.height * len(image.getbands()) * bytes_per_band(image.mode)


@dataclass(frozen=True)
class ImageSpec:
    """Everything preprocessing needs; saved beside the model so serving repeats it exactly."""

    size: int
    channels: int
    fit: str
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageSpec:
        return cls(
            size=int(data["size"]),
            channels=int(data["channels"]),
            fit=str(data["fit"]),
            mean=tuple(float(value) for value in data["mean"]),
            std=tuple(float(value) for value in data["std"]),
        )


def open_image(
    source: str | Path | bytes, *, max_pixels: int | None = None, max_bytes: int | None = None
) -> Image.Image:
    """Decode a file or bytes into a fully loaded PIL image, or raise ImageReadError saying why.

    `max_pixels` and `max_bytes` are checked from the header, before any pixel is decoded.
    """
    name = "the upload" if isinstance(source, bytes) else str(source)
    if isinstance(source, bytes) and not source:
        raise ImageReadError("the uploaded file is empty")
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
            if max_pixels is not None and image.width * image.height > max_pixels:
                raise ImageTooLargeError(
                    f"{name} is {image.width}x{image.height} pixels, more than the "
                    f"{max_pixels:,} allowed"
                )
            if max_bytes is not None and decoded_bytes(image) > max_bytes:
                raise ImageTooLargeError(
                    f"{name} is {image.width}x{image.height} pixels in mode {image.mode}: "
                    f"{decoded_bytes(image):,} bytes once decoded, more than the "
                    f"{max_bytes:,} allowed"
                )
            image.load()  # decode now: a truncated file fails here, not later in training
    except ImageReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLargeError(f"{name} has too many pixels to decode safely: {error}") from error
    except UnidentifiedImageError as error:
        raise ImageReadError(f"{name} is not an image format Pillow can read") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageReadError(f"{name} is corrupt or truncated ({error})") from error
    return ImageOps.exif_transpose(image)  # phone photos: apply the EXIF rotation


def prepare(image: Image.Image, *, size: int, channels: int, fit: str) -> Image.Image:
    """Convert to grayscale or RGB and resize to size x size, the way `fit` says."""
    image = image.convert("L" if channels == 1 else "RGB")
    target = (size, size)
    if image.size == target:
        return image
    if fit == "crop":
        return ImageOps.fit(image, target, method=RESAMPLE)
    if fit == "pad":
        return ImageOps.pad(image, target, method=RESAMPLE, color=0)
    return image.resize(target, RESAMPLE)


def to_uint8_tensor(image: Image.Image) -> torch.Tensor:
    """A prepared PIL image as a uint8 tensor of shape (channels, height, width)."""
    import torch

    array = np.asarray(image, dtype=np.uint8)
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array.transpose(2, 0, 1).copy())


def normalize(pixels: torch.Tensor, spec: ImageSpec) -> torch.Tensor:
    """uint8 pixels (..., C, H, W) to floats with the training set's mean and std per channel."""
    import torch

    mean = torch.tensor(spec.mean, dtype=torch.float32).view(-1, 1, 1)
    std = torch.tensor(spec.std, dtype=torch.float32).view(-1, 1, 1)
    return (pixels.float() / 255.0 - mean) / std


def preprocess(image: Image.Image, spec: ImageSpec) -> torch.Tensor:
    """The exact input the model sees for an image: prepare, to tensor, normalise."""
    pixels = to_uint8_tensor(prepare(image, size=spec.size, channels=spec.channels, fit=spec.fit))
    return normalize(pixels, spec)


def channel_stats(images: Iterable[torch.Tensor]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean and std per channel of uint8 images (C, H, W), on the 0-1 scale, in one pass."""

    total = squares = None
    count = 0
    for pixels in images:
        values = pixels.double().flatten(1) / 255.0
        total = values.sum(1) if total is None else total + values.sum(1)
        squares = (values**2).sum(1) if squares is None else squares + (values**2).sum(1)
        count += values.shape[1]
    if total is None or squares is None:
        raise DataError("no training images to compute the normalisation from")
    mean = total / count
    std = (squares / count - mean**2).clamp_min(0).sqrt().clamp_min(1e-3)  # blank channel: no /0
    return tuple(round(float(v), 6) for v in mean), tuple(round(float(v), 6) for v in std)


def is_image_file(path: Path) -> bool:
    """True for files the data stage reads as images (hidden files are skipped)."""
    return (
        path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES
    )
