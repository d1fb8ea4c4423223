"""Stage `data`: load the table (the wine set or your CSV), check it, split it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import (
    DEFAULT_ABOUT_NAME,
    DEFAULT_DATA,
    TEST_CSV,
    TRAIN_CSV,
    WINE,
    Config,
    DataConfig,
    load_config,
)
from .core.errors import DataError
from .core.settings import warn_undescribed
from .core.stage import run_stage
from .reporting.evidence import warn, write_data_checks

MOSTLY_MISSING = 0.5  # a column with more gaps than this share is imputed more than measured


def wine() -> pd.DataFrame:
    """The wine table: 178 wines, 13 chemical measurements, and the cultivar each came from."""
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    features = bunch.data.rename(columns=lambda name: name.replace("/", "_"))
    return features.assign(cultivar=bunch.target.map(dict(enumerate(bunch.target_names))))


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as a table, or a DataError saying why it cannot be one."""
    if not path.is_file():
        raise DataError(
            f"data.source: {path} does not exist; put your CSV there or set data.source to {WINE}"
        )
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0]
        raise DataError(f"{path} could not be read as CSV: {reason}") from error
    if frame.empty:
        raise DataError(f"{path} has a header but no rows")
    return frame


def load_source(config: DataConfig) -> pd.DataFrame:
    """The table named by data.source."""
    if config.source == WINE:
        return wine()
    return read_csv(Path(config.source))


def clean(frame: pd.DataFrame, config: DataConfig, k_max: int) -> pd.DataFrame:
    """Check the table can be clustered; drop the columns that must not be features."""
    source = config.source
    named = [*config.drop_columns, *([config.label] if config.label else [])]
    unknown = [name for name in named if name not in frame.columns]
    if unknown:
        columns = ", ".join(map(str, frame.columns[:20])) + (" ..." if frame.shape[1] > 20 else "")
        raise DataError(
            f"data.label or data.drop_columns name {unknown}, which {source} does not have; "
            f"its columns are: {columns}"
        )
    frame = frame.drop(columns=config.drop_columns)
    features = [name for name in frame.columns if name != config.label]
    if not features:
        raise DataError(f"{source} has no feature columns left to cluster on")
    empty = [name for name in features if frame[name].isna().all()]
    if empty:
        raise DataError(
            f"column(s) {empty} of {source} hold no values at all; "
            "remove them from the CSV or list them in data.drop_columns"
        )
    if len(frame) < 4 * k_max:
        raise DataError(
            f"{source} has {len(frame)} rows: too few to compare up to train.k.max={k_max} "
            "clusters (at least 4 rows per cluster); lower train.k.max or add rows"
        )
    if config.label:
        frame = frame.assign(**{config.label: frame[config.label].astype(str)})
    return frame.reset_index(drop=True)


def check_table(frame: pd.DataFrame, label: str | None) -> list[str]:
    """Warnings about columns that would shape the clusters for the wrong reason."""
    warnings = []
    features = frame.drop(columns=[label] if label else [])
    for name in features.columns:
        column = features[name]
        if column.nunique(dropna=True) <= 1:
            warnings.append(warn(f"column {name!r} holds a single value: it cannot separate rows"))
        elif column.nunique(dropna=True) == len(column) and not _is_float(column):
            warnings.append(
                warn(
                    f"column {name!r} is different in every row (an id?): as a feature it "
                    "splits rows by identity; list it in data.drop_columns"
                )
            )
        elif column.isna().mean() > MOSTLY_MISSING:
            warnings.append(
                warn(
                    f"column {name!r} is {column.isna().mean():.0%} missing: imputed, not measured"
                )
            )
    duplicates = int(features.duplicated().sum())
    if duplicates:
        warnings.append(warn(f"{duplicates} rows repeat an earlier row's features exactly"))
    return warnings


def _is_float(column: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(column)


def split(frame: pd.DataFrame, config: DataConfig, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One seeded hold-out split: the held-out rows are only assigned to clusters, in evaluation."""
    from sklearn.model_selection import train_test_split

    return train_test_split(frame, test_size=config.test_size, random_state=seed)


def read_split(path: Path, label: str | None) -> tuple[pd.DataFrame, pd.Series | None]:
    """Features and the external label (if any) of data/train.csv or data/test.csv."""
    if not path.is_file():
        raise DataError(f"{path} is missing: run `dvc repro data` first")
    frame = pd.read_csv(path, dtype={label: str} if label else None)
    if label is None:
        return frame, None
    if label not in frame.columns:
        raise DataError(f"{path} has no column {label!r}: run `dvc repro` after changing data")
    return frame.drop(columns=label), frame[label]


def prepare_data(config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load, check and split the data; write data/train.csv and data/test.csv."""
    frame = clean(load_source(config.data), config.data, config.train.k.max)
    warnings = check_table(frame, config.data.label)
    train, test = split(frame, config.data, config.seed)
    TRAIN_CSV.parent.mkdir(parents=True, exist_ok=True)
    train.to_csv(TRAIN_CSV, index=False)
    test.to_csv(TEST_CSV, index=False)
    features = frame.shape[1] - (1 if config.data.label else 0)
    print(
        f"data: {len(frame)} rows, {features} features -> "
        f"{TRAIN_CSV} ({len(train)} rows), {TEST_CSV} ({len(test)} rows)"
    )
    write_data_checks(warnings)
    return train, test


def main() -> None:
    """`python -m ...data`: prepare the train and test splits from params.yaml."""
    config = load_config()
    prepare_data(config)
    warn_undescribed(config.data.about, DEFAULT_ABOUT_NAME, config.data.source, DEFAULT_DATA)


if __name__ == "__main__":
    run_stage(main)
