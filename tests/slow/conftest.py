"""Trained projects shared by the slow tests: each template's pipeline runs once per session.

A test that changes a shared project (params, files, git) works on a copy of it, so every other
test sees the project exactly as `dvc repro` left it.
"""

from __future__ import annotations

import time

import pytest

from tests.slow.harness import Project, Trained, generate, generate_and_repro
from tests.slow.test_nlp_sentiment import imdb_archive


@pytest.fixture(scope="session")
def tabular_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """tabular-classifier on its default data, after one `dvc repro`."""
    return generate_and_repro("tabular-classifier", tmp_path_factory.mktemp("tabular"))


@pytest.fixture(scope="session")
def clustering_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """clustering on its default data (the wine table), after one `dvc repro`."""
    return generate_and_repro("clustering", tmp_path_factory.mktemp("clustering"))


@pytest.fixture(scope="session")
def image_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """image-cnn on its default data, after one `dvc repro`."""
    return generate_and_repro("image-cnn", tmp_path_factory.mktemp("image-cnn"))


@pytest.fixture(scope="session")
def nlp_trained(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """nlp-sentiment reading a local IMDB-layout archive (no download), after one `dvc repro`."""
    root = tmp_path_factory.mktemp("nlp")
    archive = root / "aclImdb_v1.tar.gz"
    md5 = imdb_archive(archive, n=150)
    project = generate("nlp-sentiment", root)
    project.set_params(data={"imdb": {"url": archive.as_uri(), "md5": md5}})
    project.dvc("repro")
    return project


@pytest.fixture(scope="session")
def rl_trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, float]:
    """rl-agent on its default environment after one timed `dvc repro`."""
    project = generate("rl-agent", tmp_path_factory.mktemp("rl-default"))
    started = time.perf_counter()
    project.dvc("repro")
    return project, time.perf_counter() - started
