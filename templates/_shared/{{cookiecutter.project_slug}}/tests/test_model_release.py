"""`make download-model` against a server on 127.0.0.1: files checked, a bad one deleted."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.core.model_release import MANIFEST, download_model

FILES = {"model.onnx": b"onnx bytes", "nested--meta.json": b'{"classes": 2}'}
PLACES = {"model.onnx": "models/model.onnx", "nested--meta.json": "models/nested/meta.json"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # the tests read no server log
        pass


@pytest.fixture
def release(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 holding the release's assets, and its base URL."""
    assets = tmp_path / "release"
    assets.mkdir()
    for name, data in FILES.items():
        (assets / name).write_bytes(data)
    handler = functools.partial(QuietHandler, directory=str(assets))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield assets, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_manifest(project: Path, base: str) -> None:
    files = [
        {"path": PLACES[name], "url": f"{base}/{name}", "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in FILES.items()
    ]
    (project / MANIFEST).write_text(json.dumps({"tag": "model-test", "files": files}))


def test_every_file_lands_in_its_place(release: tuple[Path, str], tmp_path: Path) -> None:
    project = tmp_path / "clone"
    project.mkdir()
    write_manifest(project, release[1])

    download_model(root=project)

    for name, place in PLACES.items():
        assert (project / place).read_bytes() == FILES[name]


def test_a_tampered_file_fails_its_checksum_and_leaves_nothing(
    release: tuple[Path, str], tmp_path: Path
) -> None:
    project = tmp_path / "clone"
    project.mkdir()
    write_manifest(project, release[1])
    (release[0] / "model.onnx").write_bytes(b"something else")

    with pytest.raises(DataError, match=r"models/model.onnx from .* does not match its sha256"):
        download_model(root=project)

    models = project / "models"
    assert not models.exists() or list(models.rglob("*")) == []  # no partial download


def test_a_manifest_that_points_outside_models_is_refused(tmp_path: Path) -> None:
    entry = {"path": "models/../src/x.py", "url": "http://127.0.0.1:9/x", "sha256": "0" * 64}
    (tmp_path / MANIFEST).write_text(json.dumps({"files": [entry]}))
    with pytest.raises(DataError, match="is not a file inside models/"):
        download_model(root=tmp_path)


def test_no_manifest_says_how_to_get_a_model(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"model-release.json not found: .*`dvc repro`"):
        download_model(root=tmp_path)
