"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .core.settings import PARAMS_PATH, DataAbout, Params, Section, load_params

# Paths relative to the project root; dvc.yaml declares the same ones.
RAW_DIR = Path("data/raw")
TRAIN_CSV = Path("data/train.csv")
TEST_CSV = Path("data/test.csv")
MODEL_DIR = Path("models")
MODEL_FILE = "model.joblib"
SCHEMA_FILE = "feature_schema.json"
RUN_FILE = "run.json"
NOT_EXPORTED_FILE = "not_exported.txt"  # beside a model with no ONNX copy: why
# The ONNX file's metadata: the family (kmeans, gaussian_mixture) and the cluster ids.
FAMILY_KEY = "family"
CLUSTERS_KEY = "clusters"
REPORTS_DIR = Path("reports")
SELECTION_JSON = REPORTS_DIR / "selection.json"
METRICS_JSON = REPORTS_DIR / "metrics.json"
FIGURES_DIR = REPORTS_DIR / "figures"

WINE = "sklearn-wine"
# The data set the template ships with, and the name its data.about gives it: the data stage warns
# when params.yaml names other data while data.about still names this one.
DEFAULT_DATA = WINE
DEFAULT_ABOUT_NAME = "Wine recognition"

Family = Literal["kmeans", "gaussian_mixture", "hdbscan"]


class DataConfig(Section):
    source: str
    # A known grouping, never a feature: only scores the clusters afterwards (adjusted Rand index).
    label: str | None
    drop_columns: list[str]
    test_size: float = Field(gt=0, lt=1)
    about: DataAbout


class PreprocessConfig(Section):
    max_categories: int = Field(ge=2)


class KRange(Section):
    min: int = Field(ge=2)
    max: int = Field(ge=2)

    @model_validator(mode="after")
    def _ordered(self) -> KRange:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self


class StabilityConfig(Section):
    seeds: int = Field(ge=2)  # refits with other seeds
    resamples: int = Field(ge=1)  # refits on bootstrap resamples of the training rows
    warn_below: float = Field(ge=0, le=1)  # mean adjusted Rand index that counts as unstable


class GaussianMixtureConfig(Section):
    covariance_type: Literal["full", "tied", "diag", "spherical"]


class HdbscanConfig(Section):
    min_cluster_size: list[int] = Field(min_length=1)


class AnomalyConfig(Section):
    enabled: bool
    n_estimators: int = Field(ge=10)


class TrainConfig(Section):
    preprocess: PreprocessConfig
    models: list[Family] = Field(min_length=1)
    k: KRange
    kmeans_n_init: int = Field(ge=1)
    gaussian_mixture: GaussianMixtureConfig
    hdbscan: HdbscanConfig
    stability: StabilityConfig
    anomaly: AnomalyConfig


class EvaluateConfig(Section):
    bootstrap: int = Field(ge=100)  # resamples for the headline's interval
    profile_features: int = Field(ge=1)  # features named per cluster in the findings


class Config(Params):
    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return load_params(Config, path)
