"""The tiny project the tests run in: a few dozen drawn shapes and a shrunk params.yaml."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ("circle", "cross", "square")
PER_CLASS = 12
IMAGE_SIZE = 12
# A learner's folder: sizes and aspect ratios differ, grayscale and colour, PNG and JPEG.
SIZES = ((20, 20), (36, 28), (24, 48))
FORMATS = ((".png", "PNG"), (".jpg", "JPEG"))


def draw(shape: str, size: tuple[int, int] = (24, 24), *, seed: int = 0, mode: str = "L"):
    """A light shape on a dark background, jittered by `seed`."""
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new(mode, size, 0)
    pen = ImageDraw.Draw(image)
    side = min(width, height) * rng.uniform(0.5, 0.8)
    left = rng.uniform(0, width - side)
    top = rng.uniform(0, height - side)
    box = (left, top, left + side, top + side)
    ink = 255 if mode == "L" else (255, 255, int(rng.integers(128, 256)))
    line = max(1, round(side / 8))
    if shape == "circle":
        pen.ellipse(box, outline=ink, width=line)
    elif shape == "square":
        pen.rectangle(box, outline=ink, width=line)
    else:
        pen.line((box[0], box[1], box[2], box[3]), fill=ink, width=line)
        pen.line((box[0], box[3], box[2], box[1]), fill=ink, width=line)
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_image_folder(folder: Path, per_class: int = PER_CLASS) -> list[Path]:
    """folder/<class>/<n>.png|.jpg: every image of a class drawn differently."""
    written = []
    for label_index, label in enumerate(CLASSES):
        (folder / label).mkdir(parents=True, exist_ok=True)
        for n in range(per_class):
            suffix, kind = FORMATS[n % len(FORMATS)]
            mode = "RGB" if n % 3 == 2 else "L"
            seed = 100 * label_index + n
            image = draw(label, SIZES[n % len(SIZES)], seed=seed, mode=mode)
            path = folder / label / f"{n:03d}{suffix}"
            image.save(path, format=kind)
            written.append(path)
    return written


def write_photo_folder(folder: Path, per_class: int = 8, size: tuple[int, int] = (96, 80)) -> None:
    """folder/<class>/<n>.jpg: colour 'photos' larger than 64 px (a coloured shape on a scene)."""
    rng = np.random.default_rng(7)
    for label_index, label in enumerate(CLASSES[:2]):
        (folder / label).mkdir(parents=True, exist_ok=True)
        for n in range(per_class):
            scene = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8) // 4
            image = Image.fromarray(scene + np.array([90, 60, 30], dtype=np.uint8))
            shape = draw(label, size, seed=100 * label_index + n, mode="RGB")
            image.paste(shape, mask=shape.convert("L"))
            image.save(folder / label / f"{n:03d}.jpg", format="JPEG", quality=90)


def deep_update(mapping: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` merged into `mapping`, section by section."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(mapping.get(key), dict):
            deep_update(mapping[key], value)
        else:
            mapping[key] = value
    return mapping


def tiny_params() -> dict[str, Any]:
    """The project's own params.yaml, shrunk: every key stays, so a renamed key fails here.

    Every data and model key the learner may have changed for their own images is set."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    return deep_update(
        params,
        {
            "data": {
                "source": "folder",
                "folder": "data/raw",
                "image_size": IMAGE_SIZE,
                "channels": 1,
                "fit": "crop",
                "val_fraction": 0.15,
                "test_fraction": 0.2,
                "max_images_per_class": None,
            },
            "train": {
                "model": {"arch": "small-cnn", "pretrained": False, "widths": [8, 16]},
                "epochs": 1,
                "batch_size": 16,
                "accelerator": "cpu",
                "devices": 1,
                "strategy": "auto",
                "progress_bar": False,
                "num_threads": 1,
            },
            "evaluate": {"batch_size": 64, "grid_size": 4},
            "serve": {"max_upload_bytes": 20_000, "max_image_pixels": 1_000_000},
            "mlflow": {"experiment": "tests", "registered_model": "tiny-model"},
        },
    )


def edit_params(changes: dict[str, Any], path: Path = Path("params.yaml")) -> None:
    """Change params.yaml the way a learner would, keeping every other value."""
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(deep_update(params, changes)), encoding="utf-8")


def make_project(path: Path) -> Path:
    """Lay out a tiny project in `path`: params.yaml, the image folder, README.md, MODEL_CARD.md."""
    write_image_folder(path / "data/raw")
    (path / "params.yaml").write_text(yaml.safe_dump(tiny_params()), encoding="utf-8")
    for document in ("README.md", "MODEL_CARD.md"):
        shutil.copy(ROOT / document, path / document)
    return path
