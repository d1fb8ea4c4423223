"""Project text is data: escaped for Markdown or for an HTML attribute, never read as markup."""

from __future__ import annotations

import html
import re

# Characters that Markdown (or the HTML GitHub allows in it) would read as markup.
MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")


def one_line(text: str) -> str:
    """`text` with every run of white space (new lines too) made one space."""
    return " ".join(text.split())


def markdown_text(text: str) -> str:
    """`text` on one line, every markup character escaped: it renders as exactly these words."""
    return MARKUP.sub(r"\\\1", one_line(text))


def attribute(text: str) -> str:
    """A value for a quoted HTML attribute, also safe inside a Markdown table cell."""
    return html.escape(one_line(text), quote=True).replace("|", "&#124;")
