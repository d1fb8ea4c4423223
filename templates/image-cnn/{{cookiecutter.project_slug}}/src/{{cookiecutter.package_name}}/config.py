"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .core.settings import PARAMS_PATH, DataAbout, Params, Section, load_params

# Paths relative to the project root; dvc.yaml declares the same ones.
IMAGES_DIR = Path("data/images")
SPLITS_CSV = Path("data/splits.csv")
DATASET_JSON = Path("data/dataset.json")
CACHE_DIR = Path("data/cache")
MODEL_DIR = Path("models")
WEIGHTS_FILE = "model.pt"
META_FILE = "model.json"
RUN_FILE = "run.json"
CHECKPOINT_DIR = "checkpoints"
REPORTS_DIR = Path("reports")
METRICS_JSON = REPORTS_DIR / "metrics.json"
PER_CLASS_JSON = REPORTS_DIR / "per_class.json"
FIGURES_DIR = REPORTS_DIR / "figures"

AUTO = "auto"  # decided from the images by the data stage (data/dataset.json says what)

SKLEARN_DIGITS = "sklearn-digits"
FOLDER = "folder"
FASHION_MNIST = "fashion-mnist"


class FashionMnistConfig(Section):
    url: str
    checksums: dict[str, str]
    timeout_seconds: float = Field(gt=0)

    @field_validator("checksums")
    @classmethod
    def _algorithm_and_digest(cls, checksums: dict[str, str]) -> dict[str, str]:
        for name, checksum in checksums.items():
            algorithm, _, digest = checksum.partition(":")
            if algorithm not in ("md5", "sha256") or not digest:
                raise ValueError(f"{name} must look like md5:<hex> or sha256:<hex>, not {checksum}")
        return checksums


class DataConfig(Section):
    source: Literal["sklearn-digits", "folder", "fashion-mnist"]
    folder: str
    image_size: Annotated[int, Field(ge=4, le=1024)] | Literal["auto"]
    channels: Literal[1, 3, "auto"]
    fit: Literal["crop", "pad", "stretch"]
    val_fraction: float = Field(gt=0, lt=1)
    test_fraction: float = Field(gt=0, lt=1)
    max_images_per_class: int | None = Field(ge=3)
    fashion_mnist: FashionMnistConfig
    about: DataAbout

    @model_validator(mode="after")
    def _leaves_a_training_share(self) -> DataConfig:
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ValueError("val_fraction + test_fraction must leave 10% or more to train on")
        return self


# torchvision names its weight files <name>-<first hex digits of their sha256>.pth.
HASHED_FILE = re.compile(r"-([0-9a-f]{8,64})\.[A-Za-z]+$")


class ModelConfig(Section):
    arch: Literal["auto", "small-cnn", "resnet18"]
    pretrained: bool | Literal["auto"]
    weights_url: str
    widths: list[int] = Field(min_length=1)
    dropout: float = Field(ge=0, lt=1)

    @field_validator("weights_url")
    @classmethod
    def _carries_its_hash(cls, url: str) -> str:
        if not HASHED_FILE.search(url.split("?")[0]):
            raise ValueError(
                "the file name must end in -<sha256 prefix>.pth (torchvision's convention, "
                f"checked after the download), not {url}"
            )
        return url

    @model_validator(mode="after")
    def _pretrained_needs_resnet(self) -> ModelConfig:
        if self.pretrained is True and self.arch == "small-cnn":
            raise ValueError("pretrained: true needs arch: resnet18 (or auto)")
        if any(width < 1 for width in self.widths):
            raise ValueError(f"widths must list positive channel counts, not {self.widths}")
        return self


class AugmentConfig(Section):
    enabled: bool
    rotation_degrees: float
    translate: float = Field(ge=0, lt=1)
    scale: list[float] = Field(min_length=2, max_length=2)
    horizontal_flip: bool | Literal["auto"]
    random_resized_crop: bool | Literal["auto"]

    @field_validator("scale")
    @classmethod
    def _low_high(cls, scale: list[float]) -> list[float]:
        if not 0 < scale[0] <= scale[1]:
            raise ValueError("must be [low, high] with 0 < low <= high")
        return scale


class EarlyStoppingConfig(Section):
    enabled: bool
    patience: int = Field(ge=1)


class CheckpointConfig(Section):
    monitor: Literal["val_loss", "val_acc"]
    mode: Literal["min", "max"]


class TrainConfig(Section):
    model: ModelConfig
    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    lr: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    label_smoothing: float = Field(ge=0, lt=1)
    augment: AugmentConfig
    early_stopping: EarlyStoppingConfig
    checkpoint: CheckpointConfig
    accelerator: str
    devices: int | str | list[int]
    strategy: str
    precision: str
    deterministic: bool
    num_threads: int = Field(ge=0)
    num_workers: int = Field(ge=0)
    cache_images: bool
    progress_bar: bool


class EvaluateConfig(Section):
    batch_size: int = Field(ge=1)
    grid_size: int = Field(ge=1, le=100)


class Config(Params):
    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return load_params(Config, path)
