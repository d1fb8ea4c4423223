"""Checks of the written image folder before training: test images that are also training
images, classes with too few images."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..config import FOLDER, IMAGES_DIR, SKLEARN_DIGITS, DataConfig
from ..core.errors import DataError
from ..core.settings import warn_undescribed
from .checks import class_counts, report, shared_examples, tiny_classes

# The name the template's data.about gives its default data set (sklearn-digits): the data stage
# warns when params.yaml names other images while data.about still names these.
DEFAULT_ABOUT_NAME = "Optical Recognition of Handwritten Digits (scikit-learn's digits)"


def _digest(path: Path) -> str:
    # The data stage writes every image with the same encoder: equal pixels, equal bytes.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_dataset(
    rows: Sequence[dict[str, str]],
    images_dir: Path = IMAGES_DIR,
    *,
    extra: Sequence[str] = (),
    data: DataConfig | None = None,
) -> list[str]:
    """Run the checks on data/splits.csv's rows; print and keep their warnings and `extra`.
    With `data`, also warn (printed, not kept: the description is no input of the data) when
    the images are not the default set but data.about still describes it."""
    if data is not None:
        named = data.folder if data.source == FOLDER else data.source
        warn_undescribed(data.about, DEFAULT_ABOUT_NAME, named, SKLEARN_DIGITS)
    train = [_digest(images_dir / row["path"]) for row in rows if row["split"] == "train"]
    test = [_digest(images_dir / row["path"]) for row in rows if row["split"] == "test"]
    warnings = shared_examples(train, test, "images", "the same pixels after resizing")
    warnings += tiny_classes(class_counts(row["label"] for row in rows), "images")
    return report([*warnings, *extra])


def refuse_links_outside(root: Path, files: list[Path]) -> None:
    """DataError when a file under `root` is a link to a file outside it."""
    # Images end up in data/images/, the README's figures and a published repository: a link
    # (or a linked class folder) must not bring in a file from elsewhere on the machine.
    inside = root.resolve()
    outside = [path for path in files if not path.resolve().is_relative_to(inside)]
    if outside:
        shown = ", ".join(f"{path} -> {path.resolve()}" for path in outside[:3])
        more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
        raise DataError(
            f"{len(outside)} image file(s) under {root} are links to files outside it: "
            f"{shown}{more}; copy the images into {root}, or set data.folder to the folder "
            "that holds them"
        )
