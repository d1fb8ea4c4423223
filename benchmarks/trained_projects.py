"""Trained projects for the API benchmarks: generated and `dvc repro`-ed once, then reused."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, generate, served  # noqa: E402
from tests.slow.test_nlp_sentiment import imdb_archive  # noqa: E402

TEMPLATES = (
    "tabular-classifier",
    "tabular-regressor",
    "nlp-sentiment",
    "rl-agent",
    "image-cnn",
    "clustering",
)


def trained_project(template: str, work: Path) -> Project:
    """The project of `template` under `work`, trained with its defaults (nlp-sentiment on a
    local IMDB-layout archive: no network), reused when an earlier run left a model."""
    folder = work / template
    existing = [path for path in folder.glob("*/dvc.yaml")] if folder.is_dir() else []
    if existing and (existing[0].parent / "dvc.lock").is_file():
        path = existing[0].parent
        return Project(path=path, package=path.name.replace("-", "_"))
    folder.mkdir(parents=True, exist_ok=True)
    project = generate(template, folder)
    if template == "nlp-sentiment":
        archive = folder / "aclImdb_v1.tar.gz"
        md5 = imdb_archive(archive, n=300)
        project.set_params(data={"imdb": {"url": archive.as_uri(), "md5": md5}})
    project.dvc("repro", timeout=3600)
    return project


def served_projects(
    templates: Iterable[str], work: Path | None, prefix: str
) -> Iterator[tuple[str, str]]:
    """Print the machine; then for each template, its trained project served by uvicorn on
    127.0.0.1: yield the template and the base URL while it runs."""
    work = work or Path(tempfile.mkdtemp(prefix=prefix))
    print(f"machine: {describe()}")
    print(f"projects: {work}")
    for template in templates:
        with served(trained_project(template, work)) as url:
            yield template, url
