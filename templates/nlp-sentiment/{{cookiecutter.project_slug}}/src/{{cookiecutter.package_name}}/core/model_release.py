{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/model_release.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""`make download-model`: fetch the published model instead of training it.

`mlport publish` attaches the files of models/ to a GitHub release and commits
model-release.json, which lists each file's path, URL and sha256. pooch downloads each file to a
temporary name beside its place, checks it, and only then moves it there: a file that does not
match is deleted, never kept.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import DataError
from .stage import run_stage

MANIFEST = Path("model-release.json")
MODELS_DIR = "models"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class ReleasedFile:
    """One file of the published model: where it goes, where it comes from, its checksum."""

    path: Path
    url: str
    sha256: str


def _released_file(entry: object, source: Path) -> ReleasedFile:
    """One entry of the manifest, checked: a path inside models/, an http(s) URL, a sha256."""
    if not isinstance(entry, dict) or not {"path", "url", "sha256"} <= entry.keys():
        raise DataError(f"{source}: each file needs path, url and sha256, got {entry!r}")
    path, url, sha256 = (str(entry[key]) for key in ("path", "url", "sha256"))
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] != MODELS_DIR or any(p in ("..", ".", "") for p in parts):
        raise DataError(f"{source}: {path!r} is not a file inside {MODELS_DIR}/")
    if urllib.parse.urlparse(url).scheme not in ("https", "http"):
        raise DataError(f"{source}: {path} has no http(s) URL")
    if not SHA256.match(sha256):
        raise DataError(f"{source}: {path} has no sha256 checksum (64 hex digits)")
    return ReleasedFile(Path(*parts), url, sha256)


def read_manifest(path: Path = MANIFEST) -> list[ReleasedFile]:
    """The files model-release.json lists; DataError saying what to do when it is unusable."""
    if not path.is_file():
        raise DataError(
            f"{path} not found: the model has not been published (`mlport publish` writes it); "
            "train it instead with `dvc repro`"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{path} is not valid JSON: {error}") from error
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list) or not files:
        raise DataError(f"{path} lists no files")
    return [_released_file(entry, path) for entry in files]


def _fetch(released: ReleasedFile, root: Path, timeout: float) -> Path:
    """The file in its place once its sha256 matches; DataError on a failed or bad download."""
    import pooch
    import requests

    target = root / released.path
    try:
        fetched = pooch.retrieve(
            released.url,
            known_hash=f"sha256:{released.sha256}",
            fname=target.name,
            path=target.parent,
            downloader=pooch.HTTPDownloader(progressbar=False, timeout=timeout),
        )
    except requests.RequestException as error:
        response = getattr(error, "response", None)
        reason = (
            f"HTTP {response.status_code} {response.reason}"
            if response is not None
            else type(error).__name__
        )
        raise DataError(
            f"could not download {released.path} from {released.url} ({reason})"
        ) from error
    except ValueError as error:  # pooch's checksum check; it has deleted the download
        raise DataError(
            f"{released.path} from {released.url} does not match its sha256 in {MANIFEST}: "
            "the download is corrupt or not the published file, so it was deleted"
        ) from error
    return Path(fetched)


def download_model(
    manifest: Path = MANIFEST, *, root: Path = Path("."), timeout: float = TIMEOUT_SECONDS
) -> list[Path]:
    """Fetch every file the manifest lists into models/; files already there and matching stay."""
    import pooch

    pooch.get_logger().setLevel("WARNING")  # one line per file, printed below
    fetched = []
    for released in read_manifest(root / manifest):
        fetched.append(_fetch(released, root, timeout))
        print(f"{released.path}: sha256 {released.sha256[:12]}... checked")
    return fetched


if __name__ == "__main__":
    run_stage(download_model)
