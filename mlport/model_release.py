"""The trained model as a GitHub release: its files, their checksums, and the manifest a clone
reads (`make download-model`) to fetch and verify them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlport.errors import PublishError

MODELS_DIR = "models"
# Committed at the project's root: models/ itself is git-ignored (DVC keeps it).
MANIFEST = "model-release.json"
# GitHub renames assets with other characters; a manifest must name what the release holds.
ASSET_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NESTED = "--"  # models/seeds/1/agent.zip is the asset seeds--1--agent.zip
TAG_PREFIX = "model-"
GITHUB = "https://github.com"


@dataclass(frozen=True)
class Asset:
    """One file of the trained model: where it lives, its name in the release, its checksum."""

    path: str  # relative to the project root, e.g. models/model.onnx
    name: str
    sha256: str

    @property
    def nested(self) -> bool:
        """Whether the file sits in a subfolder of models/ (uploaded under its flat name)."""
        return NESTED in self.name


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def model_assets(root: Path) -> list[Asset]:
    """Every file the train stage left in models/ (the API reads its model from there).

    Hidden files (DVC's .gitignore) stay out. PublishError names a file whose name a release
    could not carry unchanged.
    """
    folder = root / MODELS_DIR
    if not folder.is_dir():
        return []
    assets = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if not all(ASSET_PART.match(part) and NESTED not in part for part in relative.parts):
            raise PublishError(
                f"{MODELS_DIR}/{relative.as_posix()}: a release asset's name may hold only "
                f"letters, digits, '.', '_' and single '-'; rename it or publish with --no-release"
            )
        name = NESTED.join(relative.parts)
        assets.append(Asset(f"{MODELS_DIR}/{relative.as_posix()}", name, _sha256(path)))
    return assets


def release_tag(assets: list[Asset]) -> str:
    """The tag named by the model's content: the same files give the same tag."""
    listing = "".join(f"{asset.name} {asset.sha256}\n" for asset in assets)
    return TAG_PREFIX + hashlib.sha256(listing.encode()).hexdigest()[:12]


def manifest(full_name: str, tag: str, assets: list[Asset], *, host: str = GITHUB) -> str:
    """The manifest's text: each file's path, release URL and sha256 (`host` serves it)."""
    base = f"{host}/{full_name}/releases/download/{tag}"
    files = [
        {"path": asset.path, "url": f"{base}/{asset.name}", "sha256": asset.sha256}
        for asset in assets
    ]
    document = {
        "release": f"{host}/{full_name}/releases/tag/{tag}",
        "tag": tag,
        "files": files,
    }
    return json.dumps(document, indent=2) + "\n"


def release_command(full_name: str, tag: str, files: list[str], *, exists: bool) -> list[str]:
    """`gh release create` for a new tag, `gh release upload --clobber` for one that exists."""
    if exists:
        return ["gh", "release", "upload", f"--repo={full_name}", "--clobber", "--", tag, *files]
    return [
        "gh",
        "release",
        "create",
        f"--repo={full_name}",
        f"--title=Trained model {tag}",
        "--notes=The trained model's files: `make download-model` fetches and verifies them.",
        "--",
        tag,
        *files,
    ]
