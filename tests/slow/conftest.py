"""Trained projects shared by the slow tests: each template's pipeline runs once per session.

A test that changes a shared project (params, files, git) works on a copy of it, so every other
test sees the project exactly as `dvc repro` left it.

Under pytest-xdist (`-n auto --dist loadgroup`) the tests sharing a trained project run on the same
worker, and everything else spreads over the workers. A test that needs projects from several
groups (the portfolio of three) would train them again on its own worker: instead each project is
built once per run in a folder every worker sees, the first worker to need it building it while
the others wait.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

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


Built = TypeVar("Built")


def once_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Built]
) -> Built:
    """What `build` makes in a fresh folder, made once for the whole run, across xdist workers."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent / "built-once"  # this run's, shared by workers
    root.mkdir(exist_ok=True)
    made = root / f"{name}.pickle"
    with FileLock(root / f"{name}.lock"):
        if made.is_file():
            return pickle.loads(made.read_bytes())
        built = build(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root)))
        made.write_bytes(pickle.dumps(built))
        return built


@pytest.fixture(scope="session")
def tabular_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """tabular-classifier on its default data, after one `dvc repro`."""
    return once_per_run(
        tmp_path_factory, "tabular", partial(generate_and_repro, "tabular-classifier")
    )


@pytest.fixture(scope="session")
def regressor_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """tabular-regressor on its default data, after one `dvc repro`."""
    return once_per_run(
        tmp_path_factory, "regressor", partial(generate_and_repro, "tabular-regressor")
    )


@pytest.fixture(scope="session")
def clustering_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """clustering on its default data (the wine table), after one `dvc repro`."""
    return once_per_run(tmp_path_factory, "clustering", partial(generate_and_repro, "clustering"))


@pytest.fixture(scope="session")
def image_trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """image-cnn on its default data, after one `dvc repro`."""
    return once_per_run(tmp_path_factory, "image-cnn", partial(generate_and_repro, "image-cnn"))


def _nlp_on_a_local_archive(root: Path) -> Project:
    archive = root / "aclImdb_v1.tar.gz"
    md5 = imdb_archive(archive, n=150)
    project = generate("nlp-sentiment", root)
    project.set_params(data={"imdb": {"url": archive.as_uri(), "md5": md5}})
    project.dvc("repro")
    return project


@pytest.fixture(scope="session")
def nlp_trained(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """nlp-sentiment reading a local IMDB-layout archive (no download), after one `dvc repro`."""
    return once_per_run(tmp_path_factory, "nlp", _nlp_on_a_local_archive)


def _rl_timed(root: Path) -> tuple[Project, float]:
    project = generate("rl-agent", root)
    started = time.perf_counter()
    project.dvc("repro")
    return project, time.perf_counter() - started


@pytest.fixture(scope="session")
def rl_trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, float]:
    """rl-agent on its default environment after one timed `dvc repro`."""
    return once_per_run(tmp_path_factory, "rl-default", _rl_timed)
