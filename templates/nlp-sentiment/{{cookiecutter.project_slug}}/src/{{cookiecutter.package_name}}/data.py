"""Stage `data`: fetch IMDB (or read your own file), check it, and write the train/test split."""

from __future__ import annotations

import json
import re
import tarfile
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from .classifier.textchecks import check_texts
from .config import (
    DEFAULT_ABOUT_NAME,
    DEFAULT_DATA,
    Config,
    DataConfig,
    FileConfig,
    columns_path,
    load_config,
)
from .core.downloads import fetch
from .core.errors import DataError
from .core.settings import warn_undescribed
from .core.stage import run_stage

IMDB_LABELS = {"neg": "negative", "pos": "positive"}
# aclImdb/train/pos/123_9.txt: split, label folder, review id, star rating. unsup/ is skipped.
_IMDB_MEMBER = re.compile(r"(?:^|/)(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Each prepared row's position in the learner's file, while the splits are made: it finds the
# file's other columns for the test rows (evaluate.slices), and is dropped before the splits are
# written, so training never sees it.
FILE_ROW = "file_row"


def _local_path(url: str) -> Path | None:
    """The file a file:// URL or a plain path names; None for a network URL."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path))
    if len(parsed.scheme) <= 1:  # no scheme, or a Windows drive letter: a plain path
        return Path(url)
    return None


def fetch_imdb(url: str, md5: str, cache_dir: str | Path, *, timeout: float = 60) -> Path:
    """The archive at `url`, checked against `md5`; downloaded once into `cache_dir` if remote."""
    hint = "Check the network connection, or set data.imdb.url and data.imdb.md5 in params.yaml"
    local = _local_path(url)
    if local is None:
        return fetch(url, f"md5:{md5}", cache_dir, timeout=timeout, hint=hint)
    if not local.is_file():
        raise DataError(f"data.imdb.url names {local}, which does not exist")
    import pooch

    found = pooch.file_hash(str(local), alg="md5")
    if found != md5.lower():
        raise DataError(f"{local} has checksum md5:{found}, expected md5:{md5}. {hint}")
    return local


def read_imdb_archive(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and test reviews of an archive in the aclImdb layout: {train,test}/{pos,neg}/*.txt."""
    rows: dict[str, list[tuple[str, int, str, str]]] = {"train": [], "test": []}
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                found = _IMDB_MEMBER.search(member.name)
                if not (member.isfile() and found):
                    continue
                split, folder, review_id, _stars = found.groups()
                handle = archive.extractfile(member)
                text = handle.read().decode("utf-8", errors="replace") if handle else ""
                rows[split].append((folder, int(review_id), text, IMDB_LABELS[folder]))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise DataError(f"{path} is not a readable tar archive: {error}") from error
    frames = []
    for split in ("train", "test"):
        if not rows[split]:
            raise DataError(
                f"{path} holds no {split}/pos/*.txt or {split}/neg/*.txt reviews: "
                "it is not in the aclImdb layout"
            )
        ordered = sorted(rows[split])  # archive order is not guaranteed; sort for reproducibility
        frames.append(
            pd.DataFrame([(text, label) for *_, text, label in ordered], columns=["text", "label"])
        )
    return frames[0], frames[1]


def read_table(path: str | Path, fmt: str = "auto") -> pd.DataFrame:
    """A CSV, TSV or JSON Lines file as a DataFrame (`fmt` auto: from the extension)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {path} not found (data.file.path in params.yaml)")
    if fmt == "auto":
        fmt = _FORMATS.get(path.suffix.lower(), "")
        if not fmt:
            raise DataError(
                f"cannot tell the format of {path} from its extension; set data.file.format "
                "to csv, tsv or jsonl"
            )
    try:
        if fmt == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        sep = "\t" if fmt == "tsv" else ","
        twice = repeated_names(path, sep)
        frame = pd.read_csv(path, sep=sep, keep_default_na=True)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(f"could not read {path} as {fmt}: {error}") from error
    if twice:
        raise DataError(
            f"{path} names column(s) {twice} more than once in its header; give each column "
            "its own name"
        )
    return frame


def repeated_names(path: Path, sep: str) -> list[str]:
    """Column names the header gives more than once, in header order."""
    # pandas renames a repeated column (text, text.1) without a word: read the header as a row.
    header = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str).iloc[0].dropna()
    names = header.tolist()
    return list(dict.fromkeys(name for name in names if names.count(name) > 1))


def _row_numbers(mask: pd.Series) -> str:
    positions = [str(i + 1) for i in mask.to_numpy().nonzero()[0][:5]]
    more = " ..." if mask.sum() > 5 else ""
    return ", ".join(positions) + more


def clean_labelled(frame: pd.DataFrame, cfg: FileConfig, where: str) -> pd.DataFrame:
    """Columns `text` and `label` (strings), or a DataError naming the rows at fault."""
    missing = [c for c in (cfg.text_column, cfg.label_column) if c not in frame.columns]
    if missing:
        raise DataError(
            f"{where} has no column {missing} (data.file.text_column/label_column); "
            f"its columns are {list(frame.columns)}"
        )
    text, label = frame[cfg.text_column], frame[cfg.label_column]
    empty = text.isna() | text.astype(str).str.strip().eq("")
    if empty.any():
        raise DataError(
            f"{where}: {int(empty.sum())} row(s) have an empty text in column "
            f"{cfg.text_column!r} (data rows {_row_numbers(empty)}); remove or fill them"
        )
    unlabelled = label.isna() | label.astype(str).str.strip().eq("")
    if unlabelled.any():
        raise DataError(
            f"{where}: {int(unlabelled.sum())} row(s) have no label in column "
            f"{cfg.label_column!r} (data rows {_row_numbers(unlabelled)}); label or remove them"
        )
    if pd.api.types.is_bool_dtype(label):
        label = label.astype(int)
    if pd.api.types.is_numeric_dtype(label):
        if not (label == label.round()).all():
            raise DataError(
                f"{where}: labels must be classes (strings or integers), not {label.dtype}"
            )
        label = label.astype("int64")
    names = {str(key): str(value) for key, value in cfg.label_names.items()}
    labels = label.astype(str).str.strip().map(lambda value: names.get(value, value))
    return pd.DataFrame(
        {"text": text.astype(str).to_numpy(), "label": labels.to_numpy()}, index=frame.index
    )


def check_classes(train: pd.DataFrame, test: pd.DataFrame) -> list[str]:
    """The sorted classes; refuses a single class or test labels never seen in training."""
    classes = sorted(train["label"].unique())
    if len(classes) < 2:
        raise DataError(
            f"the training data has a single class ({classes}); a classifier needs two or more"
        )
    unseen = sorted(set(test["label"]) - set(classes))
    if unseen:
        raise DataError(f"test labels {unseen} never appear in the training data")
    return classes


def stratified_split(
    frame: pd.DataFrame, size: float | int, seed: int, what: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off `size` rows (or a fraction), stratified; a clear error when impossible."""
    from sklearn.model_selection import train_test_split

    counts = frame["label"].value_counts()
    if counts.min() < 2:
        rare = sorted(counts[counts < 2].index)
        raise DataError(
            f"cannot make the {what}: class(es) {rare} have a single example; "
            "each class needs at least 2 (add examples or remove the class)"
        )
    try:
        rest, part = train_test_split(
            frame, test_size=size, stratify=frame["label"], random_state=seed
        )
    except ValueError as error:
        raise DataError(f"cannot make the {what} from {len(frame)} rows: {error}") from error
    return rest.reset_index(drop=True), part.reset_index(drop=True)


def _limit(frame: pd.DataFrame, rows: int | None, seed: int, what: str) -> pd.DataFrame:
    if rows is None or rows >= len(frame):
        return frame
    _, kept = stratified_split(frame, rows, seed, f"sample of {rows} {what} rows")
    return kept


def other_columns(frame: pd.DataFrame, cfg: FileConfig) -> pd.DataFrame:
    """The file's columns besides the text, the label and the split, storable as Parquet."""
    used = {cfg.text_column, cfg.label_column, cfg.split_column}
    others = frame[[name for name in frame.columns if name not in used]].reset_index(drop=True)
    for name in others.columns:
        values = others[name]
        if values.dtype == object and pd.api.types.infer_dtype(values) not in ("string", "empty"):
            others[name] = values.where(values.isna(), values.astype(str))  # mixed: as text
    others.columns = [str(name) for name in others.columns]
    return others


def load_file_source(
    data: DataConfig, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Train and test frames from the learner's own file (with FILE_ROW), and its other columns."""
    cfg = data.file
    frame = read_table(cfg.path, cfg.format)
    if frame.empty:
        raise DataError(f"{cfg.path} holds no rows")
    cleaned = clean_labelled(frame, cfg, cfg.path)
    cleaned[FILE_ROW] = range(len(cleaned))
    others = other_columns(frame, cfg)
    if cfg.split_column and cfg.split_column in frame.columns:
        split = frame[cfg.split_column].astype(str).str.strip().str.lower()
        odd = sorted(set(split) - {"train", "test"})
        if odd:
            raise DataError(
                f"{cfg.path}: column {cfg.split_column!r} must hold train or test, also has {odd}"
            )
        train, test = cleaned[split == "train"], cleaned[split == "test"]
        if train.empty or test.empty:
            raise DataError(f"{cfg.path}: column {cfg.split_column!r} leaves train or test empty")
        return train.reset_index(drop=True), test.reset_index(drop=True), others
    if cleaned["label"].nunique() < 2:
        raise DataError(
            f"{cfg.path} has a single class ({cleaned['label'].iloc[0]!r}); "
            "a classifier needs two or more"
        )
    return (*stratified_split(cleaned, data.test_size, seed, "held-out test split"), others)


def held_out_columns(test: pd.DataFrame, others: pd.DataFrame | None) -> pd.DataFrame:
    """The file's other columns for the test rows, in their order; none for IMDB."""
    if others is None:
        return pd.DataFrame(index=range(len(test)))
    return others.iloc[test[FILE_ROW].to_numpy()].reset_index(drop=True)


def prepare(config: Config) -> dict:
    """Write data/processed/{train,test}.parquet and meta.json, and the test rows' other columns
    (data/test_columns.parquet, read by evaluate alone); return the summary."""
    data = config.data
    others = None
    if data.source == "imdb":
        archive = fetch_imdb(data.imdb.url, data.imdb.md5, data.imdb.cache_dir)
        train, test = read_imdb_archive(archive)
        origin = data.imdb.url
    else:
        train, test, others = load_file_source(data, config.seed)
        origin = data.file.path
    classes = check_classes(train, test)
    train = _limit(train, data.max_train_rows, config.seed, "training")
    test = _limit(test, data.max_test_rows, config.seed, "test")
    classes = check_classes(train, test)
    columns = held_out_columns(test, others)
    train, test = (split.drop(columns=FILE_ROW, errors="ignore") for split in (train, test))

    out = Path(data.processed_dir)
    out.mkdir(parents=True, exist_ok=True)
    train.to_parquet(out / "train.parquet", index=False)
    test.to_parquet(out / "test.parquet", index=False)
    columns.to_parquet(columns_path(data.processed_dir), index=False)
    summary = {
        "source": data.source,
        "origin": origin,
        "classes": classes,
        "train_rows": len(train),
        "test_rows": len(test),
        "train_counts": {c: int((train["label"] == c).sum()) for c in classes},
        "test_counts": {c: int((test["label"] == c).sum()) for c in classes},
        "median_chars": int(train["text"].str.len().median()),
    }
    (out / "meta.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(train)} train and {len(test)} test texts, classes {classes}")
    check_texts(
        train, test, out
    )  # duplicates across splits, tiny classes: warnings before training
    return summary


def read_split(processed_dir: str | Path, split: str) -> pd.DataFrame:
    """A split written by this stage, or a DataError saying to run it."""
    path = Path(processed_dir) / f"{split}.parquet"
    if not path.is_file():
        raise DataError(f"{path} not found: run the data stage first (`dvc repro data`)")
    return pd.read_parquet(path)


def main() -> None:
    config = load_config()
    prepare(config)
    warn_undescribed(
        config.data.about,
        DEFAULT_ABOUT_NAME,
        config.data.file.path if config.data.source == "file" else config.data.source,
        DEFAULT_DATA,
    )


if __name__ == "__main__":
    run_stage(main)
