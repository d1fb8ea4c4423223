"""Stage `data`: gather the images, check them, write them as an image folder and split it.

Output: data/images/<class>/<n>.png (converted and resized per params.yaml), data/splits.csv
(path, label, split, source) and data/dataset.json (classes and counts).
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .classifier.datachecks import check_dataset
from .config import (
    CACHE_DIR,
    DATASET_JSON,
    FASHION_MNIST,
    FOLDER,
    IMAGES_DIR,
    SKLEARN_DIGITS,
    SPLITS_CSV,
    Config,
    DataConfig,
    FashionMnistConfig,
    load_config,
)
from .core.downloads import fetch
from .core.errors import DataError
from .core.stage import run_stage
from .images import IMAGE_SUFFIXES, ImageReadError, is_image_file, open_image, prepare

SPLITS = ("train", "val", "test")
MIN_PER_CLASS = 3  # one image each for training, validation and test
FASHION_CLASSES = (
    "t-shirt-top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle-boot",
)
FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "t10k": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


@dataclass(frozen=True)
class Example:
    """One image before it is written: its class, where it came from and how to load it."""

    label: str
    source: str
    pixels: np.ndarray | None = None  # in-memory sources (digits, Fashion-MNIST)
    path: Path | None = None  # files of an image folder

    def load(self) -> Image.Image:
        if self.pixels is not None:
            return Image.fromarray(self.pixels)  # uint8, 2-D: grayscale
        assert self.path is not None
        return open_image(self.path)


# --- sources -------------------------------------------------------------------------------


def digits_examples() -> list[Example]:
    """scikit-learn's handwritten digits: 8x8 images with ink from 0 to 16, as 0-255 pixels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    return [
        Example(label=str(target), source=f"sklearn-digits/{index}", pixels=pixels[index])
        for index, target in enumerate(digits.target)
    ]


def folder_examples(folder: str | Path) -> list[Example]:
    """Every image under folder/<class>/ (nested folders too); refuse layouts that cannot train."""
    root = Path(folder)
    if not root.is_dir():
        raise DataError(
            f"data.folder {str(root)!r} is not a folder. Put your images there, one sub-folder per "
            "class (e.g. data/raw/cat/1.jpg, data/raw/dog/2.png), or set data.folder in params.yaml"
        )
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DataError(
            f"{root} has no class sub-folders: the layout is {root}/<class name>/<image files>"
        )
    if len(classes) == 1:
        raise DataError(
            f"{root} has only one class ({classes[0]!r}); a classifier needs two or more class "
            "sub-folders"
        )
    examples: list[Example] = []
    empty = []
    for label in classes:
        files = sorted(p for p in (root / label).rglob("*") if is_image_file(p))
        if not files:
            empty.append(label)
        examples += [Example(label=label, source=str(path), path=path) for path in files]
    if empty:
        raise DataError(
            f"class folder(s) with no images in {root}: {', '.join(empty)} "
            f"(images are files ending in {', '.join(sorted(IMAGE_SUFFIXES))}); "
            "add images or remove the folder(s)"
        )
    refuse_links_outside(root, [example.path for example in examples])
    return examples


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


def fashion_mnist_examples(
    settings: FashionMnistConfig, cache_dir: Path = CACHE_DIR
) -> list[Example]:
    """Fashion-MNIST's 70,000 images (its train and test files pooled, then split like any data)."""
    folder = cache_dir / "fashion-mnist"
    examples: list[Example] = []
    for part, (images_file, labels_file) in FASHION_FILES.items():
        images = read_idx(fetch_verified(settings, images_file, folder))
        labels = read_idx(fetch_verified(settings, labels_file, folder))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(
                f"{images_file} and {labels_file} do not match: shapes {images.shape} and "
                f"{labels.shape}"
            )
        if labels.size and labels.max() >= len(FASHION_CLASSES):
            raise DataError(f"{labels_file} holds label {labels.max()}; Fashion-MNIST has 0-9")
        examples += [
            Example(
                label=FASHION_CLASSES[label], source=f"fashion-mnist/{part}/{index}", pixels=image
            )
            for index, (image, label) in enumerate(zip(images, labels, strict=True))
        ]
    return examples


def fetch_verified(settings: FashionMnistConfig, name: str, folder: Path) -> Path:
    """Download base url + name into folder unless a copy with the right checksum is there."""
    if name not in settings.checksums:
        raise DataError(f"data.fashion_mnist.checksums has no entry for {name}")
    return fetch(
        settings.url.rstrip("/") + "/" + name,
        settings.checksums[name],
        folder,
        timeout=settings.timeout_seconds,
        hint="Check your connection, data.fashion_mnist.url and data.fashion_mnist.checksums, "
        "or use data.source: sklearn-digits, which needs no network",
    )


def read_idx(path: Path) -> np.ndarray:
    """An unsigned-byte array from a gzipped IDX file (the MNIST format)."""
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path} is not a readable gzip file: {error}") from error
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DataError(f"{path} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) - header != int(np.prod(shape)):
        raise DataError(f"{path} is truncated: its header promises shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def gather(data: DataConfig) -> list[Example]:
    """The examples of the configured source."""
    if data.source == SKLEARN_DIGITS:
        return digits_examples()
    if data.source == FOLDER:
        return folder_examples(data.folder)
    if data.source == FASHION_MNIST:
        return fashion_mnist_examples(data.fashion_mnist)
    raise DataError(f"unknown data.source {data.source!r}")


# --- split and write -----------------------------------------------------------------------


def by_class(examples: list[Example]) -> dict[str, list[Example]]:
    grouped: dict[str, list[Example]] = {}
    for example in examples:
        grouped.setdefault(example.label, []).append(example)
    return dict(sorted(grouped.items()))


def split_sizes(count: int, val_fraction: float, test_fraction: float) -> dict[str, int]:
    """How many images of a class go to each split: at least one each."""
    test = max(1, round(count * test_fraction))
    val = max(1, round(count * val_fraction))
    return {"train": count - val - test, "val": val, "test": test}


def assign_splits(
    grouped: dict[str, list[Example]], data: DataConfig, seed: int
) -> Iterator[tuple[Example, str]]:
    """Each example with its split, stratified by class and seeded."""
    rng = np.random.default_rng(seed)
    for label, examples in grouped.items():
        order = rng.permutation(len(examples))
        if data.max_images_per_class is not None:
            order = order[: data.max_images_per_class]
        sizes = split_sizes(len(order), data.val_fraction, data.test_fraction)
        if sizes["train"] < 1:
            raise DataError(
                f"class {label!r} has {len(order)} image(s); each class needs {MIN_PER_CLASS} or "
                "more (one each for training, validation and test)"
            )
        names = ["test"] * sizes["test"] + ["val"] * sizes["val"] + ["train"] * sizes["train"]
        # Keep the original order within the class so file numbers follow the source.
        for index, split in sorted(zip(order, names, strict=True)):
            yield examples[index], split


def build_dataset(config: Config) -> dict:
    """Write data/images, data/splits.csv and data/dataset.json; return the dataset summary."""
    data = config.data
    grouped = by_class(gather(data))
    if len(grouped) < 2:
        raise DataError(f"the data has {len(grouped)} class(es); a classifier needs two or more")
    if IMAGES_DIR.exists():
        shutil.rmtree(IMAGES_DIR)
    rows, unreadable = [], []
    numbers: dict[str, int] = {}
    for example, split in assign_splits(grouped, data, config.seed):
        try:
            image = example.load()
        except ImageReadError as error:
            unreadable.append(str(error))  # names the file and the reason
            continue
        number = numbers[example.label] = numbers.get(example.label, -1) + 1
        relative = Path(example.label) / f"{number:05d}.png"
        (IMAGES_DIR / example.label).mkdir(parents=True, exist_ok=True)
        prepare(image, size=data.image_size, channels=data.channels, fit=data.fit).save(
            IMAGES_DIR / relative
        )
        rows.append(
            {
                "path": relative.as_posix(),
                "label": example.label,
                "split": split,
                "source": example.source,
            }
        )
    if unreadable:
        shutil.rmtree(IMAGES_DIR, ignore_errors=True)
        shown = "\n  ".join(unreadable[:20])
        more = f"\n  ... and {len(unreadable) - 20} more" if len(unreadable) > 20 else ""
        raise DataError(
            f"{len(unreadable)} image file(s) cannot be read; fix or remove them:\n  {shown}{more}"
        )
    SPLITS_CSV.parent.mkdir(parents=True, exist_ok=True)
    with SPLITS_CSV.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["path", "label", "split", "source"])
        writer.writeheader()
        writer.writerows(rows)
    summary = {
        "source": data.source,
        "classes": list(grouped),
        "images": len(rows),
        "splits": {split: sum(row["split"] == split for row in rows) for split in SPLITS},
        "per_class": {label: numbers[label] + 1 for label in grouped},
        "image_size": data.image_size,
        "channels": data.channels,
    }
    DATASET_JSON.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    check_dataset(rows)  # duplicates across splits, tiny classes: warnings before training
    return summary


def read_splits(path: Path = SPLITS_CSV) -> list[dict[str, str]]:
    """The rows of data/splits.csv; a clear error when the data stage has not run."""
    if not path.is_file():
        raise DataError(f"{path} not found: run the data stage first (`dvc repro data`)")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    summary = build_dataset(load_config())
    splits = ", ".join(f"{count} {split}" for split, count in summary["splits"].items())
    print(
        f"data: {summary['images']} images of {len(summary['classes'])} classes from "
        f"{summary['source']} -> {IMAGES_DIR} ({splits})"
    )


if __name__ == "__main__":
    run_stage(main)
