"""The DVC remote `mlport publish --dvc-remote` sets: its URL for everyone, its password local."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlport.errors import PublishError
from mlport.redact import split_credentials

# Remote types whose DVC config takes a user and a password (`dvc remote modify --local`).
WITH_PASSWORD = ("http", "https", "webdav", "webdavs", "ssh", "webhdfs")
# HTTP sends them only when told to use basic authentication.
BASIC_AUTH = ("http", "https")
# Where a user name alone is no secret (ssh://git@host/path keeps it).
PLAIN_USER = ("ssh",)


@dataclass(frozen=True)
class DvcRemote:
    """A DVC remote: the location written to .dvc/config, and the (key, value) settings that
    go to .dvc/config.local only (user, password, auth)."""

    location: str
    local_settings: tuple[tuple[str, str], ...] = ()


def dvc_remote_of(value: str) -> DvcRemote:
    """The DVC remote a `--dvc-remote` value names: a URL (its credentials split off) or a
    folder; PublishError for anything else, before anything changes."""
    if not value.strip() or value.startswith("-") or not value.isprintable():
        raise PublishError(f"--dvc-remote {value!r} is neither a URL nor a folder")
    if "://" not in value:
        return DvcRemote(str(Path(value).expanduser().resolve()))
    bare, user, password = split_credentials(value)
    scheme = value.partition("://")[0].lower()
    if password is None and (user is None or scheme in PLAIN_USER):
        return DvcRemote(value)
    if scheme not in WITH_PASSWORD:
        raise PublishError(
            f"--dvc-remote: DVC keeps no user or password for {scheme}:// remotes; give the URL "
            f"without them and set the remote's own credentials with `dvc remote modify --local`"
        )
    settings = [("auth", "basic")] if scheme in BASIC_AUTH else []
    settings += [("user", user or ""), ("password", password or "")]
    return DvcRemote(bare, tuple(settings))
