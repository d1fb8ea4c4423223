"""A project's README as the portfolio site shows it: Markdown to HTML, its text as data."""

from __future__ import annotations

from mlport.portfolio.render import Picture, readme_html, report_html_to_markdown

BLOB = "https://github.com/ada-l/x/blob/abc"


def render(markdown: str, images: dict[str, Picture] | None = None) -> str:
    known = images or {}
    return readme_html(
        markdown,
        image_for=known.get,
        link_for=lambda path: f"{BLOB}/{path}",
        skip=frozenset({"The description."}),
    )


def test_title_badges_and_description_are_left_to_the_page() -> None:
    shown = render(
        "# Title\n\n[![CI](https://github.com/a/b/actions/workflows/ci.yml/badge.svg)](https://x)"
        "\n\nThe description.\n\nBody text.\n"
    )
    assert shown == "<p>Body text.</p>\n"


def test_the_readme_headline_is_left_to_the_page() -> None:
    shown = readme_html(
        "**0.965 accuracy** [0.930, 0.991] on 114 rows\n\n**0.965 accuracy** was hard.\n\n"
        "Then **0.965 accuracy** again.\n",
        image_for=lambda path: None,
        link_for=lambda path: path,
        skip_bold=frozenset({"0.965 accuracy"}),
    )
    assert shown == (
        "<p><strong>0.965 accuracy</strong> was hard.</p>\n"
        "<p>Then <strong>0.965 accuracy</strong> again.</p>\n"
    )


def test_headings_never_skip_a_level_below_the_pages_h1() -> None:
    shown = render("# Title\n\n#### Deep\n\n## Two\n\n### Three\n\n###### Six\n")
    assert shown == "<h2>Deep</h2>\n<h2>Two</h2>\n<h3>Three</h3>\n<h4>Six</h4>\n"


def test_report_html_becomes_markdown_and_code_stays_code() -> None:
    text, widths = report_html_to_markdown(
        "<!-- results:start -->\n"
        '<img src="reports/a.png" alt="Tall &amp; [odd] *one*" width="640">\n'
        "<details><summary>Where these numbers come from</summary>\n\n- run\n\n</details>\n"
        '```html\n<img src="keep.png" alt="code" width="1">\n<!-- kept -->\n```\n'
    )
    assert text.splitlines()[:4] == [
        r"![Tall \& \[odd\] \*one\*](reports/a.png)",
        "**Where these numbers come from**",
        "",
        "- run",
    ]
    assert '<img src="keep.png" alt="code" width="1">\n<!-- kept -->' in text
    assert widths == {"reports/a.png": 640}


def test_local_images_are_the_copies_at_their_asked_width_others_become_words() -> None:
    picture = Picture("reports/a.png", 1000, 800)
    shown = render(
        '<img src="reports/a.png" alt="Tall" width="640">\n\n'
        "![Remote](https://tracker.example/p.png) ![Missing](reports/none.png)\n",
        {"reports/a.png": picture},
    )
    assert '<img src="reports/a.png" alt="Tall" width="640" height="512" loading="lazy" />' in shown
    assert "<p>Remote Missing</p>" in shown
    assert "tracker.example" not in shown


def test_relative_links_go_to_the_file_on_github_and_others_are_kept_or_refused() -> None:
    shown = render(
        "[doc](docs/pipeline.md) [card](./MODEL_CARD.md#model) [top](/LICENSE) "
        "[up](../elsewhere.md) [anchor](#findings) [web](https://example.org/a) "
        "[bad](javascript:alert(1))\n"
    )
    assert f'<a href="{BLOB}/docs/pipeline.md">doc</a>' in shown
    assert f'<a href="{BLOB}/MODEL_CARD.md#model">card</a>' in shown
    assert f'<a href="{BLOB}/LICENSE">top</a>' in shown
    assert f'<a href="{BLOB}/">up</a>' in shown  # outside the project: the project itself
    assert '<a href="#findings">anchor</a>' in shown
    assert '<a href="https://example.org/a">web</a>' in shown
    assert "javascript:" not in shown.replace("[bad](javascript:alert(1))", "")


def test_tables_scroll_inside_their_own_box() -> None:
    shown = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert shown.startswith('<div class="table"><table>') and shown.endswith("</table>\n</div>")


def test_raw_html_of_the_learner_is_text() -> None:
    shown = render('<div onclick="x()">hi</div>\n\n<script>alert(1)</script>\n\nok <b>bold</b>\n')
    assert "<div onclick" not in shown and "<script>" not in shown and "<b>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
