"""The files of a trained model as release assets: names, checksums, the tag they give."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mlport.errors import PublishError
from mlport.model_release import manifest, model_assets, release_command, release_tag


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_every_model_file_is_an_asset_nested_ones_under_a_flat_name(tmp_path: Path) -> None:
    write(tmp_path / "models" / "model.onnx", "onnx")
    write(tmp_path / "models" / "tfidf" / "meta.json", "{}")
    write(tmp_path / "models" / ".gitignore", "/model.onnx\n")  # DVC's, not the model's

    assets = model_assets(tmp_path)

    assert [(a.path, a.name, a.nested) for a in assets] == [
        ("models/model.onnx", "model.onnx", False),
        ("models/tfidf/meta.json", "tfidf--meta.json", True),
    ]
    assert assets[0].sha256 == hashlib.sha256(b"onnx").hexdigest()


def test_no_models_folder_gives_no_assets(tmp_path: Path) -> None:
    assert model_assets(tmp_path) == []


def test_a_name_a_release_would_change_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "models" / "my model.onnx", "onnx")
    with pytest.raises(PublishError, match=r"models/my model.onnx: a release asset's name"):
        model_assets(tmp_path)


def test_the_tag_follows_the_content_only(tmp_path: Path) -> None:
    model = write(tmp_path / "models" / "model.onnx", "first")
    first = release_tag(model_assets(tmp_path))
    assert release_tag(model_assets(tmp_path)) == first
    model.write_text("second")
    assert release_tag(model_assets(tmp_path)) != first


def test_the_manifest_names_each_file_s_release_url_and_checksum(tmp_path: Path) -> None:
    write(tmp_path / "models" / "seeds" / "1" / "agent.zip", "zip")
    assets = model_assets(tmp_path)
    document = json.loads(manifest("ada/cart", "model-abc", assets))
    assert document["files"] == [
        {
            "path": "models/seeds/1/agent.zip",
            "url": "https://github.com/ada/cart/releases/download/model-abc/seeds--1--agent.zip",
            "sha256": hashlib.sha256(b"zip").hexdigest(),
        }
    ]


def test_the_tag_and_files_follow_a_double_dash() -> None:
    created = release_command("ada/cart", "model-abc", ["-x.onnx"], exists=False)
    assert created[-3:] == ["--", "model-abc", "-x.onnx"]
    uploaded = release_command("ada/cart", "model-abc", ["-x.onnx"], exists=True)
    assert uploaded == [
        "gh",
        "release",
        "upload",
        "--repo=ada/cart",
        "--clobber",
        "--",
        "model-abc",
        "-x.onnx",
    ]
