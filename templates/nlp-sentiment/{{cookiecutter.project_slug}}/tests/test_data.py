"""The data stage: each file format, the checks on texts and labels, the IMDB download."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import FileConfig
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.data import (
    clean_labelled,
    fetch_imdb,
    load_file_source,
    prepare,
    read_imdb_archive,
    read_table,
)

from .conftest import TINY_FILE, make_imdb_archive, write_config

ROWS = [
    {"review": f"{word} film number {i}", "sentiment": label}
    for i in range(10)
    for word, label in (("great", "positive"), ("awful", "negative"))
]


def _write(path: Path, rows: list[dict], fmt: str) -> Path:
    frame = pd.DataFrame(rows)
    if fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, sep="\t" if fmt == "tsv" else ",", index=False)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_each_format_is_read_and_split(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path / f"reviews.{fmt}", ROWS, fmt)
    config = write_config(
        tmp_path,
        data={
            "source": "file",
            "test_size": 0.25,
            "file": {"path": str(path), "text_column": "review", "label_column": "sentiment"},
        },
    )
    train, test, _ = load_file_source(config.data, config.seed)
    assert (len(train), len(test)) == (15, 5)
    assert set(train["label"]) == set(test["label"]) == {"negative", "positive"}
    assert train["text"].str.contains("film").all()


def test_integer_labels_become_named_classes(tmp_path: Path) -> None:
    rows = [{"text": r["review"], "label": int(r["sentiment"] == "positive")} for r in ROWS]
    frame = read_table(_write(tmp_path / "r.csv", rows, "csv"))
    named = FileConfig(**TINY_FILE | {"label_names": {0: "neg", 1: "pos"}})
    cleaned = clean_labelled(frame, named, "r.csv")
    assert sorted(cleaned["label"].unique()) == ["neg", "pos"]
    plain = clean_labelled(frame, FileConfig(**TINY_FILE), "r.csv")
    assert sorted(plain["label"].unique()) == ["0", "1"]


def test_split_column_is_respected(tmp_path: Path) -> None:
    rows = [{**r, "split": "test" if i < 4 else "train"} for i, r in enumerate(ROWS)]
    path = _write(tmp_path / "r.csv", rows, "csv")
    config = write_config(
        tmp_path,
        data={
            "source": "file",
            "file": {"path": str(path), "text_column": "review", "label_column": "sentiment"},
        },
    )
    train, test, _ = load_file_source(config.data, config.seed)
    assert (len(train), len(test)) == (16, 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[3].update(review="   "), "1 row(s) have an empty text"),
        (lambda rows: rows[5].update(sentiment=None), "1 row(s) have no label"),
        (lambda rows: [r.update(sentiment="positive") for r in rows], "single class"),
        (lambda rows: [r.pop("sentiment") for r in rows], "has no column ['sentiment']"),
    ],
    ids=["empty-text", "missing-label", "single-class", "missing-column"],
)
def test_bad_data_gets_one_clear_message(tmp_path: Path, change, message: str) -> None:
    rows = [dict(r) for r in ROWS]
    change(rows)
    path = _write(tmp_path / "r.csv", rows, "csv")
    config = write_config(
        tmp_path,
        data={
            "source": "file",
            "file": {"path": str(path), "text_column": "review", "label_column": "sentiment"},
        },
    )
    with pytest.raises(DataError, match=re.escape(message)):
        load_file_source(config.data, config.seed)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_column_named_twice_is_refused(tmp_path: Path, fmt: str) -> None:
    # pandas renamed the second "review" to "review.1": the wrong column could be trained on.
    sep = "\t" if fmt == "tsv" else ","
    path = tmp_path / f"r.{fmt}"
    path.write_text(sep.join(["review", "sentiment", "review"]) + "\n" + sep.join("abc") + "\n")
    with pytest.raises(DataError, match=re.escape("column(s) ['review'] more than once")):
        read_table(path)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "r.xlsx").write_text("x")
    with pytest.raises(DataError, match="set data.file.format"):
        read_table(tmp_path / "r.xlsx")
    with pytest.raises(DataError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_imdb_archive_layout_is_read(tmp_path: Path) -> None:
    make_imdb_archive(tmp_path / "a.tar.gz", n=5)
    train, test = read_imdb_archive(tmp_path / "a.tar.gz")
    assert (len(train), len(test)) == (10, 10)
    assert sorted(train["label"].unique()) == ["negative", "positive"]
    (tmp_path / "b.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(DataError, match="not a readable tar archive"):
        read_imdb_archive(tmp_path / "b.tar.gz")


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server on 127.0.0.1 serving tmp_path/www: nothing comes from the internet."""
    root = tmp_path / "www"
    root.mkdir()
    _CountingHandler.requests = []
    handler = functools.partial(_CountingHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def test_download_is_verified_and_cached(tmp_path: Path, server: tuple[str, Path]) -> None:
    url, root = server
    md5 = make_imdb_archive(root / "aclImdb_v1.tar.gz", n=4)
    cache = tmp_path / "cache"
    path = fetch_imdb(f"{url}/aclImdb_v1.tar.gz", md5, cache)
    assert path == cache / "aclImdb_v1.tar.gz"
    assert path.read_bytes() == (root / path.name).read_bytes()
    fetch_imdb(f"{url}/aclImdb_v1.tar.gz", md5, cache)
    assert _CountingHandler.requests == ["/aclImdb_v1.tar.gz"]  # the second call used the cache


def test_checksum_mismatch_is_refused(tmp_path: Path, server: tuple[str, Path]) -> None:
    url, root = server
    make_imdb_archive(root / "aclImdb_v1.tar.gz", n=4)
    with pytest.raises(DataError, match="has checksum md5:.*, expected md5:0123456789abcdef"):
        fetch_imdb(f"{url}/aclImdb_v1.tar.gz", "0123456789abcdef", tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []  # nothing half-downloaded is kept


def test_no_network_is_one_clear_message(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DataError, match="could not download .* Check the network connection"):
        fetch_imdb(f"http://127.0.0.1:{port}/aclImdb_v1.tar.gz", "0" * 32, tmp_path, timeout=5)


def test_missing_archive_on_the_server(tmp_path: Path, server: tuple[str, Path]) -> None:
    url, _ = server
    with pytest.raises(DataError, match=r"could not download .*nothing\.tar\.gz \(HTTP 404"):
        fetch_imdb(f"{url}/nothing.tar.gz", "0" * 32, tmp_path / "cache")


def test_prepare_writes_the_split_from_a_file_url(tmp_path: Path) -> None:
    md5 = make_imdb_archive(tmp_path / "imdb.tar.gz", n=6)
    config = write_config(
        tmp_path,
        data={
            "imdb": {"url": (tmp_path / "imdb.tar.gz").as_uri(), "md5": md5},
            "max_train_rows": 8,
        },
    )
    summary = prepare(config)
    assert summary["train_rows"] == 8 and summary["test_rows"] == 12
    processed = Path(config.data.processed_dir)
    assert len(pd.read_parquet(processed / "train.parquet")) == 8
    assert json.loads((processed / "meta.json").read_text())["classes"] == ["negative", "positive"]


def test_stage_prints_one_error_line(tmp_path: Path) -> None:
    write_config(tmp_path, data={"imdb": {"url": str(tmp_path / "missing.tar.gz")}})
    src = Path(__file__).resolve().parent.parent / "src"
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.data"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src), "DEBUG": ""},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: data.imdb.url names {tmp_path / 'missing.tar.gz'}, which does not exist"
    ]
