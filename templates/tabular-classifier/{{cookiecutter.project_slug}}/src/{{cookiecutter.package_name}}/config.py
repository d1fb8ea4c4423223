"""Typed view of params.yaml, plus the paths every stage and dvc.yaml agree on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

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

BREAST_CANCER = "sklearn-breast-cancer"
# The data set the template ships with, and the name its data.about gives it: the data stage warns
# when params.yaml names other data while data.about still names this one.
DEFAULT_DATA = BREAST_CANCER
DEFAULT_ABOUT_NAME = "Breast Cancer Wisconsin (Diagnostic)"

Scoring = Literal["roc_auc", "accuracy", "balanced_accuracy", "f1_macro", "neg_log_loss"]


class DataConfig(Section):
    source: str
    target: str
    drop_columns: list[str]
    # A value of the target column (as YAML reads it: 0, "0", true) -> the name readers see.
    label_names: dict[Any, str]
    test_size: float = Field(gt=0, lt=1)
    about: DataAbout

    @field_validator("label_names")
    @classmethod
    def _distinct_names(cls, names: dict[Any, str]) -> dict[Any, str]:
        blank = [key for key, name in names.items() if not name.strip()]
        if blank:
            raise ValueError(f"the name of {blank[0]!r} is empty")
        twice = sorted({name for name in names.values() if list(names.values()).count(name) > 1})
        if twice:
            raise ValueError(f"names must differ; {twice[0]!r} is given to more than one value")
        return names


class PreprocessConfig(Section):
    max_categories: int = Field(ge=2)


class TrainConfig(Section):
    preprocess: PreprocessConfig
    cv_folds: int = Field(ge=2)
    scoring: Scoring
    n_jobs: int
    # A model's grid is checked against the estimator itself, in candidates.build_candidate.
    candidates: dict[str, dict[str, Any]] = Field(min_length=1)


class EvaluateConfig(Section):
    positive_class: str | None
    permutation_repeats: int = Field(ge=1)
    slices: list[str] = []  # feature columns to score the held-out rows by, value by value
    seeds: int | None = Field(default=None, ge=0)  # refits with other seeds; 0 or empty: none


class Config(Params):
    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return load_params(Config, path)
