"""Checks of the written image folder before training: test images that are also training
images, classes with too few images."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..config import IMAGES_DIR
from .checks import class_counts, report, shared_examples, tiny_classes


def _digest(path: Path) -> str:
    # The data stage writes every image with the same encoder: equal pixels, equal bytes.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_dataset(
    rows: Sequence[dict[str, str]], images_dir: Path = IMAGES_DIR, *, extra: Sequence[str] = ()
) -> list[str]:
    """Run the checks on data/splits.csv's rows; print and keep their warnings and `extra`."""
    train = [_digest(images_dir / row["path"]) for row in rows if row["split"] == "train"]
    test = [_digest(images_dir / row["path"]) for row in rows if row["split"] == "test"]
    warnings = shared_examples(train, test, "images", "the same pixels after resizing")
    warnings += tiny_classes(class_counts(row["label"] for row in rows), "images")
    return report([*warnings, *extra])
