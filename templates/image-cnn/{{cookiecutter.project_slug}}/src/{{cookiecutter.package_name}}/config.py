"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError
from .settings import build, read_params

PARAMS_PATH = Path("params.yaml")

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

SKLEARN_DIGITS = "sklearn-digits"
FOLDER = "folder"
FASHION_MNIST = "fashion-mnist"


@dataclass(frozen=True)
class FashionMnistConfig:
    url: str
    checksums: dict[str, str]
    timeout_seconds: float = 60.0

    def __post_init__(self) -> None:
        for name, checksum in self.checksums.items():
            algorithm, _, digest = str(checksum).partition(":")
            if algorithm not in ("md5", "sha256") or not digest:
                raise ConfigError(
                    f"data.fashion_mnist.checksums.{name} must look like md5:<hex> or "
                    f"sha256:<hex>, got {checksum!r}"
                )


@dataclass(frozen=True)
class DataConfig:
    source: Literal["sklearn-digits", "folder", "fashion-mnist"]
    folder: str
    image_size: int
    channels: Literal[1, 3]
    fit: Literal["crop", "pad", "stretch"]
    val_fraction: float
    test_fraction: float
    fashion_mnist: FashionMnistConfig
    max_images_per_class: int | None = None

    def __post_init__(self) -> None:
        if not 4 <= self.image_size <= 1024:
            raise ConfigError(f"data.image_size must be between 4 and 1024, got {self.image_size}")
        for name in ("val_fraction", "test_fraction"):
            if not 0 < getattr(self, name) < 1:
                raise ConfigError(f"data.{name} must be between 0 and 1, got {getattr(self, name)}")
        if self.val_fraction + self.test_fraction >= 0.9:
            raise ConfigError(
                "data.val_fraction + data.test_fraction must leave 10% or more to train on"
            )
        if self.max_images_per_class is not None and self.max_images_per_class < 3:
            raise ConfigError("data.max_images_per_class must be 3 or more (or null for all)")


@dataclass(frozen=True)
class ModelConfig:
    arch: Literal["small-cnn", "resnet18"]
    pretrained: bool
    widths: list[int]
    dropout: float

    def __post_init__(self) -> None:
        if self.pretrained and self.arch != "resnet18":
            raise ConfigError("model.pretrained: true needs model.arch: resnet18")
        if not self.widths or any(width < 1 for width in self.widths):
            raise ConfigError(f"model.widths must list positive channel counts, got {self.widths}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"model.dropout must be in [0, 1), got {self.dropout}")


@dataclass(frozen=True)
class AugmentConfig:
    enabled: bool
    rotation_degrees: float
    translate: float
    scale: list[float]
    horizontal_flip: bool

    def __post_init__(self) -> None:
        if len(self.scale) != 2 or not 0 < self.scale[0] <= self.scale[1]:
            raise ConfigError(
                f"train.augment.scale must be [low, high] with 0 < low <= high, got {self.scale}"
            )
        if not 0 <= self.translate < 1:
            raise ConfigError(f"train.augment.translate must be in [0, 1), got {self.translate}")


@dataclass(frozen=True)
class EarlyStoppingConfig:
    enabled: bool
    patience: int


@dataclass(frozen=True)
class CheckpointConfig:
    monitor: Literal["val_loss", "val_acc"]
    mode: Literal["min", "max"]


@dataclass(frozen=True)
class TrainConfig:
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    label_smoothing: float
    augment: AugmentConfig
    early_stopping: EarlyStoppingConfig
    checkpoint: CheckpointConfig
    accelerator: str
    devices: int | str | list[int]
    strategy: str
    precision: str
    deterministic: bool
    num_threads: int
    num_workers: int
    cache_images: bool
    progress_bar: bool

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ConfigError(f"train.epochs must be 1 or more, got {self.epochs}")
        if self.batch_size < 1:
            raise ConfigError(f"train.batch_size must be 1 or more, got {self.batch_size}")
        if self.lr <= 0:
            raise ConfigError(f"train.lr must be positive, got {self.lr}")
        if self.num_threads < 0 or self.num_workers < 0:
            raise ConfigError("train.num_threads and train.num_workers must be 0 or more")


@dataclass(frozen=True)
class EvaluateConfig:
    batch_size: int
    grid_size: int

    def __post_init__(self) -> None:
        if not 1 <= self.grid_size <= 100:
            raise ConfigError(f"evaluate.grid_size must be between 1 and 100, got {self.grid_size}")


@dataclass(frozen=True)
class ServeConfig:
    # Defaults, unlike the other sections: the Docker image serves without params.yaml.
    max_upload_bytes: int = 5_000_000
    max_image_pixels: int = 25_000_000

    def __post_init__(self) -> None:
        if self.max_upload_bytes < 1 or self.max_image_pixels < 1:
            raise ConfigError("serve.max_upload_bytes and serve.max_image_pixels must be positive")


@dataclass(frozen=True)
class MlflowConfig:
    experiment: str
    registered_model: str


@dataclass(frozen=True)
class Config:
    seed: int
    data: DataConfig
    model: ModelConfig
    train: TrainConfig
    evaluate: EvaluateConfig
    mlflow: MlflowConfig
    serve: ServeConfig = field(default_factory=ServeConfig)


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return build(Config, read_params(path))


def load_serve_config(path: str | Path = PARAMS_PATH) -> ServeConfig:
    """The `serve` section, or its defaults where there is no params.yaml (the Docker image)."""
    if not Path(path).is_file():
        return ServeConfig()
    return load_config(path).serve
