"""A static site for GitHub Pages: an index of the projects and one page per project.

Plain HTML and one stylesheet: no script, no font or image from elsewhere, readable on a phone.
Every file comes from the projects' last commits; the pages escape all of their text.
"""

from __future__ import annotations

import html
from collections import Counter
from importlib.resources import files
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from mlport.identity import placeholders
from mlport.portfolio.committed import Committed
from mlport.portfolio.headline import segments
from mlport.portfolio.projects import Entry
from mlport.portfolio.render import Picture, readme_html
from mlport.portfolio.thumbnails import image_size, make_thumbnail

STYLESHEET = "style.css"
# Formats a browser shows in <img> without running anything (SVG can carry script).
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def title(entries: list[Entry]) -> str:
    """The site's title: the projects' author (a real name, not the placeholder) if one is known."""
    placeholder = placeholders().get("author_name")
    names = Counter(e.author for e in entries if e.author and e.author != placeholder)
    if not names:
        return "Machine-learning projects"
    return f"{names.most_common(1)[0][0]}: machine-learning projects"


def page(heading: str, body: str, *, depth: int, description: str = "") -> str:
    """A whole HTML document; `depth` is how many folders below the site's root it lives."""
    up = "../" * depth
    meta = f'<meta name="description" content="{_e(description)}">\n' if description else ""
    back = (
        "" if depth == 0 else f'<header><p><a href="{up}index.html">All projects</a></p></header>\n'
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(heading)}</title>\n{meta}"
        f'<link rel="stylesheet" href="{up}{STYLESHEET}">\n</head>\n<body>\n{back}'
        f"<main>\n{body}\n</main>\n"
        "<footer><p>Built with mlport from each project's last pushed commit.</p></footer>\n"
        "</body>\n</html>\n"
    )


def headline_html(entry: Entry) -> str:
    """The headline line as a paragraph, the number and metric in bold."""
    assert entry.headline is not None
    parts = (
        f"<strong>{_e(text)}</strong>" if strong else _e(text)
        for text, strong in segments(entry.headline)
    )
    return f'<p class="headline">{" ".join(parts)}</p>'


def facts_html(entry: Entry) -> str:
    """Domain, stack and a link to the code, as a description list."""
    rows = [("Domain", _e(entry.template or "–")), ("Stack", _e(", ".join(entry.stack) or "–"))]
    if entry.repository:
        shown = urlsplit(entry.repository).path.strip("/")
        rows.append(("Code", f'<a href="{_e(entry.repository)}">github.com/{_e(shown)}</a>'))
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="facts">{items}</dl>'


def card_html(entry: Entry, thumbnail: Picture | None) -> str:
    """One project on the index: name, problem, headline, figure, facts (or what is missing)."""
    anchor = f"p-{entry.slug}"
    name = _e(entry.name)
    parts = []
    if entry.ready:
        parts.append(f'<h2 id="{anchor}"><a href="{entry.slug}/index.html">{name}</a></h2>')
    else:
        parts.append(f'<h2 id="{anchor}">{name}</h2>')
    if entry.description:
        parts.append(f'<p class="problem">{_e(entry.description)}</p>')
    if entry.ready:
        parts.append(headline_html(entry))
        if thumbnail and entry.figure:
            parts.append(
                f'<img class="thumb" src="{_e(thumbnail.src)}" alt="{_e(entry.figure.caption)}" '
                f'width="{max(1, thumbnail.width // 2)}" height="{max(1, thumbnail.height // 2)}">'
            )
    else:
        problems = "; ".join(entry.problems)
        parts.append(f'<p class="missing"><strong>Not shown yet:</strong> {_e(problems)}</p>')
    parts.append(facts_html(entry))
    body = "\n".join(parts)
    return f'<li><article class="project" aria-labelledby="{anchor}">\n{body}\n</article></li>'


def index_html(entries: list[Entry], thumbnails: dict[str, Picture]) -> str:
    """The site's front page: every project, shown or with what keeps it off the page."""
    heading = title(entries)
    ready = sum(entry.ready for entry in entries)
    lede = (
        f"{ready} project{'s' if ready != 1 else ''}, each trained, evaluated and documented by "
        "its own pipeline. Every number is read from the project's last pushed commit."
    )
    cards = "\n".join(card_html(entry, thumbnails.get(entry.slug)) for entry in entries)
    body = (
        f'<h1>{_e(heading)}</h1>\n<p class="lede">{_e(lede)}</p>\n'
        f'<ul class="projects">\n{cards}\n</ul>'
    )
    return page(heading, body, depth=0, description=lede)


class _Figures:
    """Copies the images a README shows from the project's last commit into its page's folder."""

    def __init__(self, head: Committed, folder: Path) -> None:
        self.head, self.folder = head, folder
        self.written: list[Path] = []

    def __call__(self, path: str) -> Picture | None:
        if PurePosixPath(path).suffix.lower() not in IMAGE_SUFFIXES:
            return None
        destination = self.folder / path
        if not self.head.write(path, destination):
            return None
        size = image_size(destination)
        if size is None:
            destination.unlink()
            return None
        self.written.append(destination)
        return Picture(quote(path), *size)


def project_html(entry: Entry, figures: _Figures) -> str:
    """The project's page: its headline and facts, then its README as the last commit holds it."""
    assert entry.headline is not None
    readme = figures.head.text("README.md") or ""

    def link_for(path: str) -> str:
        return (entry.blob_url(path) if path else entry.repository) or entry.repository or "#"

    skip = frozenset({" ".join(entry.description.split())}) if entry.description else frozenset()
    lead = frozenset(text for text, bold in segments(entry.headline) if bold)
    article = readme_html(readme, image_for=figures, link_for=link_for, skip=skip, skip_bold=lead)
    body = "\n".join(
        [
            f"<h1>{_e(entry.name)}</h1>",
            *([f'<p class="problem">{_e(entry.description)}</p>'] if entry.description else []),
            headline_html(entry),
            facts_html(entry),
            f"<article>\n{article}</article>",
        ]
    )
    return page(entry.name, body, depth=1, description=entry.description)


def write_site(entries: list[Entry], out: Path) -> list[Path]:
    """Write the site into `out`; return every file written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write(out / STYLESHEET, files("mlport.portfolio").joinpath(STYLESHEET).read_text("utf-8"))
    write(out / ".nojekyll", "")  # GitHub Pages serves the files as they are
    thumbnails: dict[str, Picture] = {}
    for entry in entries:
        if not entry.ready:
            continue
        head = Committed(entry.path)
        if entry.figure:
            target = out / "thumbnails" / f"{entry.slug}.png"
            data = head.read(entry.figure.path)
            if data is not None and make_thumbnail(data, target):
                size = image_size(target) or (0, 0)
                thumbnails[entry.slug] = Picture(f"thumbnails/{entry.slug}.png", *size)
                written.append(target)
        figures = _Figures(head, out / entry.slug)
        write(out / entry.slug / "index.html", project_html(entry, figures))
        written.extend(figures.written)
    write(out / "index.html", index_html(entries, thumbnails))
    return written
