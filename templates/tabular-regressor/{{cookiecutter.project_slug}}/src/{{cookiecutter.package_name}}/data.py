"""Stage `data`: load the table (the diabetes set or your CSV), check it, split it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import (
    DEFAULT_ABOUT_NAME,
    DEFAULT_DATA,
    DIABETES,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    DataConfig,
    load_config,
)
from .core.errors import DataError
from .core.settings import warn_undescribed
from .core.stage import run_stage
from .regression.checks import check_splits

# scikit-learn's short names for the six blood serum measurements, spelt out for the API.
DIABETES_COLUMNS = {"s1": "tc", "s2": "ldl", "s3": "hdl", "s4": "tch", "s5": "ltg", "s6": "glu"}
MIN_DISTINCT_TARGETS = 3  # fewer distinct values is a classification task


def diabetes() -> pd.DataFrame:
    """The diabetes table: 442 patients, 10 baseline measurements (in their original units), and
    `progression`, a measure of disease progression one year later."""
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True, scaled=False)
    features = bunch.data.rename(columns=DIABETES_COLUMNS)
    return features.assign(progression=bunch.target)


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as a table, or a DataError saying why it cannot be one."""
    if not path.is_file():
        raise DataError(
            f"data.source: {path} does not exist; put your CSV there "
            f"or set data.source to {DIABETES}"
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
    if config.source == DIABETES:
        return diabetes()
    return read_csv(Path(config.source))


def as_numbers(values: pd.Series, source: str) -> pd.Series:
    """The target as floats, or a DataError quoting values that are not numbers."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna() & values.notna()]
    if len(bad):
        shown = ", ".join(repr(value) for value in bad.astype(str).unique()[:3])
        raise DataError(
            f"target column {values.name!r} of {source} must hold numbers; it holds {shown}"
            " (a column of classes belongs in the tabular-classifier template)"
        )
    return numbers.astype("float64")


def clean(frame: pd.DataFrame, config: DataConfig) -> pd.DataFrame:
    """Check the table can train a regressor; drop unwanted columns and rows without a target."""
    source, target = config.source, config.target
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns[:20])) + (" ..." if frame.shape[1] > 20 else "")
        raise DataError(f"target column {target!r} is not in {source}; its columns are: {columns}")
    unknown = [name for name in config.drop_columns if name not in frame.columns]
    if unknown:
        raise DataError(f"data.drop_columns names {unknown}, which {source} does not have")
    frame = frame.drop(columns=config.drop_columns)
    frame[target] = as_numbers(frame[target], source)

    unlabelled = frame[target].isna()
    if unlabelled.all():
        raise DataError(f"target column {target!r} of {source} holds no values")
    if unlabelled.any():
        print(f"data: dropped {unlabelled.sum()} rows of {source} without a {target!r} value")
    frame = frame.loc[~unlabelled].reset_index(drop=True)

    features = [name for name in frame.columns if name != target]
    if not features:
        raise DataError(f"{source} has no feature columns besides the target {target!r}")
    empty = [name for name in features if frame[name].isna().all()]
    if empty:
        raise DataError(
            f"column(s) {empty} of {source} hold no values at all; "
            "remove them from the CSV or list them in data.drop_columns"
        )
    distinct = frame[target].nunique()
    if distinct < MIN_DISTINCT_TARGETS:
        raise DataError(
            f"target column {target!r} of {source} holds {distinct} distinct value(s); "
            "a regressor needs a numeric target with many values (classes belong in the "
            "tabular-classifier template)"
        )
    return frame


def split(frame: pd.DataFrame, config: DataConfig, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One seeded hold-out split: the test rows are never seen until evaluation."""
    from sklearn.model_selection import train_test_split

    try:
        train, test = train_test_split(frame, test_size=config.test_size, random_state=seed)
    except ValueError as error:
        raise DataError(
            f"cannot split {len(frame)} rows with data.test_size={config.test_size}: {error}"
        ) from error
    return train, test


def read_split(path: Path, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Features and target of data/train.csv or data/test.csv, as written by this stage."""
    if not path.is_file():
        raise DataError(f"{path} is missing: run `dvc repro data` first")
    frame = pd.read_csv(path)
    if target not in frame.columns:
        raise DataError(f"{path} has no column {target!r}: run `dvc repro` after changing data")
    return frame.drop(columns=target), frame[target].astype("float64")


def prepare_data(config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load, check and split the data; write data/train.csv and data/test.csv."""
    frame = clean(load_source(config.data), config.data)
    train, test = split(frame, config.data, config.seed)
    TRAIN_CSV.parent.mkdir(parents=True, exist_ok=True)
    train.to_csv(TRAIN_CSV, index=False)
    test.to_csv(TEST_CSV, index=False)
    target = frame[config.data.target]
    print(
        f"data: {len(frame)} rows, {frame.shape[1] - 1} features, target {config.data.target!r} "
        f"from {target.min():g} to {target.max():g} (median {target.median():g}) -> "
        f"{TRAIN_CSV} ({len(train)} rows), {TEST_CSV} ({len(test)} rows)"
    )
    check_splits(  # leaks, duplicates, skew
        train, test, config.data.target, config.seed, log_target=config.train.log_target
    )
    return train, test


def main() -> None:
    """`python -m ...data`: prepare the train and test splits from params.yaml."""
    config = load_config()
    prepare_data(config)
    warn_undescribed(config.data.about, DEFAULT_ABOUT_NAME, config.data.source, DEFAULT_DATA)


if __name__ == "__main__":
    run_stage(main)
