"""The image folder as PyTorch datasets: one per split, cached in memory, augmented for training."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from torch.utils.data import Dataset

from .config import AUTO, IMAGES_DIR, AugmentConfig
from .core.errors import DataError
from .data import read_splits
from .images import ImageSpec, normalize, open_image, prepare, to_uint8_tensor

Augment = Callable[[torch.Tensor], torch.Tensor]


class ImageDataset(Dataset):
    """Images and class indices; items are normalised tensors, exactly `images.preprocess` when
    there is no augmentation."""

    def __init__(
        self,
        paths: list[Path],
        targets: list[int],
        spec: ImageSpec,
        *,
        augment: Augment | None = None,
        cache: bool = True,
    ) -> None:
        self.paths, self.targets, self.spec = paths, targets, spec
        self.augment = augment
        self._cache: dict[int, torch.Tensor] | None = {} if cache else None

    def __len__(self) -> int:
        return len(self.paths)

    def pixels(self, index: int) -> torch.Tensor:
        """The prepared image as uint8 (C, H, W), before augmentation and normalisation."""
        if self._cache is not None and index in self._cache:
            return self._cache[index]
        spec = self.spec
        image = prepare(
            open_image(self.paths[index]), size=spec.size, channels=spec.channels, fit=spec.fit
        )
        pixels = to_uint8_tensor(image)
        if self._cache is not None:
            self._cache[index] = pixels
        return pixels

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        pixels = self.pixels(index)
        if self.augment is not None:
            pixels = self.augment(pixels)
        return normalize(pixels, self.spec), self.targets[index]


def make_augment(settings: AugmentConfig, *, photos: bool, size: int) -> Augment | None:
    """Random changes of the training images (uint8 tensors) that keep their class; None when
    disabled. Photos: a random 60-100% crop resized back, and mirroring (`auto`); other images
    (digits, scans): small rotations, shifts and zooms, and no mirroring unless asked for."""
    if not settings.enabled:
        return None
    from torchvision.transforms import v2

    crop = photos if settings.random_resized_crop == AUTO else settings.random_resized_crop
    flip = photos if settings.horizontal_flip == AUTO else settings.horizontal_flip
    steps: list[Augment] = []
    if crop:
        steps.append(v2.RandomResizedCrop(size, scale=(0.6, 1.0), antialias=True))
    steps.append(
        v2.RandomAffine(
            degrees=settings.rotation_degrees,
            translate=(settings.translate, settings.translate),
            scale=(settings.scale[0], settings.scale[1]),
            interpolation=v2.InterpolationMode.BILINEAR,
            fill=0,
        )
    )
    if flip:
        steps.append(v2.RandomHorizontalFlip())
    return v2.Compose(steps)


def load_splits(
    spec: ImageSpec,
    *,
    augment: Augment | None = None,
    cache: bool = True,
    images_dir: Path = IMAGES_DIR,
) -> tuple[list[str], dict[str, ImageDataset]]:
    """The class names (sorted, as in torchvision's ImageFolder) and a dataset per split."""
    rows = read_splits()
    classes = sorted({row["label"] for row in rows})
    index = {label: i for i, label in enumerate(classes)}
    datasets = {}
    for split in ("train", "val", "test"):
        chosen = [row for row in rows if row["split"] == split]
        if not chosen:
            raise DataError(f"data/splits.csv has no {split} images: rerun `dvc repro data`")
        datasets[split] = ImageDataset(
            [images_dir / row["path"] for row in chosen],
            [index[row["label"]] for row in chosen],
            spec,
            augment=augment if split == "train" else None,
            cache=cache,
        )
    return classes, datasets
