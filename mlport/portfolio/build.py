"""`mlport portfolio`: gather the projects' published results into a profile README and a site."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from mlport.audit.checks import Row
from mlport.portfolio.committed import Committed
from mlport.portfolio.headline import plain
from mlport.portfolio.profile import intro_problems, profile_readme
from mlport.portfolio.projects import Entry, read_projects
from mlport.portfolio.site import write_site
from mlport.portfolio.thumbnails import make_thumbnail

PROFILE_DIR, SITE_DIR = "profile", "site"
MANIFEST = "portfolio.json"  # beside the two folders, so no local path is ever pushed


@dataclass
class Built:
    """What `build_portfolio` read and wrote."""

    entries: list[Entry]
    out: Path
    profile: Path | None = None  # the profile README written
    site: Path | None = None  # the site's index page written
    intro: list[str] = field(default_factory=list)  # what the introduction still lacks

    @property
    def flagged(self) -> list[Entry]:
        """The projects listed with what is missing instead of their results."""
        return [entry for entry in self.entries if not entry.ready]


def rows(built: Built) -> list[Row]:
    """One row per project (shown, or what keeps it from being shown), then the introduction."""
    found = []
    for entry in built.entries:
        if entry.ready and entry.headline:
            found.append(Row(entry.name, "pass", plain(entry.headline)))
        else:
            found.append(Row(entry.name, "fail", "not shown: " + "; ".join(entry.problems)))
    if built.profile is not None:
        if built.intro:
            found.append(Row("introduction", "warn", "; ".join(built.intro)))
        else:
            found.append(Row("introduction", "pass", "written in your own words"))
    return found


def _profile(entries: list[Entry], folder: Path) -> tuple[Path, list[Path], list[str]]:
    """Write the profile README and its thumbnails; the README, the files and intro problems."""
    folder.mkdir(parents=True, exist_ok=True)
    written, thumbnails = [], {}
    for entry in entries:
        if not (entry.ready and entry.figure):
            continue
        data = Committed(entry.path).read(entry.figure.path)
        target = folder / "thumbnails" / f"{entry.slug}.png"
        if data is not None and make_thumbnail(data, target):
            thumbnails[entry.slug] = f"thumbnails/{entry.slug}.png"
            written.append(target)
    readme = folder / "README.md"
    existing = readme.read_text(encoding="utf-8") if readme.is_file() else None
    text = profile_readme(entries, thumbnails, existing)
    readme.write_text(text, encoding="utf-8")
    return readme, [readme, *written], intro_problems(text)


def read_manifest(out: Path) -> dict:
    """The record of the last build in `out` (empty when there is none or it is unreadable)."""
    try:
        found = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remove_left_over(folder: Path, before: list[str], now: list[Path]) -> None:
    """Delete the files an earlier build wrote into `folder` that this one did not write again."""
    kept = {path.relative_to(folder).as_posix() for path in now}
    for name in before:
        path = (folder / name).resolve()
        if name not in kept and path.is_relative_to(folder.resolve()) and path.is_file():
            path.unlink()


def build_portfolio(
    paths: list[Path],
    out: Path = Path("portfolio"),
    *,
    profile_readme: bool = False,
    site: bool = False,
) -> Built:
    """Read each project's last commit; write `out/profile/README.md` and/or the site `out/site/`.

    `paths` are project folders or folders of projects. Without either output, only reads.
    """
    entries = read_projects(paths)
    built = Built(entries, out)
    if not (profile_readme or site):
        return built
    out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out).get("written") or {}
    written: dict[str, list[str]] = {
        kind: list(previous.get(kind) or []) for kind in (PROFILE_DIR, SITE_DIR)
    }
    if profile_readme:
        folder = out / PROFILE_DIR
        built.profile, files, built.intro = _profile(entries, folder)
        _remove_left_over(folder, written[PROFILE_DIR], files)
        written[PROFILE_DIR] = [path.relative_to(folder).as_posix() for path in files]
    if site:
        folder = out / SITE_DIR
        files = write_site(entries, folder)
        _remove_left_over(folder, written[SITE_DIR], files)
        written[SITE_DIR] = [path.relative_to(folder).as_posix() for path in files]
        built.site = folder / "index.html"
    manifest = {
        "projects": [
            {
                "path": str(entry.path),
                "name": entry.name,
                "commit": entry.commit,
                "problems": entry.problems,
            }
            for entry in entries
        ],
        "written": written,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return built
