{# generated from templates/_shared/templates/ci_data.base.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Can CI get the data the pipeline reads? Says why, and tells the workflow what to run.

CI (.github/workflows/ci.yml) always lints, tests and exercises the API: they need no data. It
runs `dvc repro` only when it can get the data as well: the default data (it ships with a package,
or is downloaded and checked against its checksum), data committed to git, or data tracked by DVC
and pulled from a DVC remote that CI can reach (not a folder on your machine), with credentials
from the repository's secrets. Otherwise the pipeline steps are skipped, and this says why.

    python .github/ci_data.py              # the answer in words (and, in CI, for the next steps)
    python .github/ci_data.py --json       # the same as JSON (`mlport check` reads it)
    python .github/ci_data.py --remote URL # as if URL were the default DVC remote
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
# The package that gives DVC each kind of remote; http(s) comes with DVC itself.
DVC_PLUGINS = {
    "s3": "dvc-s3",
    "gs": "dvc-gs",
    "azure": "dvc-azure",
    "gdrive": "dvc-gdrive",
    "ssh": "dvc-ssh",
    "webdav": "dvc-webdav",
    "webdavs": "dvc-webdav",
    "oss": "dvc-oss",
    "hdfs": "dvc-hdfs",
    "webhdfs": "dvc-webhdfs",
    "http": "",
    "https": "",
}


@dataclass(frozen=True)
class Shipped:
    """Data that comes with an installed package: nothing to fetch."""

    what: str


@dataclass(frozen=True)
class Download:
    """Data the pipeline downloads from `url` and checks against its checksum."""

    what: str
    url: str


@dataclass(frozen=True)
class Local:
    """Data the pipeline reads at `path` in the project: it must be in git or tracked by DVC."""

    what: str
    path: str


Source = Shipped | Download | Local
{% block sources %}{% endblock %}
@dataclass
class Answer:
    """Whether CI runs the pipeline, why, and what it pulls from which DVC remote first."""

    reproduce: bool
    reasons: list[str] = field(default_factory=list)
    pull: list[str] = field(default_factory=list)  # .dvc files
    remote: str = ""  # shown without credentials
    plugin: str = ""  # the package DVC needs for that remote


def public(url: str) -> str:
    """The URL without a user name or password."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def git_files(root: Path, path: str) -> list[str]:
    """Files git tracks at `path` (a file or a folder); data/raw/README.md is no data."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", path], cwd=root, capture_output=True, text=True
    )
    files = listed.stdout.split("\0") if listed.returncode == 0 else []
    return [name for name in files if name and PurePosixPath(name).name != "README.md"]


def dvc_files_covering(root: Path, path: str) -> list[str]:
    """The .dvc files (`dvc add`) whose outputs hold `path` or lie inside it, committed or not."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.dvc"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    names = [name for name in listed.stdout.split("\0") if name.endswith(".dvc")]
    wanted = PurePosixPath(path)
    covering = []
    for name in names:
        document = yaml.safe_load((root / name).read_text(encoding="utf-8")) or {}
        for out in document.get("outs") or []:
            tracked = PurePosixPath(name).parent / str(out.get("path", ""))
            if tracked == wanted or wanted in tracked.parents or tracked in wanted.parents:
                covering.append(name)
                break
    return covering


def default_remote(root: Path) -> tuple[str, str] | None:
    """(name, URL) of the default DVC remote in .dvc/config, the configuration git carries."""
    config = configparser.ConfigParser(interpolation=None, strict=False)
    config.read(root / ".dvc" / "config", encoding="utf-8")
    name = config.get("core", "remote", fallback="").strip()
    if not name:
        return None
    url = config.get(f"'remote \"{name}\"'", "url", fallback="").strip()
    while url.startswith("remote://"):  # a remote defined inside another one
        base, _, rest = url.removeprefix("remote://").partition("/")
        url = config.get(f"'remote \"{base}\"'", "url", fallback="").rstrip("/") + "/" + rest
    return name, url


def is_local(url: str) -> bool:
    """Whether a URL or path names a place on this machine (C:\\ is a drive, not a scheme)."""
    scheme = urlsplit(url).scheme
    return len(scheme) <= 1 or scheme == "file"


def inside(root: Path, path: str) -> bool:
    return (root / path).resolve().is_relative_to(root.resolve())


def answer(root: Path, params: dict, remote_url: str | None = None) -> Answer:
    """Whether CI can get every source of the pipeline's data, and how."""
    result = Answer(reproduce=True)
    missing, tracked = [], []
    for source in pipeline_data(params):
        if isinstance(source, Shipped):
            result.reasons.append(f"{source.what}: ships with the installed packages")
            continue
        if isinstance(source, Download):
            if urlsplit(source.url).scheme in ("http", "https"):
                host = urlsplit(source.url).hostname
                result.reasons.append(f"{source.what}: downloaded from {host} and checked")
                continue
            source = Local(source.what, source.url.removeprefix("file://"))
        where = f"{source.what} ({source.path})"
        if not inside(root, source.path):
            missing.append(f"{where} is outside the project")
        elif git_files(root, source.path):
            result.reasons.append(f"{where}: committed to git")
        elif covering := dvc_files_covering(root, source.path):
            result.pull += [name for name in covering if name not in result.pull]
            tracked.append(f"{where} is tracked by DVC ({', '.join(covering)})")
        else:
            missing.append(f"{where} is neither in git nor tracked by DVC")
    if tracked:
        remote = ("given", remote_url) if remote_url else default_remote(root)
        if remote is None or not remote[1]:
            missing += [f"{line}, but .dvc/config names no default remote" for line in tracked]
        elif is_local(remote[1]):
            missing += [
                f"{line}, but its remote {public(remote[1])} is a folder CI cannot reach"
                for line in tracked
            ]
        elif urlsplit(remote[1]).scheme not in DVC_PLUGINS:
            missing.append(f"the DVC remote {public(remote[1])} is of a kind this cannot pull")
        else:
            result.remote = public(remote[1])
            result.plugin = DVC_PLUGINS[urlsplit(remote[1]).scheme]
            result.reasons += [f"{line}: pulled from {result.remote}" for line in tracked]
    if missing:
        return Answer(reproduce=False, reasons=missing)
    return result


def tell_the_workflow(result: Answer) -> None:
    """Step outputs for ci.yml, and a notice on the run's page when the pipeline is skipped."""
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as handle:
            handle.write(f"reproduce={str(result.reproduce).lower()}\n")
            handle.write(f"pull={' '.join(result.pull)}\n")
            handle.write(f"dvc_plugin={result.plugin}\n")
    if os.environ.get("GITHUB_ACTIONS") and not result.reproduce:
        print(f"::notice title=Pipeline skipped::{'; '.join(result.reasons)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--remote", help="judge as if this were the default DVC remote")
    args = parser.parse_args()
    try:
        params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
        result = answer(ROOT, params, args.remote)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        print(f"error: cannot tell where the data comes from: {error!r}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(asdict(result)))
        return 0
    tell_the_workflow(result)
    if result.reproduce:
        print("CI runs the pipeline (dvc repro) on this data:")
    else:
        print("CI skips the pipeline (dvc repro): it cannot get the data.")
    for reason in result.reasons:
        print(f"  - {reason}")
    if not result.reproduce:
        print(
            "To run it in CI: `dvc add` the data, `dvc remote add -d storage s3://BUCKET/PATH` "
            "(or gs://, azure://, gdrive://, https://), `dvc push`, commit .dvc/config and set "
            "the secrets docs/pipeline.md names (section 'Variants and CI')."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
