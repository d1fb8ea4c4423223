"""A project's README as safe HTML: Markdown rendered with raw HTML off, links and images local.

The project's text is data. markdown-it-py escapes any HTML it holds; the few HTML forms the
report stage itself writes (a comment marker, `<img src alt width>`, `<details><summary>`) are
first turned into their Markdown equivalents, so they render as figures and bold lines, not text.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from mlport.portfolio.escape import markdown_text

COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
SUMMARY = re.compile(r"^\s*<details>\s*<summary>(.*?)</summary>\s*$", re.I)
DETAILS_END = re.compile(r"^\s*</details>\s*$", re.I)
IMG = re.compile(r"^\s*<img\s+([^<>]*?)/?>\s*$", re.I)
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
PLAIN_PATH = re.compile(r"^[^\s()<>]+$")


@dataclass(frozen=True)
class Picture:
    """An image copied next to the page: where the page finds it, and its size in pixels."""

    src: str
    width: int
    height: int


ImageFor = Callable[[str], Picture | None]  # a project path -> the copy, or None when missing
LinkFor = Callable[[str], str]  # a project path ("" for the project) -> where a link goes


def _markdown_image(attributes: str, widths: dict[str, int]) -> str | None:
    values = {key.lower(): html.unescape(value) for key, value in ATTRIBUTE.findall(attributes)}
    src = values.get("src", "")
    if not PLAIN_PATH.match(src):
        return None
    if values.get("width", "").isdigit():
        widths[src] = int(values["width"])
    return f"![{markdown_text(values.get('alt', ''))}]({src})"


def report_html_to_markdown(text: str) -> tuple[str, dict[str, int]]:
    """The report stage's own HTML forms as Markdown, and the width each `<img>` asked for.

    Anything else is left as it is, for the parser to escape.
    """
    lines, fence, widths = [], None, {}
    for line in text.splitlines():
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            lines.append(line)
            continue
        if opened:
            fence = opened.group(1)
            lines.append(line)
            continue
        if COMMENT.match(line) or DETAILS_END.match(line):
            continue
        summary = SUMMARY.match(line)
        image = IMG.match(line)
        if summary:
            lines.append(f"**{summary.group(1).strip()}**")
        elif image and (converted := _markdown_image(image.group(1), widths)):
            lines.append(converted)
        else:
            lines.append(line)
    return "\n".join(lines), widths


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

    def table_open(self, tokens, idx, options, env):
        return '<div class="table">' + self.renderToken(tokens, idx, options, env)

    def table_close(self, tokens, idx, options, env):
        return self.renderToken(tokens, idx, options, env) + "</div>"

    parser.add_render_rule("table_open", table_open)
    parser.add_render_rule("table_close", table_close)
    return parser


def _project_path(target: str) -> str | None:
    """A link or image target inside the project, as a path from its root; None if it is not."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = posixpath.normpath(unquote(parts.path).lstrip("/"))
    return None if path == ".." or path.startswith("../") else path


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _only_remote_images(inline: Token) -> bool:
    """A paragraph of badges: images from elsewhere, perhaps linked, and nothing else."""
    children = inline.children or []
    images = [child for child in children if child.type == "image"]
    others = [
        child
        for child in children
        if child.type not in ("image", "link_open", "link_close", "softbreak")
        and not (child.type == "text" and not child.content.strip())
    ]
    return (
        bool(images)
        and not others
        and all(_project_path(i.attrGet("src") or "") is None for i in images)
    )


def _rewrite_inline(
    inline: Token, image_for: ImageFor, link_for: LinkFor, widths: dict[str, int]
) -> None:
    children = []
    for child in inline.children or []:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            path = _project_path(src)
            picture = image_for(path) if path is not None else None
            if picture is None:  # nothing is loaded from elsewhere: the words stand in
                children.append(_text(child.content))
                continue
            width = min(widths.get(src, picture.width), picture.width)
            child.attrs = {
                "src": picture.src,
                "alt": "",  # markdown-it renders the alt text from the token's children
                "width": str(width),
                "height": str(round(picture.height * width / max(picture.width, 1))),
                "loading": "lazy",
            }
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            parts = urlsplit(href)
            if not (parts.scheme or parts.netloc or href.startswith("#")):
                # Inside the project: its file on GitHub; outside it: the repository.
                path = _project_path(href)
                fragment = f"#{parts.fragment}" if parts.fragment and path else ""
                child.attrSet("href", link_for(path or "") + fragment)
        children.append(child)
    inline.children = children


def _without(tokens: list[Token], start: int, close_type: str) -> list[Token]:
    """`tokens` less the block that opens at `start` (through its matching close)."""
    end = start
    while tokens[end].type != close_type:
        end += 1
    return tokens[:start] + tokens[end + 1 :]


def _leads_with(inline: Token, bold: frozenset[str]) -> bool:
    """Whether the paragraph opens with one of the `bold` phrases in bold."""
    children = [c for c in inline.children or [] if c.type != "text" or c.content.strip()]
    return (
        len(children) > 1
        and children[0].type == "strong_open"
        and " ".join(children[1].content.split()) in bold
    )


def readme_html(
    markdown: str,
    *,
    image_for: ImageFor,
    link_for: LinkFor,
    skip: frozenset[str] = frozenset(),
    skip_bold: frozenset[str] = frozenset(),
) -> str:
    """The README's HTML for a page with its own h1 and headline.

    Left out: the title, badges, paragraphs that are exactly one of `skip` (the description the
    page shows already) and the first that opens with one of `skip_bold` in bold (its headline).
    """
    parser = _parser()
    text, widths = report_html_to_markdown(markdown)
    tokens = parser.parse(text)
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = _without(tokens, 0, "heading_close")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            words = " ".join(inline.content.split())
            headline = _leads_with(inline, skip_bold)
            if _only_remote_images(inline) or words in skip or headline:
                tokens = _without(tokens, index, "paragraph_close")
                skip_bold = frozenset() if headline else skip_bold  # only the first one
                continue
        index += 1
    previous = 1  # the page's own h1
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = max(2, min(int(token.tag[1]), previous + 1))
            token.tag = tokens[index + 2].tag = f"h{level}"
            previous = level
        elif token.type == "inline":
            _rewrite_inline(token, image_for, link_for, widths)
    return parser.renderer.render(tokens, parser.options, {})
