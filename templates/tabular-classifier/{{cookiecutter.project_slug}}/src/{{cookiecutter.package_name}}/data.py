"""Stage `data`: load the table (the breast cancer set or your CSV), check it, split it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .classifier.leaks import check_splits
from .config import (
    BREAST_CANCER,
    DEFAULT_ABOUT_NAME,
    DEFAULT_DATA,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    DataConfig,
    load_config,
)
from .core.errors import DataError
from .core.settings import warn_undescribed
from .core.stage import run_stage


def breast_cancer() -> pd.DataFrame:
    """The Wisconsin breast cancer table: 569 tumours, 30 measurements, `diagnosis` as text."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    # snake_case names make friendlier JSON fields for the API than "mean radius".
    features = bunch.data.rename(columns=lambda name: name.replace(" ", "_"))
    return features.assign(diagnosis=bunch.target.map(dict(enumerate(bunch.target_names))))


def repeated_names(path: Path) -> list[str]:
    """Column names the CSV's header gives more than once, in header order."""
    # pandas renames a repeated column (f1, f1.1) without a word: read the header as a row.
    header = pd.read_csv(path, header=None, nrows=1, dtype=str).iloc[0].dropna().tolist()
    return list(dict.fromkeys(name for name in header if header.count(name) > 1))


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as a table, or a DataError saying why it cannot be one."""
    if not path.is_file():
        raise DataError(
            f"data.source: {path} does not exist; put your CSV there "
            f"or set data.source to {BREAST_CANCER}"
        )
    try:
        twice = repeated_names(path)
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0]
        raise DataError(f"{path} could not be read as CSV: {reason}") from error
    if twice:
        raise DataError(
            f"{path} names column(s) {twice} more than once in its header; give each column "
            "its own name"
        )
    if frame.empty:
        raise DataError(f"{path} has a header but no rows")
    return frame


def load_source(config: DataConfig) -> pd.DataFrame:
    """The table named by data.source."""
    if config.source == BREAST_CANCER:
        return breast_cancer()
    return read_csv(Path(config.source))


def as_labels(values: pd.Series) -> pd.Series:
    """Class labels as text, read the same in the CSV, the API and the report (1.0 -> "1")."""
    if pd.api.types.is_float_dtype(values) and (values == values.round()).all():
        values = values.astype("int64")
    return values.astype(str)


def label_text(value: object) -> str:
    """A label value as text, the way `as_labels` writes it (1.0 -> "1", True -> "True")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def named_labels(labels: pd.Series, config: DataConfig) -> pd.Series:
    """The labels with data.label_names applied; a value without a name keeps its own form."""
    if not config.label_names:
        return labels
    names = {label_text(value): name for value, name in config.label_names.items()}
    values = sorted(labels.unique())
    unknown = [value for value in names if value not in values]
    if unknown:
        raise DataError(
            f"data.label_names names {unknown[0]!r}, which is not a value of target column "
            f"{config.target!r} (its values: {', '.join(values[:20])})"
        )
    taken = set(names.values()) & (set(values) - set(names))
    if taken:
        raise DataError(
            f"data.label_names gives the name {sorted(taken)[0]!r}, which is also an unnamed "
            f"value of {config.target!r}; name that value too or choose another name"
        )
    return labels.map(lambda value: names.get(value, value))


def clean(frame: pd.DataFrame, config: DataConfig) -> pd.DataFrame:
    """Check the table can train a classifier; drop unwanted columns and unlabelled rows."""
    source, target = config.source, config.target
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns[:20])) + (" ..." if frame.shape[1] > 20 else "")
        raise DataError(f"target column {target!r} is not in {source}; its columns are: {columns}")
    unknown = [name for name in config.drop_columns if name not in frame.columns]
    if unknown:
        raise DataError(f"data.drop_columns names {unknown}, which {source} does not have")
    frame = frame.drop(columns=config.drop_columns)

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

    labels = named_labels(as_labels(frame[target]), config)
    counts = labels.value_counts()
    if len(counts) < 2:
        raise DataError(
            f"target column {target!r} of {source} holds one class only ({counts.index[0]!r}); "
            "a classifier needs at least two"
        )
    single = sorted(counts[counts < 2].index)
    if single:
        raise DataError(
            f"class(es) {single} of {target!r} have a single row; each class needs rows "
            "in both the training and the test split"
        )
    return frame.assign(**{target: labels})


def split(frame: pd.DataFrame, config: DataConfig, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One stratified, seeded hold-out split: the test rows are never seen until evaluation."""
    from sklearn.model_selection import train_test_split

    try:
        train, test = train_test_split(
            frame, test_size=config.test_size, stratify=frame[config.target], random_state=seed
        )
    except ValueError as error:
        raise DataError(
            f"cannot split {len(frame)} rows with data.test_size={config.test_size}: {error}"
        ) from error
    return train, test


def read_split(path: Path, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Features and labels of data/train.csv or data/test.csv, as written by this stage."""
    if not path.is_file():
        raise DataError(f"{path} is missing: run `dvc repro data` first")
    # Labels stay text even when they look like numbers.
    frame = pd.read_csv(path, dtype={target: str})
    if target not in frame.columns:
        raise DataError(f"{path} has no column {target!r}: run `dvc repro` after changing data")
    return frame.drop(columns=target), frame[target]


def prepare_data(config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load, check and split the data; write data/train.csv and data/test.csv."""
    frame = clean(load_source(config.data), config.data)
    train, test = split(frame, config.data, config.seed)
    TRAIN_CSV.parent.mkdir(parents=True, exist_ok=True)
    train.to_csv(TRAIN_CSV, index=False)
    test.to_csv(TEST_CSV, index=False)
    classes = frame[config.data.target].value_counts().sort_index()
    print(
        f"data: {len(frame)} rows, {frame.shape[1] - 1} features, {len(classes)} classes "
        f"({', '.join(f'{label} {count}' for label, count in classes.items())}) -> "
        f"{TRAIN_CSV} ({len(train)} rows), {TEST_CSV} ({len(test)} rows)"
    )
    check_splits(train, test, config.data.target, config.seed)  # leaks, duplicates, tiny classes
    return train, test


def main() -> None:
    """`python -m ...data`: prepare the train and test splits from params.yaml."""
    config = load_config()
    prepare_data(config)
    warn_undescribed(config.data.about, DEFAULT_ABOUT_NAME, config.data.source, DEFAULT_DATA)


if __name__ == "__main__":
    run_stage(main)
