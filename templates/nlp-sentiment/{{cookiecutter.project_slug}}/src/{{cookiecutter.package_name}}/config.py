"""Typed view of params.yaml: one frozen dataclass per section, checked when loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError
from .settings import build, read_params

MODEL_NAMES = ("baseline", "neural", "transformer")


@dataclass(frozen=True)
class ImdbConfig:
    url: str = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    md5: str = "7c2ac02c03563afcf9b574c7e56c153a"
    cache_dir: str = "data/cache"


@dataclass(frozen=True)
class FileConfig:
    path: str = "data/raw/example.csv"
    format: Literal["auto", "csv", "tsv", "jsonl"] = "auto"
    text_column: str = "text"
    label_column: str = "label"
    split_column: str | None = "split"
    label_names: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DataConfig:
    source: Literal["imdb", "file"] = "imdb"
    imdb: ImdbConfig = field(default_factory=ImdbConfig)
    file: FileConfig = field(default_factory=FileConfig)
    test_size: float = 0.2
    max_train_rows: int | None = None
    max_test_rows: int | None = None
    seed: int = 42
    processed_dir: str = "data/processed"


@dataclass(frozen=True)
class TrainConfig:
    models: list[str] = field(default_factory=lambda: ["baseline", "neural"])
    val_size: float = 0.1
    select_by: Literal["accuracy", "f1", "roc_auc"] = "accuracy"
    seed: int = 42
    experiment: str = "{{ cookiecutter.project_slug }}"
    registered_model: str = "{{ cookiecutter.project_slug }}"
    model_dir: str = "models"


@dataclass(frozen=True)
class BaselineConfig:
    word_ngrams: list[int] = field(default_factory=lambda: [1, 2])
    char_ngrams: list[int] | None = field(default_factory=lambda: [2, 5])
    min_df: int = 2
    max_features: int | None = 200_000
    C_grid: list[float] = field(default_factory=lambda: [1.0, 4.0, 16.0])
    cv_folds: int = 3
    max_iter: int = 1000


@dataclass(frozen=True)
class NeuralConfig:
    ngrams: int = 2
    min_freq: int = 2
    max_vocab: int = 100_000
    embedding_dim: int = 50
    dropout: float = 0.2
    epochs: int = 8
    patience: int = 2
    batch_size: int = 64
    learning_rate: float = 0.005
    weight_decay: float = 0.0
    accelerator: str = "auto"
    devices: int | str | list[int] = "auto"
    strategy: str = "auto"


@dataclass(frozen=True)
class TransformerConfig:
    model_name: str = "distilbert-base-uncased"
    max_length: int = 256
    epochs: int = 1
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    accelerator: str = "auto"
    devices: int | str | list[int] = "auto"
    strategy: str = "auto"


@dataclass(frozen=True)
class EvaluateConfig:
    top_ngrams: int = 12
    n_mistakes: int = 8
    mistake_chars: int = 240
    reports_dir: str = "reports"


@dataclass(frozen=True)
class ServeConfig:
    max_batch: int = 64
    max_chars: int = 20_000


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    baseline: BaselineConfig = field(default_factory=BaselineConfig)
    neural: NeuralConfig = field(default_factory=NeuralConfig)
    transformer: TransformerConfig = field(default_factory=TransformerConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)


def load_config(path: str | Path = "params.yaml") -> Config:
    """Read and check params.yaml."""
    config = build(Config, read_params(path))
    _check(config)
    return config


def load_serve_config(path: str | Path = "params.yaml") -> ServeConfig:
    """The `serve` section alone (defaults when params.yaml is absent, as in the Docker image)."""
    if not Path(path).is_file():
        return ServeConfig()
    config = build(ServeConfig, read_params(path).get("serve") or {}, "serve")
    if config.max_batch < 1 or config.max_chars < 1:
        raise ConfigError("serve.max_batch and serve.max_chars must be at least 1")
    return config


def _check(config: Config) -> None:
    unknown = [name for name in config.train.models if name not in MODEL_NAMES]
    if unknown or not config.train.models:
        raise ConfigError(
            f"train.models must list one or more of {list(MODEL_NAMES)}, got {config.train.models}"
        )
    if len(set(config.train.models)) != len(config.train.models):
        raise ConfigError(f"train.models lists a model twice: {config.train.models}")
    for name, value in (
        ("data.test_size", config.data.test_size),
        ("train.val_size", config.train.val_size),
    ):
        if not 0 < value < 1:
            raise ConfigError(f"{name} must be between 0 and 1, got {value}")
    for name, pair in (
        ("baseline.word_ngrams", config.baseline.word_ngrams),
        ("baseline.char_ngrams", config.baseline.char_ngrams),
    ):
        if pair is not None and (len(pair) != 2 or not 1 <= pair[0] <= pair[1]):
            raise ConfigError(f"{name} must be [low, high] with 1 <= low <= high, got {pair}")
    if not config.baseline.C_grid or min(config.baseline.C_grid) <= 0:
        raise ConfigError("baseline.C_grid must list one or more positive values")
    if config.baseline.cv_folds < 2:
        raise ConfigError("baseline.cv_folds must be at least 2")
    if config.neural.ngrams < 1 or config.neural.epochs < 1 or config.neural.embedding_dim < 1:
        raise ConfigError("neural.ngrams, neural.epochs and neural.embedding_dim must be >= 1")
    for name in ("max_train_rows", "max_test_rows"):
        value = getattr(config.data, name)
        if value is not None and value < 2:
            raise ConfigError(f"data.{name} must be null or at least 2, got {value}")
