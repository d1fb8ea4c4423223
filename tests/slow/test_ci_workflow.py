"""The generated CI workflow passes in a fresh clone of a project trained on the learner's own data.

The project is switched to its own CSV as its README says (`dvc add`, params.yaml, `dvc repro`),
committed, and cloned: the clone has no data. Its workflow's steps then run here as on a runner
(tests/slow/workflow.py). Without a DVC remote CI can reach, lint, tests and the API tests pass
and the pipeline steps are skipped with the reason in the log; with the data pushed to a DVC
remote served over HTTP, CI pulls it and reproduces the pipeline.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slow import own_data
from tests.slow.harness import Project, generate
from tests.slow.workflow import run_job, step

DATA = "data/raw/passengers.csv"
PIPELINE_STEPS = ("Run the pipeline", "Show the metrics", "Keep the report")


@pytest.fixture(scope="module")
def own_data_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A tabular project trained on a passenger CSV, committed the way a learner publishes it."""
    project = generate("tabular-classifier", tmp_path_factory.mktemp("ci-own-data"))
    own_data.write_passengers(project.path / DATA)
    project.dvc("add", DATA)
    project.set_params(
        data={
            "source": DATA,
            "target": own_data.PASSENGER_TARGET,
            "drop_columns": [own_data.PASSENGER_ID],
        }
    )
    project.dvc("repro")
    project.run("git", "add", "--all")
    project.run("git", "commit", "-q", "-m", "Train on the passenger table")
    return project


def fresh_clone(project: Project, destination: Path) -> Path:
    subprocess.run(
        ["git", "clone", "-q", str(project.path), str(destination)],
        check=True,
        capture_output=True,
    )
    assert not (destination / DATA).exists()
    return destination


def test_without_a_reachable_remote_ci_passes_and_says_why_it_skips_the_pipeline(
    own_data_project: Project, tmp_path: Path
) -> None:
    clone = fresh_clone(own_data_project, tmp_path / "clone")
    runs = run_job(clone, tmp_path)
    ran = [run.name for run in runs if run.ran]
    assert {"Install", "Lint", "Can CI get the pipeline's data?"} <= set(ran)
    tests = next(run for run in runs if run.name.startswith("Test"))
    assert tests.ran and " passed" in tests.output and " failed" not in tests.output
    asked = step(runs, "Can CI get the pipeline's data?")
    assert "CI skips the pipeline (dvc repro)" in asked.output
    assert (
        f"({DATA}) is tracked by DVC ({DATA}.dvc), but .dvc/config names no default remote"
        in asked.output
    )
    assert "::notice title=Pipeline skipped::" in asked.output
    for name in ("Pull the data from the DVC remote", *PIPELINE_STEPS):
        assert not step(runs, name).ran


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1: a DVC remote CI can reach, and its URL."""
    folder = tmp_path / "storage"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_with_the_data_on_a_remote_ci_reaches_it_pulls_it_and_runs_the_pipeline(
    own_data_project: Project, storage: tuple[Path, str], tmp_path: Path
) -> None:
    folder, url = storage
    published = own_data_project.copy_to(tmp_path)
    # The same files DVC pushes to an HTTP server's storage, written through its folder here.
    published.dvc("remote", "add", "--local", "upload", str(folder))
    published.dvc("push", "--remote", "upload", f"{DATA}.dvc")
    published.dvc("remote", "add", "--default", "storage", url)
    published.run("git", "add", ".dvc/config")
    published.run("git", "commit", "-q", "-m", "Data on a DVC remote CI can reach")
    clone = fresh_clone(published, tmp_path / "clone")
    runs = run_job(clone, tmp_path)
    asked = step(runs, "Can CI get the pipeline's data?")
    assert "CI runs the pipeline (dvc repro)" in asked.output
    assert f"({DATA}) is tracked by DVC ({DATA}.dvc): pulled from {url}" in asked.output
    assert step(runs, "Pull the data from the DVC remote").ran
    assert (clone / DATA).is_file()
    assert all(step(runs, name).ran for name in PIPELINE_STEPS[:2])
    assert (clone / "reports" / "metrics.json").is_file()
