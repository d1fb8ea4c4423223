"""Typed view of params.yaml: one frozen pydantic model per section, checked when loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from .core.settings import PARAMS_PATH, DataAbout, Params, Section, load_params

MODEL_NAMES = ("baseline", "neural", "transformer")

# Folders the stages share with dvc.yaml (not knobs: dvc.yaml names the same paths).
PROCESSED_DIR = "data/processed"
# The learner's file's other columns for the test rows, beside (not in) the folder train reads.
COLUMNS_FILE = "test_columns.parquet"
MODEL_DIR = "models"
REPORTS_DIR = "reports"
# The data set the template ships with, and the name its data.about gives it: the data stage warns
# when params.yaml names other data while data.about still names this one.
DEFAULT_DATA = "imdb"
DEFAULT_ABOUT_NAME = "Large Movie Review Dataset (IMDB)"

NgramRange = list[int]


def _ngram_range(pair: NgramRange | None) -> NgramRange | None:
    if pair is not None and (len(pair) != 2 or not 1 <= pair[0] <= pair[1]):
        raise ValueError("must be [low, high] with 1 <= low <= high")
    return pair


class ImdbConfig(Section):
    url: str
    md5: str
    cache_dir: str


class FileConfig(Section):
    path: str
    format: Literal["auto", "csv", "tsv", "jsonl"]
    text_column: str
    label_column: str
    split_column: str | None
    label_names: dict[Any, Any]


class DataConfig(Section):
    source: Literal["imdb", "file"]
    imdb: ImdbConfig
    file: FileConfig
    test_size: float = Field(gt=0, lt=1)
    max_train_rows: int | None = Field(ge=2)
    max_test_rows: int | None = Field(ge=2)
    processed_dir: str = PROCESSED_DIR  # tests point it elsewhere
    about: DataAbout


class BaselineConfig(Section):
    word_ngrams: NgramRange
    char_ngrams: NgramRange | None
    min_df: int = Field(ge=1)
    max_features: int | None = Field(ge=1)
    C_grid: list[float] = Field(min_length=1)
    cv_folds: int = Field(ge=2)
    max_iter: int = Field(ge=1)

    _ranges = field_validator("word_ngrams", "char_ngrams")(_ngram_range)

    @field_validator("C_grid")
    @classmethod
    def _positive(cls, grid: list[float]) -> list[float]:
        if min(grid) <= 0:
            raise ValueError("must list one or more positive values")
        return grid


class LightningFit(Section):
    """What both network models pass to Lightning's Trainer and optimiser."""

    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    learning_rate: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    accelerator: str
    devices: int | str | list[int]
    strategy: str


class NeuralConfig(LightningFit):
    ngrams: int = Field(ge=1)
    min_freq: int = Field(ge=1)
    max_vocab: int = Field(ge=1)
    embedding_dim: int = Field(ge=1)
    dropout: float = Field(ge=0, lt=1)
    patience: int = Field(ge=1)


class TransformerConfig(LightningFit):
    model_name: str
    max_length: int = Field(ge=8)


class TrainConfig(Section):
    models: list[Literal["baseline", "neural", "transformer"]] = Field(min_length=1)
    val_size: float = Field(gt=0, lt=1)
    select_by: Literal["accuracy", "f1", "roc_auc"]
    baseline: BaselineConfig
    neural: NeuralConfig
    transformer: TransformerConfig
    model_dir: str = MODEL_DIR  # tests point it elsewhere

    @field_validator("models")
    @classmethod
    def _once_each(cls, models: list[str]) -> list[str]:
        if len(set(models)) != len(models):
            raise ValueError("lists a model twice")
        return models


class EvaluateConfig(Section):
    top_ngrams: int = Field(ge=1)
    n_mistakes: int = Field(ge=0)
    mistake_chars: int = Field(ge=1)
    probes: str
    unsure_below: float = Field(gt=0, le=1)
    slices: list[str] = []  # columns of the learner's file to score the test texts by
    reports_dir: str = REPORTS_DIR  # tests point it elsewhere


class Config(Params):
    data: DataConfig
    train: TrainConfig
    evaluate: EvaluateConfig


def columns_path(processed_dir: str | Path) -> Path:
    """Where the data stage keeps the test rows' other columns: beside the processed folder."""
    return Path(processed_dir).parent / COLUMNS_FILE


def load_config(path: str | Path = PARAMS_PATH) -> Config:
    """Read and check params.yaml."""
    return load_params(Config, path)
