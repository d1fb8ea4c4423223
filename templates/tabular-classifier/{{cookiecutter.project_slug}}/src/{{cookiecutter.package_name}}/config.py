"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError
from .settings import build, read_params

PARAMS_PATH = Path("params.yaml")

# Paths relative to the project root; dvc.yaml declares the same ones.
RAW_DIR = Path("data/raw")
TRAIN_CSV = Path("data/train.csv")
TEST_CSV = Path("data/test.csv")
MODEL_DIR = Path("models")
MODEL_FILE = "model.joblib"
SCHEMA_FILE = "feature_schema.json"
RUN_FILE = "run.json"
REPORTS_DIR = Path("reports")
CV_RESULTS_JSON = REPORTS_DIR / "cv_results.json"
METRICS_JSON = REPORTS_DIR / "metrics.json"
FIGURES_DIR = REPORTS_DIR / "figures"

BREAST_CANCER = "sklearn-breast-cancer"

Scoring = Literal["roc_auc", "accuracy", "balanced_accuracy", "f1_macro", "neg_log_loss"]


@dataclass(frozen=True)
class DataConfig:
    source: str
    target: str
    drop_columns: list[str]
    test_size: float

    def __post_init__(self) -> None:
        if not 0 < self.test_size < 1:
            raise ConfigError(f"data.test_size must be between 0 and 1, got {self.test_size}")


@dataclass(frozen=True)
class PreprocessConfig:
    max_categories: int

    def __post_init__(self) -> None:
        if self.max_categories < 2:
            raise ConfigError(
                f"preprocess.max_categories must be 2 or more, got {self.max_categories}"
            )


@dataclass(frozen=True)
class TrainConfig:
    cv_folds: int
    scoring: Scoring
    n_jobs: int
    candidates: dict[str, dict[str, list]]

    def __post_init__(self) -> None:
        if self.cv_folds < 2:
            raise ConfigError(f"train.cv_folds must be 2 or more, got {self.cv_folds}")
        if not self.candidates:
            raise ConfigError("train.candidates is empty: list at least one model to try")


@dataclass(frozen=True)
class EvaluateConfig:
    positive_class: str | None
    permutation_repeats: int

    def __post_init__(self) -> None:
        if self.permutation_repeats < 1:
            raise ConfigError("evaluate.permutation_repeats must be 1 or more")


@dataclass(frozen=True)
class ServeConfig:
    # Defaults, unlike the other sections: the Docker image serves without params.yaml.
    max_batch: int = 1000

    def __post_init__(self) -> None:
        if self.max_batch < 1:
            raise ConfigError(f"serve.max_batch must be 1 or more, got {self.max_batch}")


@dataclass(frozen=True)
class MlflowConfig:
    experiment: str
    registered_model: str


@dataclass(frozen=True)
class Config:
    seed: int
    data: DataConfig
    preprocess: PreprocessConfig
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
