"""The README of a GitHub profile repository: the learner's introduction, one row per project."""

from __future__ import annotations

import re

from mlport.portfolio.escape import attribute, markdown_text
from mlport.portfolio.headline import segments
from mlport.portfolio.projects import Entry

INTRO_START, INTRO_END = "<!-- portfolio:intro:start -->", "<!-- portfolio:intro:end -->"
PROJECTS_START, PROJECTS_END = (
    "<!-- portfolio:projects:start -->",
    "<!-- portfolio:projects:end -->",
)
INTRO = re.compile(re.escape(INTRO_START) + r"(.*?)" + re.escape(INTRO_END), re.S)
PROJECTS = re.compile(re.escape(PROJECTS_START) + r".*?" + re.escape(PROJECTS_END), re.S)
THUMBNAIL_WIDTH = 160  # CSS px; the file is twice as wide
# The questions the introduction starts from; publishing is refused while any is still there.
SEED_QUESTIONS = (
    "Who are you, in one line?",
    "Which project should a visitor open first, and why?",
    "What did you learn that the numbers below do not show?",
    "What are you looking for, and how can people reach you?",
)
SEED = (
    "_Answer these questions in two or three sentences of your own, then delete them: "
    "`mlport publish --portfolio` refuses to publish while they are here._\n\n"
    + "\n".join(f"- **{question}**" for question in SEED_QUESTIONS)
)


def _result(entry: Entry) -> str:
    if not entry.ready:
        return "_not shown:_ " + markdown_text("; ".join(entry.problems))
    assert entry.headline is not None
    return " ".join(
        f"**{markdown_text(text)}**" if strong else markdown_text(text)
        for text, strong in segments(entry.headline)
    )


def project_row(entry: Entry, thumbnail: str | None) -> str:
    """One table row: name and link, problem, headline result, domain, stack, thumbnail."""
    name = markdown_text(entry.name)
    project = f"[{name}]({entry.repository})" if entry.repository else name
    figure = ""
    if thumbnail and entry.figure:
        figure = (
            f'<img src="{attribute(thumbnail)}" alt="{attribute(entry.figure.caption)}" '
            f'width="{THUMBNAIL_WIDTH}">'
        )
    cells = [
        project,
        markdown_text(entry.description),
        _result(entry),
        markdown_text(entry.template or "–"),
        markdown_text(", ".join(entry.stack) or "–"),
        figure,
    ]
    return "| " + " | ".join(cells) + " |"


def projects_block(entries: list[Entry], thumbnails: dict[str, str]) -> str:
    """The generated block: the table, and where its numbers come from."""
    rows = [project_row(entry, thumbnails.get(entry.slug)) for entry in entries]
    table = "\n".join(
        [
            "| project | problem | result | domain | stack | figure |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    note = (
        "<sub>Each result is read from the project's last pushed commit "
        "(`reports/evaluation.json`), with its 95% interval or spread and its baselines, by "
        "`mlport portfolio`.</sub>"
    )
    return f"{PROJECTS_START}\n{table}\n\n{note}\n{PROJECTS_END}"


def profile_readme(entries: list[Entry], thumbnails: dict[str, str], existing: str | None) -> str:
    """The profile README: the existing one with its projects block replaced, else a new one.

    Everything outside the projects block is the learner's and is kept as it is.
    """
    block = projects_block(entries, thumbnails)
    if existing is None:
        return f"{INTRO_START}\n{SEED}\n{INTRO_END}\n\n## Machine-learning projects\n\n{block}\n"
    if PROJECTS.search(existing):
        return PROJECTS.sub(lambda _: block, existing, count=1)
    return f"{existing.rstrip()}\n\n## Machine-learning projects\n\n{block}\n"


def intro_problems(readme: str) -> list[str]:
    """What is wrong with the introduction: seed questions left, or nothing written."""
    left = [question for question in SEED_QUESTIONS if question in readme]
    if left:
        return [
            f"the introduction still holds {len(left)} seed question"
            f"{'s' if len(left) > 1 else ''} ({left[0]!r}...): answer them in your own words "
            "in README.md and delete them"
        ]
    found = INTRO.search(readme)
    if found and not found.group(1).strip():
        return ["the introduction is empty: write two or three sentences about yourself"]
    outside = PROJECTS.sub("", readme).replace("## Machine-learning projects", "")
    if not found and not outside.strip():
        return ["README.md has no introduction: write two or three sentences about yourself"]
    return []
