"""Stage `data`: gather the images, check them, write them as an image folder and split it.

Output: data/images/<class>/<n>.png (converted and resized per params.yaml), data/splits.csv
(path, label, split, source) and data/dataset.json (classes and counts, what the images are and
the size and colour they are fed at: `auto` in params.yaml is decided here, from the images).
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np
from PIL import Image

from .classifier.datachecks import check_dataset, refuse_links_outside
from .config import (
    AUTO,
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
# Colour photographs: most images in colour, and their shorter side typically above PHOTO_MIN_SIDE.
PHOTO_MIN_SIDE = 64
PHOTO_SIZE = 128  # `image_size: auto` for photos: ImageNet features still work, a CPU copes
SMALL_SIZE = 16  # `image_size: auto` otherwise: digits, scans, icons (a 3-block CNN needs 16 px)
SURVEY_IMAGES = 64  # images looked at to tell photos from scans: evenly spread over the data
COLOUR_SPREAD = 12  # mean (max - min channel) on the 0-255 scale above which an image is colour
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


# --- what the images are ------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """What a sample of the images looks like, and the size and colour they are fed at."""

    typical_size: tuple[int, int]  # median width and height
    colour_share: float  # share of the sampled images in colour
    photos: bool
    image_size: int
    channels: int

    def kind(self) -> str:
        colour = "colour" if self.colour_share >= 0.5 else "grayscale"
        return f"{colour} {'photographs' if self.photos else 'images'}"

    def sentence(self) -> str:
        (width, height), side = self.typical_size, self.image_size
        fed = f"fed to the network as {side}x{side} {'RGB' if self.channels == 3 else 'grayscale'}"
        return f"{self.kind()} (typically {width}x{height} px), {fed}"


def is_colour(image: Image.Image) -> bool:
    """True when the image's pixels carry colour (a grayscale scan saved as RGB does not)."""
    if image.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return False
    small = image.convert("RGB")
    small.thumbnail((48, 48))
    pixels = np.asarray(small, dtype=np.int16)
    return float((pixels.max(axis=2) - pixels.min(axis=2)).mean()) > COLOUR_SPREAD


def survey(examples: list[Example], data: DataConfig) -> Survey:
    """Look at a spread-out sample of the images; decide `auto` size and channels from it."""
    step = max(1, len(examples) // SURVEY_IMAGES)
    sizes, colours = [], []
    for example in examples[::step][:SURVEY_IMAGES]:
        try:
            image = example.load()
        except ImageReadError:
            continue  # named with every other unreadable file when the images are written
        sizes.append(image.size)
        colours.append(is_colour(image))
    sizes, colours = (sizes, colours) if sizes else ([(0, 0)], [False])
    typical = (int(median(w for w, _ in sizes)), int(median(h for _, h in sizes)))
    colour_share = sum(colours) / len(colours)
    photos = colour_share >= 0.5 and min(typical) > PHOTO_MIN_SIDE
    image_size = (
        data.image_size if data.image_size != AUTO else (PHOTO_SIZE if photos else SMALL_SIZE)
    )
    channels = data.channels if data.channels != AUTO else (3 if colour_share >= 0.5 else 1)
    return Survey(typical, round(colour_share, 3), photos, int(image_size), int(channels))


def conversion_warnings(images: Survey) -> list[str]:
    """What params.yaml throws away from colour photographs, said out loud."""
    lost = ["data.channels: 1 turns them into grayscale"] if images.channels == 1 else []
    if images.image_size <= PHOTO_MIN_SIDE:
        lost.append(f"data.image_size: {images.image_size} shrinks them to that many pixels")
    if not images.photos or not lost:
        return []
    return [
        f"the images are colour photographs (typically {images.typical_size[0]}x"
        f"{images.typical_size[1]} px) but {' and '.join(lost)}; `auto` keeps them at "
        f"{PHOTO_SIZE}x{PHOTO_SIZE} RGB"
    ]


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
    examples = gather(data)
    images = survey(examples, data)
    grouped = by_class(examples)
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
        prepare(image, size=images.image_size, channels=images.channels, fit=data.fit).save(
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
        "image_size": images.image_size,
        "channels": images.channels,
        "photos": images.photos,
        "kind": images.kind(),
        "typical_size": list(images.typical_size),
        "colour_share": images.colour_share,
        "description": images.sentence(),
    }
    DATASET_JSON.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    # Duplicates across splits, tiny classes, colour photos made small or gray: warnings now.
    check_dataset(rows, extra=conversion_warnings(images), data=data)
    return summary


def read_dataset(path: Path = DATASET_JSON) -> dict:
    """data/dataset.json: the classes, and the size and colour the images were written at."""
    if not path.is_file():
        raise DataError(f"{path} not found: run the data stage first (`dvc repro data`)")
    return json.loads(path.read_text(encoding="utf-8"))


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
    print(f"data: {summary['description']}")


if __name__ == "__main__":
    run_stage(main)
