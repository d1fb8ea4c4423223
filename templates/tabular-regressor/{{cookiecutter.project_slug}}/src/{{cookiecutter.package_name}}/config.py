"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from .core.settings import PARAMS_PATH, DataAbout, Params, Section, load_params

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

DIABETES = "sklearn-diabetes"
# The data set the template ships with, and the name its data.about gives it: the data stage warns
# when params.yaml names other data while data.about still names this one.
DEFAULT_DATA = DIABETES
DEFAULT_ABOUT_NAME = "Diabetes (Efron et al., 2004)"

Scoring = Literal["neg_root_mean_squared_error", "neg_mean_absolute_error", "r2"]


class DataConfig(Section):
    source: str
    target: str
    drop_columns: list[str]
    test_size: float = Field(gt=0, lt=1)
    about: DataAbout


class PreprocessConfig(Section):
    max_categories: int = Field(ge=2)


class TrainConfig(Section):
    preprocess: PreprocessConfig
    cv_folds: int = Field(ge=2)
    scoring: Scoring
    # Fit on log(1 + target) and answer exp(prediction) - 1: for skewed, positive targets (prices).
    log_target: bool
    # Prediction intervals: the share of new rows they should cover (split-conformal, from the
    # out-of-fold residuals of cross-validation on the training rows).
    interval_level: float = Field(gt=0, lt=1)
    n_jobs: int
    # A model's grid is checked against the estimator itself, in candidates.build_candidate.
    candidates: dict[str, dict[str, Any]] = Field(min_length=1)


class EvaluateConfig(Section):
    seeds: int | None = Field(default=None, ge=0)  # refits with other seeds; 0 or empty: none
    permutation_repeats: int = Field(ge=1)
    bootstrap_resamples: int = Field(ge=100)
    slices: list[str] = []  # feature columns to score the held-out rows by, value by value


class Config(Params):
    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return load_params(Config, path)
