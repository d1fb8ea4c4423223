"""Fixtures: a tiny project (36 drawn images, one epoch on the CPU) made once, copied per test."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .tiny import make_project


def _use(path: Path, patch: pytest.MonkeyPatch) -> None:
    """Work in `path` with MLflow writing inside it, the way the stages run from the root."""
    patch.chdir(path)
    patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{path / 'mlflow.db'}")
    patch.delenv("MODEL_DIR", raising=False)


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project, made once per session; tests get copies of it."""
    return make_project(tmp_path_factory.mktemp("tiny-template"))


@pytest.fixture
def project(tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the tiny project as the working directory."""
    path = tmp_path / "project"
    shutil.copytree(tiny_template, path)
    _use(path, monkeypatch)
    return path


@pytest.fixture(scope="session")
def trained(tiny_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny project that has run every stage once (shared: training is slow)."""
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.data import build_dataset
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import write_report
    from {{ cookiecutter.package_name }}.train import train

    path = tmp_path_factory.mktemp("trained") / "project"
    shutil.copytree(tiny_template, path)
    with pytest.MonkeyPatch.context() as patch:
        _use(path, patch)
        config = load_config()
        build_dataset(config)
        train(config)
        evaluate(config)
        write_report()
    return path


@pytest.fixture
def trained_project(trained: Path) -> Path:
    """The trained tiny project, for the tests every template shares (test_examples.py)."""
    return trained


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging every request to the test output."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def weights_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ResNet-18 weights file named as torchvision names its files (name-<sha256 prefix>.pth),
    served from 127.0.0.1; yields its URL. Random weights: what matters is fetch and check."""
    import torch
    from torchvision.models import resnet18

    folder = tmp_path_factory.mktemp("weights")
    saved = folder / "resnet18.pth"
    torch.save(resnet18(weights=None).state_dict(), saved)
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    name = f"resnet18-{digest[:8]}.pth"
    saved.rename(folder / name)
    (folder / "resnet18-00000000.pth").write_bytes((folder / name).read_bytes())  # a wrong hash
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{name}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def torch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache for downloaded weights (torch.hub keeps them under $TORCH_HOME)."""
    home = tmp_path / "torch-home"
    monkeypatch.setenv("TORCH_HOME", str(home))
    return home
