"""What only the learner can write: the pitch and the README sections the pipeline never touches."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# The sections a project made by mlport opens with, each seeded with one question.
LEARNER_SECTIONS = ("Problem", "What I did and why", "What I would try next")
MIN_WORDS = 15
# A seed is one italic question on its own line: `_Who needs this prediction...?_`.
SEED = re.compile(r"^_[^_\n].*\?_\s*$", re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
HEADING = re.compile(r"^#{1,6} ", re.M)
WORD = re.compile(r"[^\W_][\w'’-]*")


def section_body(readme: str, title: str) -> str | None:
    """The text under `## title` up to the next heading or marker; None when there is none."""
    found = re.search(rf"^## {re.escape(title)}[ \t]*$", readme, re.M)
    if found is None:
        return None
    rest = readme[found.end() :]
    stop = min(
        (match.start() for match in (HEADING.search(rest), re.search(r"<!--", rest)) if match),
        default=len(rest),
    )
    return rest[:stop]


def pitch(readme: str) -> str:
    """The paragraph under the title: the first text that is neither a heading nor a badge."""
    for block in re.split(r"\n\s*\n", COMMENT.sub("", readme)):
        text = " ".join(block.split())
        if not text or text.startswith("#") or text.startswith("[!["):
            continue
        return html.unescape(text)
    return ""


def missing_words(readme: str, template_descriptions: Iterable[str]) -> list[str]:
    """What the learner still has to write, one short phrase each; empty when nothing is missing."""
    missing = []
    shown = pitch(readme)
    if not shown or any(shown == " ".join(text.split()) for text in template_descriptions):
        missing.append("the pitch under the title still describes the template")
    for title in LEARNER_SECTIONS:
        body = section_body(readme, title)
        if body is None:
            missing.append(f"no '## {title}' section")
            continue
        words = len(WORD.findall(SEED.sub("", COMMENT.sub("", body))))
        if SEED.search(body):
            missing.append(f"'{title}' still holds its question")
        elif words < MIN_WORDS:
            missing.append(f"'{title}' has {words} words (write at least {MIN_WORDS})")
    return missing
