{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/markdown.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Values from the data in Markdown: a class label, a column, a folder name or a review shows as
its own text, never as markup (no link, image, raw HTML, or results marker can come from data)."""

from __future__ import annotations

import re

BACKTICKS = re.compile(r"`+")
# The ASCII characters Markdown (or GitHub's flavour, autolinks included) can read as markup; a
# backslash before one shows the character itself. `|` is left to tables (markdown_table).
MARKUP = re.compile(r"[\\`*_{}\[\]()<>#+\-.!~&:]")


def literal(value: object, *, code: bool = True) -> str:
    """`value` as Markdown that shows exactly its text, on one line.

    As inline code by default (for names: labels, columns, folders), fenced with more backticks
    than the value holds in a row; with `code=False`, as plain text with every markup character
    escaped (for prose, such as a review). Line breaks and runs of spaces become one space.
    """
    text = " ".join(str(value).split())
    if not code:
        return MARKUP.sub(lambda match: "\\" + match.group(), text)
    fence = "`" * (max((len(run) for run in BACKTICKS.findall(text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text else text
    return f"{fence}{padded}{fence}"
