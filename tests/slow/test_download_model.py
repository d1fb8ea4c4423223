"""A visitor's clone, with no models/ and no training: `make download-model` fetches the release
`mlport publish` would make (served from 127.0.0.1), and the README's curl line gets the answer
the trained project recorded."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mlport.model_release import MANIFEST, manifest, model_assets, release_tag
from tests.slow.harness import Project, Trained, served
from tests.slow.test_publish_flow import http_folder

pytestmark = pytest.mark.slow
FULL_NAME = "ada-l/breast-cancer-classifier"
README_SERVER = "http://127.0.0.1:8000"  # where the README's curl lines send their requests


def release_folder(trained: Path, folder: Path) -> str:
    """Lay out the release's assets as GitHub serves them; return the tag."""
    assets = model_assets(trained)
    tag = release_tag(assets)
    download = folder / FULL_NAME / "releases" / "download" / tag
    download.mkdir(parents=True)
    for asset in assets:
        shutil.copyfile(trained / asset.path, download / asset.name)
    return tag


def clone_of(project: Project, destination: Path) -> Project:
    subprocess.run(["git", "clone", "--quiet", str(project.path), str(destination)], check=True)
    return Project(path=destination, package=project.package)


def test_a_clone_serves_the_readme_example_after_download_model(
    tabular_trained: Trained, tmp_path: Path
) -> None:
    trained = tabular_trained.project
    recorded = json.loads((trained.path / "reports" / "examples.json").read_text())
    releases = tmp_path / "github"
    tag = release_folder(trained.path, releases)
    clone = clone_of(trained, tmp_path / "clone")
    assert not (clone.path / "models").exists()

    with http_folder(releases) as host:
        text = manifest(FULL_NAME, tag, model_assets(trained.path), host=host)
        (clone.path / MANIFEST).write_text(text)
        fetched = clone.run("make", "download-model")

    assert "models/model.onnx: sha256" in fetched.stdout
    for entry in json.loads(text)["files"]:
        assert (clone.path / entry["path"]).read_bytes() == (
            trained.path / entry["path"]
        ).read_bytes()
    with served(clone) as url:
        for example in recorded:
            curl = example["curl"].replace(README_SERVER, url)
            answer = clone.run("bash", "-c", curl)
            assert json.loads(answer.stdout) == example["response"], curl


def test_a_tampered_asset_stops_with_one_error_and_no_file(
    tabular_trained: Trained, tmp_path: Path
) -> None:
    trained = tabular_trained.project
    releases = tmp_path / "github"
    tag = release_folder(trained.path, releases)
    (releases / FULL_NAME / "releases" / "download" / tag / "model.onnx").write_bytes(b"tampered")
    clone = clone_of(trained, tmp_path / "clone")

    with http_folder(releases) as host:
        text = manifest(FULL_NAME, tag, model_assets(trained.path), host=host)
        (clone.path / MANIFEST).write_text(text)
        failed = clone.run("make", "download-model", check=False)

    assert failed.returncode != 0
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, failed.stderr
    assert "models/model.onnx from" in errors[0] and "does not match its sha256" in errors[0]
    assert not (clone.path / "models" / "model.onnx").exists()
    leftovers = [p.name for p in (clone.path / "models").iterdir() if "model.onnx" in p.name]
    assert leftovers == []
