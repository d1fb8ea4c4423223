{# generated from templates/_downloads/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/downloads.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Checksummed downloads through pooch: fetched once into a cache, verified before any use."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from .errors import DataError


def fetch(url: str, known_hash: str, cache: str | Path, *, timeout: float, hint: str) -> Path:
    """The file at `url`, kept in `cache` under its own name once its checksum matches.

    `known_hash` is `md5:<hex>` or `sha256:<hex>`. pooch downloads to a temporary file, checks it
    and only then moves it into the cache; a cached file with the right checksum is used as it is.
    Failures become one DataError line ending with `hint` (what the learner can change).
    """
    import pooch
    import requests

    name = Path(urllib.parse.urlparse(url).path).name or "download"
    try:
        path = pooch.retrieve(
            url,
            known_hash=known_hash,
            fname=name,
            path=cache,
            downloader=pooch.HTTPDownloader(progressbar=False, timeout=timeout),
        )
    except requests.RequestException as error:
        response = getattr(error, "response", None)
        if response is not None:  # the server answered, but not with the file
            reason = f"HTTP {response.status_code} {response.reason}"
        else:
            reason = type(error).__name__
        raise DataError(f"could not download {url} ({reason}). {hint}") from error
    except ValueError as error:  # pooch's checksum check; it has deleted the download
        found = re.search(r"but got (\w+)", str(error))
        algorithm = known_hash.partition(":")[0]
        raise DataError(
            f"{name} from {url} has checksum {algorithm}:{found.group(1) if found else '?'}, "
            f"expected {known_hash}: the download is corrupt or not the expected file, so it "
            f"was deleted. {hint}"
        ) from error
    return Path(path)
