"""`mlport portfolio` on small projects in real git repositories: rows, staleness, escaping."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from PIL import Image, ImageStat
from typer.testing import CliRunner

from mlport.cli import app
from mlport.errors import PortfolioError
from mlport.portfolio import build_portfolio
from mlport.portfolio.profile import SEED_QUESTIONS, intro_problems
from mlport.portfolio.projects import read_project
from tests.portfolio_projects import (
    FIGURE,
    FIGURE_COLOUR,
    FIGURE_SIZE,
    commit_and_push,
    git,
    make_project,
    write_results,
)

runner = CliRunner()
ROW = re.compile(r"^\| .* \|$", re.M)


@pytest.fixture
def projects(tmp_path: Path, git_user: None) -> Path:
    """A folder of two published projects."""
    folder = tmp_path / "projects"
    make_project(folder, "iris-notes", value=0.9123456)
    make_project(
        folder,
        "digit-cnn",
        name="Digit CNN",
        description="Which digit is it?",
        value=0.987654,
        template="image-cnn",
    )
    return folder


def rows_of(readme: str) -> dict[str, str]:
    """Table rows of the profile README by project name."""
    found = {}
    for row in ROW.findall(readme):
        match = re.match(r"^\| \[?([^\]|]+)", row)
        if match and match.group(1).strip() not in ("project", "---"):
            found[match.group(1).strip()] = row
    return found


class Tags(HTMLParser):
    """Every start tag of a document, with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def github_html(markdown: str) -> str:
    """Markdown as GitHub renders a README: CommonMark, tables, raw HTML allowed."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_one_row_per_project_with_link_problem_headline_domain_stack_and_thumbnail(
    projects: Path, tmp_path: Path
) -> None:
    built = build_portfolio([projects], tmp_path / "out", profile_readme=True)

    readme = (tmp_path / "out" / "profile" / "README.md").read_text()
    assert built.profile == tmp_path / "out" / "profile" / "README.md"
    rows = rows_of(readme)
    assert set(rows) == {"Iris Notes", "Digit CNN"}
    assert rows["Iris Notes"] == (
        "| [Iris Notes](https://github.com/ada-l/iris-notes) "
        "| Which iris is it? A small study. "
        "| **0.912 accuracy** \\[0.880, 0.940\\] (95% interval) on 200 held-out rows; "
        "majority class 0.610 "
        "| tabular-classifier "
        "| scikit-learn, dvc, pytorch "
        '| <img src="thumbnails/iris-notes.png" alt="Confusion matrix on the 200 held-out rows" '
        'width="160"> |'
    )
    assert "| **0.988 accuracy** \\[0.956, 1.015\\]" in rows["Digit CNN"]
    assert "| image-cnn |" in rows["Digit CNN"]
    # The introduction comes first, seeded with questions, and is reported as not yet written.
    assert readme.index(SEED_QUESTIONS[0]) < readme.index("| project |")
    assert built.intro and "seed question" in built.intro[0]


def test_every_number_shown_equals_the_committed_reports(projects: Path, tmp_path: Path) -> None:
    built = build_portfolio([projects], tmp_path / "out", profile_readme=True, site=True)

    readme = (tmp_path / "out" / "profile" / "README.md").read_text()
    index = (tmp_path / "out" / "site" / "index.html").read_text()
    for entry in built.entries:
        evaluation = json.loads((entry.path / "reports" / "evaluation.json").read_text())
        head = evaluation["headline"]
        expected = [
            head["value"],
            *head["interval"],
            evaluation["baselines"][0]["metrics"]["accuracy"],
        ]
        shown_in_row = [float(n) for n in re.findall(r"\d+\.\d+", rows_of(readme)[entry.name])]
        assert shown_in_row == pytest.approx(expected, abs=0.0005)
        page = (tmp_path / "out" / "site" / entry.slug / "index.html").read_text()
        for document in (index, page):
            line = re.search(
                rf'<p class="headline"><strong>{head["value"]:.3f} accuracy</strong>[^<]*</p>',
                document,
            )
            assert line, f"{entry.name}: no headline with {head['value']:.3f}"
            numbers = [float(n) for n in re.findall(r"\d+\.\d+", line.group())]
            assert numbers == pytest.approx(expected, abs=0.0005)


def test_thumbnail_is_a_downscaled_copy_of_the_first_figure(projects: Path, tmp_path: Path) -> None:
    build_portfolio([projects / "iris-notes"], tmp_path / "out", profile_readme=True, site=True)

    for folder in ("profile", "site"):
        thumbnail = tmp_path / "out" / folder / "thumbnails" / "iris-notes.png"
        with Image.open(thumbnail) as image:
            assert image.size == (320, round(320 * FIGURE_SIZE[1] / FIGURE_SIZE[0]))
            # The figure's lower right is its colour, the upper left white: the same picture.
            lower_right = image.crop((200, 120, 320, 213)).convert("RGB")
            assert ImageStat.Stat(lower_right).mean == pytest.approx(FIGURE_COLOUR, abs=2)
            assert image.convert("RGB").getpixel((10, 10)) == (250, 250, 250)
    readme = (tmp_path / "out" / "profile" / "README.md").read_text()
    sources = re.findall(r'src="([^"]+)"', readme)
    assert sources == ["thumbnails/iris-notes.png"]  # copied, never hot-linked


def test_uncommitted_results_are_flagged_never_shown_stale(projects: Path, tmp_path: Path) -> None:
    project = projects / "iris-notes"
    write_results(project, 0.7777777)  # a new run, not committed

    built = build_portfolio([projects], tmp_path / "out", profile_readme=True, site=True)

    entry = next(entry for entry in built.entries if entry.name == "Iris Notes")
    assert not entry.ready
    assert any(
        "uncommitted changes to README.md, reports/evaluation.json, reports/metrics.json" in p
        for p in entry.problems
    )
    row = rows_of((tmp_path / "out" / "profile" / "README.md").read_text())["Iris Notes"]
    assert "_not shown:_ uncommitted changes to README.md" in row
    assert "0.912" not in row and "0.778" not in row and "<img" not in row
    index = (tmp_path / "out" / "site" / "index.html").read_text()
    assert "<strong>Not shown yet:</strong> uncommitted changes to README.md" in index
    assert "0.912" not in index and "0.778" not in index
    assert not (tmp_path / "out" / "site" / "iris-notes").exists()
    assert not (tmp_path / "out" / "profile" / "thumbnails" / "iris-notes.png").exists()
    # The other project is shown as usual.
    assert (tmp_path / "out" / "site" / "digit-cnn" / "index.html").is_file()

    commit_and_push(project)
    again = build_portfolio([projects], tmp_path / "out", profile_readme=True)
    row = rows_of((tmp_path / "out" / "profile" / "README.md").read_text())["Iris Notes"]
    assert all(entry.ready for entry in again.entries)
    assert "**0.778 accuracy**" in row


def test_reads_the_last_commit_not_the_working_tree(projects: Path, tmp_path: Path) -> None:
    project = projects / "iris-notes"
    (project / ".mlport.json").write_text("{broken")  # an edit not committed: not a result
    (project / "scratch.txt").write_text("notes")

    entry = read_project(project)

    assert entry.ready, entry.problems
    assert entry.name == "Iris Notes" and entry.template == "tabular-classifier"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("unpushed", "1 commit not pushed: `git push`"),
        ("no-remote", "no GitHub repository: `mlport publish` creates it"),
        ("no-results", "no committed results (reports/evaluation.json)"),
        ("disagree", "reports/evaluation.json and reports/metrics.json disagree on accuracy"),
        ("readme", "README.md disagrees with the reports: README shows accuracy 0.5000"),
        ("figure", "README.md shows figures the last commit lacks: reports/figures/"),
        ("no-readme-results", "README.md in the last commit shows no results"),
    ],
)
def test_what_is_missing_is_named(
    change: str, problem: str, tmp_path: Path, git_user: None
) -> None:
    project = make_project(tmp_path, "iris-notes", push=change != "no-remote")
    if change == "unpushed":
        (project / "train.py").write_text("print('better')\n")
    elif change == "no-results":
        git(project, "rm", "--quiet", "reports/evaluation.json")
    elif change == "disagree":
        (project / "reports" / "metrics.json").write_text(json.dumps({"accuracy": 0.5}))
    elif change == "readme":
        text = (project / "README.md").read_text()
        (project / "README.md").write_text(
            text.replace("| accuracy | 0.9123 |", "| accuracy | 0.5000 |")
        )
    elif change == "figure":
        git(project, "rm", "--quiet", FIGURE)
    elif change == "no-readme-results":
        text = (project / "README.md").read_text()
        start, end = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
        (project / "README.md").write_text(text[:start] + "_No results yet._\n" + text[end:])
    if change != "no-remote":
        git(project, "add", "--all")
        git(project, "commit", "--quiet", "-m", "Change")

    entry = read_project(project)

    assert any(problem in found for found in entry.problems), entry.problems


def test_not_a_repository_is_listed_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / ".mlport.json").write_text("{}")

    entry = read_project(folder)

    assert entry.problems == ["not the top of a git repository: `git init`, commit, publish"]


def test_hostile_text_stays_text(tmp_path: Path, git_user: None) -> None:
    hostile = '<script>alert("x")</script> | *starred* [link](javascript:alert(1)) & co'
    make_project(
        tmp_path / "projects",
        "evil",
        name="Evil <b>Bold</b>",
        description=hostile,
        caption='A "figure" <img src=x onerror=alert(1)>',
        notes="<script>alert(2)</script>\n\n"
        '<img src="reports/figures/roc_curve.png" onerror="alert(3)">\n\n'
        "[click](javascript:alert(4)) ![remote](https://tracker.example/pixel.png)",
    )

    build_portfolio([tmp_path / "projects"], tmp_path / "out", profile_readme=True, site=True)

    readme = (tmp_path / "out" / "profile" / "README.md").read_text()
    shown = github_html(readme)
    found = tags(shown)
    assert [tag for tag, _ in found.tags if tag in ("script", "b")] == []
    assert all(not name.startswith("on") for _, attrs in found.tags for name in attrs)
    text = "".join(found.text)
    assert hostile in text and "Evil <b>Bold</b>" in text
    row = next(row for row in ROW.findall(readme) if "Evil" in row)
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells: the | of the text is escaped
    for page in ("index.html", "evil/index.html"):
        document = (tmp_path / "out" / "site" / page).read_text()
        found = tags(document)
        assert [tag for tag, _ in found.tags if tag in ("script", "b", "iframe")] == []
        assert all(not name.startswith("on") for _, attrs in found.tags for name in attrs)
        hrefs = [attrs.get("href") or "" for tag, attrs in found.tags if tag == "a"]
        assert not any(href.startswith("javascript:") for href in hrefs)
        assert "".join(found.text).count(hostile) >= 1
    page = (tmp_path / "out" / "site" / "evil" / "index.html").read_text()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert '<img src="reports/figures/roc_curve.png" alt="" width="300"' in page  # onerror gone
    assert "tracker.example" not in page  # nothing is loaded from elsewhere


def test_the_introduction_is_the_learners_and_survives_rebuilds(
    projects: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_portfolio([projects], out, profile_readme=True)
    readme = out / "profile" / "README.md"
    text = readme.read_text()
    start, end = (
        text.index("-->", text.index("intro:start")) + 3,
        text.index("<!-- portfolio:intro:end"),
    )
    mine = "\nI build models that ship. Start with **Digit CNN**.\n"
    readme.write_text(text[:start] + mine + text[end:] + "\n## Contact\n\nada@example.com\n")

    built = build_portfolio([projects / "iris-notes"], out, profile_readme=True)

    text = readme.read_text()
    assert built.intro == [] and intro_problems(text) == []
    assert mine in text and text.endswith("## Contact\n\nada@example.com\n")
    assert set(rows_of(text)) == {"Iris Notes"}
    # The thumbnail of the project no longer listed is gone; the other stays.
    assert sorted(p.name for p in (out / "profile" / "thumbnails").iterdir()) == ["iris-notes.png"]


def test_an_existing_profile_readme_keeps_its_text(projects: Path, tmp_path: Path) -> None:
    profile = tmp_path / "out" / "profile"
    profile.mkdir(parents=True)
    (profile / "README.md").write_text("Hi, I am Ada.\n")

    built = build_portfolio([projects], tmp_path / "out", profile_readme=True)

    text = (profile / "README.md").read_text()
    assert text.startswith("Hi, I am Ada.\n\n## Machine-learning projects\n")
    assert built.intro == []


def test_intro_checks() -> None:
    assert "seed question" in intro_problems(f"x {SEED_QUESTIONS[2]}")[0]
    empty = "<!-- portfolio:intro:start -->\n\n<!-- portfolio:intro:end -->\n"
    assert "empty" in intro_problems(empty)[0]


def test_site_pages_are_accessible_and_their_links_resolve(projects: Path, tmp_path: Path) -> None:
    build_portfolio([projects], tmp_path / "out", site=True)

    site = tmp_path / "out" / "site"
    pages = sorted(site.rglob("*.html"))
    assert [p.relative_to(site).as_posix() for p in pages] == [
        "digit-cnn/index.html",
        "index.html",
        "iris-notes/index.html",
    ]
    for page in pages:
        document = page.read_text()
        assert document.startswith('<!doctype html>\n<html lang="en">')
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in document
        found = tags(document)
        assert not any(tag == "script" for tag, _ in found.tags)
        levels = [int(tag[1]) for tag, _ in found.tags if re.fullmatch(r"h[1-6]", tag)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        for tag, attrs in found.tags:
            if tag == "img":
                assert attrs.get("alt"), f"{page}: an image without alt text"
            target = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
            if tag in ("a", "link", "img") and target and not target.startswith(("http", "#")):
                assert (page.parent / target.split("#")[0]).is_file(), f"{page}: {target}"
    page = (site / "iris-notes" / "index.html").read_text()
    commit = git(projects / "iris-notes", "rev-parse", "HEAD")
    blob = f"https://github.com/ada-l/iris-notes/blob/{commit}"
    assert f'href="{blob}/docs/pipeline.md"' in page
    assert f'href="{blob}/MODEL_CARD.md#model"' in page
    # The report stage's own HTML became a figure at its width and a bold line, not text.
    assert 'alt="Confusion matrix &lt;held out&gt;" width="320" height="213"' in page
    assert "<strong>Where these numbers come from</strong>" in page
    assert "&lt;" + "details" not in page and "results:start" not in page
    assert "badge.svg" not in page
    assert page.count("<strong>0.912 accuracy</strong>") == 1  # the README's headline is the page's
    assert (site / "iris-notes" / FIGURE).is_file() and (site / ".nojekyll").is_file()
    css = (site / "style.css").read_text()
    assert "@import" not in css and "url(" not in css


def test_cli_builds_and_reports(projects: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["portfolio", str(projects), "--out", str(out), "--profile-readme", "--site"]
    )

    assert result.exit_code == 0, result.output
    assert "0.912 accuracy" in result.stdout and "seed questions" in result.stdout
    assert (out / "profile" / "README.md").is_file() and (out / "site" / "index.html").is_file()
    assert "mlport publish --portfolio --path" in result.stdout


def test_cli_without_outputs_only_reports(
    projects: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_results(projects / "digit-cnn", 0.5)

    result = runner.invoke(app, ["portfolio", str(projects)])

    assert result.exit_code == 0, result.output
    assert "Iris Notes" in result.stdout and "0.912 accuracy" in result.stdout
    assert "not shown: uncommitted" in result.stdout  # the Digit CNN row, wrapped by the table
    assert "Nothing written" in result.stdout
    assert not (tmp_path / "portfolio").exists()


def test_cli_refuses_a_folder_without_projects(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        app, ["portfolio", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]
    )

    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: ")
    assert "is neither an mlport project nor a folder of them" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_library_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(PortfolioError, match="is not a folder"):
        build_portfolio([tmp_path / "nowhere"], tmp_path / "out", site=True)
