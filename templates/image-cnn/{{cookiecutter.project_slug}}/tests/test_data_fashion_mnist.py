"""The Fashion-MNIST download, against a local server holding small files in the real IDX format."""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import FashionMnistConfig, load_config
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.data import (
    FASHION_CLASSES,
    build_dataset,
    fashion_mnist_examples,
    read_idx,
)

from .tiny import edit_params

# Labels 0 (t-shirt-top), 1 (trouser) and 9 (ankle-boot), four images of each over both parts.
PARTS = {"train": [0, 1, 9] * 3, "t10k": [0, 1, 9]}


def idx_gz(array: np.ndarray) -> bytes:
    """An array of unsigned bytes as a gzipped IDX file, the format of the official files."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        """No access log on the test output."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A server on 127.0.0.1 with the four files; yields its URL, checksums and the images."""
    folder = tmp_path_factory.mktemp("fashion-server")
    rng = np.random.default_rng(0)
    checksums, images = {}, {}
    for part, labels in PARTS.items():
        pixels = rng.integers(0, 256, size=(len(labels), 28, 28), dtype=np.uint8)
        images[part] = pixels
        for kind, array in (("images-idx3", pixels), ("labels-idx1", np.array(labels))):
            name = f"{part}-{kind}-ubyte.gz"
            content = idx_gz(array)
            (folder / name).write_bytes(content)
            # Both algorithms params.yaml accepts.
            if kind == "images-idx3":
                checksums[name] = f"sha256:{hashlib.sha256(content).hexdigest()}"
            else:
                checksums[name] = f"md5:{hashlib.md5(content).hexdigest()}"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        yield {"url": url, "checksums": checksums, "images": images}
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner's proxy settings must not send requests for 127.0.0.1 elsewhere."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def settings(served) -> FashionMnistConfig:
    return FashionMnistConfig(url=served["url"], checksums=served["checksums"], timeout_seconds=5)


def dead_url() -> str:
    """The URL of a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_the_files_are_downloaded_verified_read_and_cached(settings, served, tmp_path):
    examples = fashion_mnist_examples(settings, cache_dir=tmp_path)

    assert len(examples) == 12
    assert [example.label for example in examples[:3]] == ["t-shirt-top", "trouser", "ankle-boot"]
    assert examples[0].source == "fashion-mnist/train/0"
    assert examples[-1].source == "fashion-mnist/t10k/2"
    np.testing.assert_array_equal(examples[4].pixels, served["images"]["train"][4])
    np.testing.assert_array_equal(np.asarray(examples[-1].load()), served["images"]["t10k"][2])
    cached = sorted(path.name for path in (tmp_path / "fashion-mnist").iterdir())
    assert cached == sorted(settings.checksums)  # and no .part file left

    offline = settings.model_copy(update={"url": dead_url()})
    assert len(fashion_mnist_examples(offline, cache_dir=tmp_path)) == 12  # no network needed


def test_a_checksum_mismatch_deletes_the_download_and_says_so(settings, tmp_path):
    name = "train-labels-idx1-ubyte.gz"
    checksums = {**settings.checksums, name: "md5:" + "0" * 32}
    wrong = settings.model_copy(update={"checksums": checksums})

    with pytest.raises(DataError) as caught:
        fashion_mnist_examples(wrong, cache_dir=tmp_path)
    message = str(caught.value)
    assert f"{name} from {settings.url}{name} has checksum md5:" in message
    assert f"expected md5:{'0' * 32}" in message and "deleted" in message
    assert not (tmp_path / "fashion-mnist" / name).exists()
    assert not (tmp_path / "fashion-mnist" / f"{name}.part").exists()


def test_an_unreachable_server_gives_a_clear_message(settings, tmp_path):
    url = dead_url()
    offline = settings.model_copy(update={"url": url})

    with pytest.raises(DataError, match=f"could not download {url}train-images") as caught:
        fashion_mnist_examples(offline, cache_dir=tmp_path)
    assert "data.source: sklearn-digits, which needs no network" in str(caught.value)
    assert list((tmp_path / "fashion-mnist").iterdir()) == []


def test_a_file_missing_on_the_server_is_named(settings, tmp_path):
    moved = settings.model_copy(update={"url": settings.url + "elsewhere/"})

    with pytest.raises(DataError, match=r"could not download .*elsewhere/train.* \(HTTP 404"):
        fashion_mnist_examples(moved, cache_dir=tmp_path)


def test_a_broken_idx_file_is_refused(tmp_path):
    not_gzip = tmp_path / "plain.gz"
    not_gzip.write_bytes(b"not gzip")
    with pytest.raises(DataError, match="not a readable gzip file"):
        read_idx(not_gzip)
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(gzip.compress(gzip.decompress(idx_gz(np.zeros((3, 4, 4))))[:-5]))
    with pytest.raises(DataError, match="truncated: its header promises shape \\(3, 4, 4\\)"):
        read_idx(truncated)


def test_fashion_mnist_is_a_params_yaml_change(project, settings):
    edit_params(
        {
            "data": {
                "source": "fashion-mnist",
                "fashion_mnist": {"url": settings.url, "checksums": settings.checksums},
            }
        }
    )

    summary = build_dataset(load_config())
    assert summary["classes"] == sorted(FASHION_CLASSES[label] for label in (0, 1, 9))
    assert summary["images"] == 12
    assert (project / "data/cache/fashion-mnist/t10k-images-idx3-ubyte.gz").is_file()
