"""A realistic own-image folder for image-cnn: scikit-learn's digits as 28x28 grayscale PNGs.

The 8x8 digits are too easy once upscaled; these are made harder the way scans are: each one is
upscaled, its strokes thickened, rotated, shifted and given sensor noise, so a small CNN has
to learn shapes rather than pixel positions (a learner's folder of digits reaches 0.95+ with a
sound CNN, and a model that stops training too early stays far below).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SIZE = 28
MAX_ROTATION = 25.0  # degrees either way
MAX_SHIFT = 3  # pixels either way
NOISE_SIGMA = 40.0  # on the 0-255 scale


def write_digit_folder(root: Path, per_class: int, seed: int) -> dict[str, int]:
    """Write `per_class` PNGs per digit under root/<digit>/; return the count per class folder."""
    from PIL import Image, ImageFilter
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}
    for label in range(10):
        sources = digits.images[digits.target == label]
        folder = Path(root) / str(label)
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            # More images than sources: each source is reused with a different distortion.
            source = sources[index % len(sources)]
            image = _distort(source, rng, Image, ImageFilter)
            image.save(folder / f"{label}_{index:04d}.png")
        counts[str(label)] = per_class
    return counts


def _distort(source: np.ndarray, rng: np.random.Generator, image_module, filters):
    """One 8x8 digit (values 0-16) as a distorted 28x28 grayscale scan."""
    pixels = (source * (255.0 / 16.0)).astype(np.uint8)
    image = image_module.fromarray(pixels).resize((20, 20), image_module.BILINEAR)
    canvas = image_module.new("L", (SIZE, SIZE), 0)
    canvas.paste(image, (4, 4))
    canvas = canvas.filter(filters.MaxFilter(3))  # thicker strokes, as a pen or a scanner gives
    angle = float(rng.uniform(-MAX_ROTATION, MAX_ROTATION))
    shift = tuple(int(value) for value in rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, size=2))
    canvas = canvas.rotate(angle, resample=image_module.BILINEAR, translate=shift, fillcolor=0)
    noisy = np.asarray(canvas, dtype=np.float32) + rng.normal(0.0, NOISE_SIGMA, (SIZE, SIZE))
    return image_module.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


PHOTO_SIZE = (96, 72)  # wider than 64 px and in colour: what the data stage calls photographs


def write_photo_folder(root: Path, per_class: int = 12, seed: int = 0) -> dict[str, int]:
    """Small colour 'photos' under root/<class>/: a red disc or a blue square on a noisy,
    warm-coloured scene, saved as JPEG; return the count per class folder."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    width, height = PHOTO_SIZE
    counts: dict[str, int] = {}
    for label, colour in (("discs", (200, 40, 40)), ("squares", (40, 60, 200))):
        folder = Path(root) / label
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            scene = rng.normal(0, 25, (height, width, 3)) + np.array([150, 120, 80])
            image = Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8))
            side = float(rng.uniform(24, 44))
            left, top = rng.uniform(0, width - side), rng.uniform(0, height - side)
            box = (left, top, left + side, top + side)
            pen = ImageDraw.Draw(image)
            (pen.ellipse if label == "discs" else pen.rectangle)(box, fill=colour)
            image.save(folder / f"{label}_{index:03d}.jpg", format="JPEG", quality=90)
        counts[label] = per_class
    return counts
