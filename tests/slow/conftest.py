"""Trained projects shared by the slow tests: each template's pipeline runs once per session.

A test that changes a shared project (params, files, git) works on a copy of it, so every other
test sees the project exactly as `dvc repro` left it.

Under pytest-xdist (`-n auto --dist loadgroup`) the tests sharing a trained project run on the same
worker, so each project is still trained once; everything else spreads over the workers.
"""

from __future__ import annotations

import time

import pytest

from tests.slow.harness import Project, Trained, generate, generate_and_repro
from tests.slow.test_nlp_sentiment import imdb_archive


def _shared_fixture_group(item: pytest.Item) -> str | None:
    """The name of the costliest slow-test fixture an item shares with others, if any.

    A session fixture wins over a module one: a module fixture that builds on a trained project must
    stay with the other users of that project.
    """
    callspec = getattr(item, "callspec", None)
    session = module = None
    for name, definitions in item._fixtureinfo.name2fixturedefs.items():
        definition = definitions[-1]
        if not definition.baseid.startswith("tests/slow"):
            continue
        if definition.scope == "session":
            session = session or name
        elif definition.scope == "module" and module is None:
            param = callspec.params.get(name) if callspec else None
            module = f"{definition.baseid}::{name}" + (f"[{param}]" if param is not None else "")
    return session or module


def sharing(group: str) -> pytest.MarkDecorator:
    """Mark a parameter whose test asks for a shared fixture by name (`request.getfixturevalue`).

    The group is a session fixture's name, or `<module node id>::<name>` for a module fixture.
    """
    return pytest.mark.xdist_group(group)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the users of one shared trained project on one xdist worker."""
    for item in items:
        group = None if item.get_closest_marker("xdist_group") else _shared_fixture_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def tabular_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """tabular-classifier on its default data, after one `dvc repro`."""
    return generate_and_repro("tabular-classifier", tmp_path_factory.mktemp("tabular"))


@pytest.fixture(scope="session")
def regressor_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """tabular-regressor on its default data, after one `dvc repro`."""
    return generate_and_repro("tabular-regressor", tmp_path_factory.mktemp("regressor"))


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
