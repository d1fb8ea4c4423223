"""The learner's own words: the problem `mlport new` asks, the sections `mlport check` requires."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlport.api import create_project
from mlport.audit.checks import check_learner_words
from mlport.audit.facts import Project
from mlport.audit.learner import LEARNER_SECTIONS, missing_words, pitch
from mlport.registry import available_templates, get_template

PROBLEM = "Warn clinic staff which biopsies need a second look, before the patient goes home"
WRITTEN = {
    "Problem": "Pathologists in a small clinic read dozens of biopsies a day; a second opinion "
    "on the doubtful ones, ranked by the model, saves the patient a second visit.",
    "What I did and why": "I kept the logistic regression because its coefficients can be "
    "explained to the clinic, and chose recall as the metric: a missed malignancy costs most.",
    "What I would try next": "Calibrate the probabilities with isotonic regression and check "
    "them on data from another hospital, since one source of slides flatters the score.",
}


def fill(readme: str) -> str:
    """The README with each seeded question replaced by the learner's answer."""
    for title, answer in WRITTEN.items():
        readme = re.sub(
            rf"(## {re.escape(title)}\n\n)_[^\n]*\?_\n",
            lambda m, a=answer: m.group(1) + a + "\n",
            readme,
        )
    return readme


def descriptions() -> list[str]:
    return [template.context["description"] for template in available_templates()]


@pytest.mark.parametrize("template", [t.name for t in available_templates()])
def test_a_fresh_project_opens_with_the_learner_sections_seeded_with_questions(
    tmp_path: Path, template: str
) -> None:
    project = create_project(template, tmp_path, git=False)
    readme = (project / "README.md").read_text()
    positions = [readme.index(f"\n## {title}\n\n_") for title in LEARNER_SECTIONS]
    assert positions == sorted(positions) and positions[-1] < readme.index("<!-- results:start")
    # Without an answer the pitch is the template's description: the check says so.
    assert pitch(readme) == get_template(template).context["description"]
    assert missing_words(readme, descriptions()) == [
        "the pitch under the title still describes the template",
        "'Problem' still holds its question",
        "'What I did and why' still holds its question",
        "'What I would try next' still holds its question",
    ]


def test_the_problem_becomes_the_pitch_and_written_sections_pass(tmp_path: Path) -> None:
    project = create_project(
        "tabular-classifier", tmp_path, git=False, context={"problem": PROBLEM}
    )
    readme = project / "README.md"
    text = readme.read_text()
    assert f"\n\n{PROBLEM}\n\n## Problem\n" in text
    row = check_learner_words(Project(project), False)
    assert row.status == "fail" and "pitch" not in row.found
    assert "'Problem' still holds its question" in row.found and "--draft" in row.fix
    readme.write_text(fill(text))
    row = check_learner_words(Project(project), False)
    assert (row.status, row.found) == ("pass", "pitch and sections written by the author")


def test_a_section_too_short_or_removed_fails(tmp_path: Path) -> None:
    project = create_project("rl-agent", tmp_path, git=False, context={"problem": PROBLEM})
    readme = fill((project / "README.md").read_text())
    short = readme.replace(WRITTEN["What I did and why"], "Tuned it.")
    assert missing_words(short, descriptions()) == [
        "'What I did and why' has 2 words (write at least 15)"
    ]
    removed = readme.replace("## What I would try next\n", "## Later\n")
    assert missing_words(removed, descriptions()) == ["no '## What I would try next' section"]


def test_the_problem_is_data_never_markup_or_template_code(tmp_path: Path) -> None:
    problem = 'Spot {{ 7*7 }} early <!-- results:end --> """ <b>x</b> & C:\\Users for clinics'
    project = create_project("nlp-sentiment", tmp_path, git=False, context={"problem": problem})
    readme = (project / "README.md").read_text()
    assert readme.count("<!-- results:end -->") == 1 and "<b>" not in readme
    assert "Spot {{ 7*7 }} early &lt;!-- results:end --&gt;" in readme
    assert pitch(readme) == problem  # what GitHub shows is what was typed
    hook = (project / ".mlport.json").read_text()
    assert "49" not in readme.split("## Problem")[0] and "7*7" in hook


def test_a_project_mlport_did_not_make_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Notes\n\nSomething.\n")
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    assert check_learner_words(Project(tmp_path), False).status == "skip"
