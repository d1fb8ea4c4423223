{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/test_outputs.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""What stages write: files replaced whole, one results block, data shown as text, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.core.errors import ConfigError, ProjectError
from {{ cookiecutter.package_name }}.core.settings import DataAbout, Section, parse
from {{ cookiecutter.package_name }}.core.stage import (
    PARTIAL,
    describe,
    replaced_on_success,
    write_atomically,
)
from {{ cookiecutter.package_name }}.reporting.evidence import Headline, write_evaluation
from {{ cookiecutter.package_name }}.reporting.markdown import literal
from {{ cookiecutter.package_name }}.reporting.page import Page, headline_line, reference_text
from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START, replace_block

PACKAGE = describe.__module__.split(".")[0]
SRC = str(Path(__file__).resolve().parents[1] / "src")
README = f"# Project\n\nIntro.\n\n{START}\nold results\n{END}\n\n## Notes\n\nMy own notes.\n"
HOSTILE = [
    "a`b",
    "``",
    '<img src="https://tracker.example/pixel.gif">',
    "[click me](https://evil.example)",
    "![x](https://evil.example/x.png)",
    END,
    "line one\n\n# heading",
    "<script>alert(1)</script>",
]


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(PARTIAL))


# Files are replaced whole: a failed write keeps the previous file.

WRITERS = {
    "readme": f"from {PACKAGE}.reporting.report_blocks import replace_block\n"
    "replace_block('README.md', 'x' * 100_000)\n",
    "card metadata": f"from {PACKAGE}.reporting.card_meta import write_metadata\n"
    "write_metadata('README.md', {'notes': 'x' * 100_000})\n",
    "reports json": f"from {PACKAGE}.core.stage import write_atomically\n"
    "write_atomically('README.md', 'x' * 100_000)\n",
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_a_write_that_fails_halfway_leaves_the_previous_file_whole(
    tmp_path: Path, writer: str
) -> None:
    """A full disk, played by a file-size limit: the write stops at 4,096 bytes and fails."""
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    code = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a failed write, not a killed process
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n" + writer
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "File too large" in result.stderr, result.stderr
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README
    assert leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_atomically(path, '{"accuracy": 1}\n')
    assert path.read_text() == '{"accuracy": 1}\n'
    assert path.stat().st_mode & 0o777 == 0o644
    assert leftovers(tmp_path) == []


# One results block: markers matched in order, and data can never produce one.


def test_a_marker_in_the_data_never_grows_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    content = f"Class {literal(END)} was missed; so was `{START}` and {END} raw."
    replace_block(readme, content)
    once = readme.read_text(encoding="utf-8")
    replace_block(readme, content)
    assert readme.read_text(encoding="utf-8") == once
    assert once.count(START) == 1 and once.count(END) == 1
    assert once.endswith(f"{END}\n\n## Notes\n\nMy own notes.\n")


def test_markers_are_matched_in_order(tmp_path: Path) -> None:
    """An end marker quoted above the block is not the block's end."""
    readme = tmp_path / "README.md"
    readme.write_text(f"The pipeline writes up to `{END}`.\n\n" + README, encoding="utf-8")
    replace_block(readme, "new results")
    text = readme.read_text(encoding="utf-8")
    assert f"{START}\nnew results\n{END}\n\n## Notes" in text
    assert text.startswith(f"The pipeline writes up to `{END}`.")
    (tmp_path / "lost.md").write_text(f"{END}\n{START}\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="lost its"):
        replace_block(tmp_path / "lost.md", "results")


# Data shown as text: one escaping function for every value that reaches Markdown.


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_from_the_data_is_one_code_span_that_shows_it(value: str) -> None:
    shown = literal(value)
    fence = shown[: len(shown) - len(shown.lstrip("`"))]
    assert shown.endswith(fence) and "\n" not in shown
    inner = shown[len(fence) : len(shown) - len(fence)]
    assert fence not in inner, "the value's own backticks would end the code span"
    assert inner.strip() == " ".join(value.split())


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("code", [True, False], ids=["code", "text"])
def test_no_value_renders_as_markup(value: str, code: bool) -> None:
    """Rendered by a CommonMark parser with raw HTML on, as GitHub would meet it."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    html = parser.render(f"a {literal(value, code=code)} b")
    assert html.count("<p>") == 1, html
    for tag in ("<img", "<a ", "<script", "<h1", "<!--"):
        assert tag not in html, html


def test_a_text_value_keeps_its_words_and_loses_its_links() -> None:
    shown = literal("Great [film](https://evil.example) <b>10/10</b>", code=False)
    assert "](" not in shown and "<b>" not in shown
    assert shown.replace("\\", "") == "Great [film](https://evil.example) <b>10/10</b>"


# Clear errors: further lines indented under the first, never a traceback.


def test_an_error_with_details_keeps_them_indented_under_its_first_line() -> None:
    message = "2 image file(s) cannot be read:\n  data/raw/a.png: truncated\n  b.jpg: empty"
    assert describe(ProjectError(message)) == message
    many = ProjectError("first\n" + "\n".join(f"file{i}" for i in range(100)))
    lines = describe(many).splitlines()
    assert len(lines) <= 26 and lines[-1].startswith("  ... and ")


# Model files: a read-only models/ is one clear error before anything changes.


def test_the_scratch_folder_is_inside_the_model_folder(tmp_path: Path) -> None:
    """Files swap in by rename, which cannot cross file systems (a models/ mounted apart)."""
    models = tmp_path / "models"
    with replaced_on_success(models) as staged:
        assert staged.parent == models
        (staged / "model.bin").write_text("new")
    assert [path.name for path in models.iterdir()] == ["model.bin"]


def test_of_two_alternative_files_only_the_one_written_stays(tmp_path: Path) -> None:
    models = tmp_path / "models"
    with replaced_on_success(models) as staged:
        (staged / "model.onnx").write_text("exported")
        (staged / "notes.txt").write_text("kept")
    either = ("model.onnx", "not_exported.txt")
    with replaced_on_success(models, either=either) as staged:
        (staged / "not_exported.txt").write_text("no ONNX converter")
    assert sorted(path.name for path in models.iterdir()) == ["not_exported.txt", "notes.txt"]
    with pytest.raises(RuntimeError), replaced_on_success(models, either=either) as staged:
        (staged / "model.onnx").write_text("half")
        raise RuntimeError("killed")  # a failed run keeps the previous files, whichever they are
    assert (models / "not_exported.txt").read_text() == "no ONNX converter"
    assert not (models / "model.onnx").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_model_folder_is_one_clear_error_and_keeps_the_model(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "model.bin").write_text("previous")
    models.chmod(0o555)
    try:
        with pytest.raises(ProjectError) as caught, replaced_on_success(models) as staged:
            (staged / "model.bin").write_text("new")
    finally:
        models.chmod(0o755)
    message = str(caught.value)
    assert message.startswith(f"cannot save the model: {models}/ is not writable (")
    assert "\n" not in message
    assert (models / "model.bin").read_text() == "previous"
    assert [path.name for path in models.iterdir()] == ["model.bin"]


class _Data(Section):
    about: DataAbout


class _WithAbout(Section):
    data: _Data


MAAS = {"metric": "accuracy", "value": 0.8889, "source": "Maas et al. (2011), Table 2"}


def _about(reference: object) -> dict:
    return {"data": {"about": {"name": "IMDB", "reference": reference}}}


@pytest.mark.parametrize(
    ("reference", "line"),
    [
        ({**MAAS, "value": "0.89"}, "data.about.reference.value: input should be a valid number"),
        ({**MAAS, "value": float("nan")}, "data.about.reference.value: input should be a finite"),
        ({**MAAS, "metric": " "}, "data.about.reference.metric: must not be empty"),
        ({"metric": "accuracy", "value": 0.9}, "data.about.reference.source is missing"),
        ({**MAAS, "split": "test"}, "unknown key data.about.reference.split"),
        (0.8889, "data.about.reference: input should be a valid dictionary"),
    ],
)
def test_a_malformed_reference_is_one_line_naming_its_key(reference: object, line: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse(_WithAbout, _about(reference), source="params.yaml")
    assert str(error.value).startswith(f"params.yaml: {line}")
    assert "\n" not in str(error.value)


def test_a_reference_source_loses_any_credentials() -> None:
    source = "https://ada:hunter2@example.org/paper"  # pragma: allowlist secret
    parsed = parse(_WithAbout, _about({**MAAS, "source": source}), source="params.yaml")
    assert parsed.data.about.reference.source == "https://example.org/paper"


def _page(evaluation: dict, reference: dict | None = None) -> Page:
    about = DataAbout(name="IMDB", reference=reference)
    return Page({}, about, [], "model", "", "", evaluation=evaluation)


def test_the_reference_stands_beside_the_headline_and_stays_out_of_the_evaluation(
    tmp_path: Path,
) -> None:
    # The report stage reads data.about; evaluate never does, so prose reruns the report only.
    headline = Headline("accuracy", "accuracy", 0.87, 25000, "held-out reviews", (0.86, 0.88))
    written = write_evaluation(headline, [], [], [], [], tmp_path / "evaluation.json")
    assert "reference" not in json.loads((tmp_path / "evaluation.json").read_text())
    line = headline_line(_page(written, MAAS))
    assert line.endswith("; published: 0.8889 accuracy (Maas et al\\. \\(2011\\), Table 2)")
    assert "published" not in headline_line(_page(written))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_reference_shows_its_metric_and_source_as_text(value: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    html = parser.render(reference_text({"metric": value, "value": 0.9, "source": value}))
    assert html.count("<p>") == 1, html
    for tag in ("<img", "<a ", "<script", "<h1", "<!--"):
        assert tag not in html, html


def test_a_reference_source_that_is_a_web_address_is_its_link() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    source = "https://example.org/paper?id=1&x=(2)"
    shown = reference_text({"metric": "accuracy", "value": 0.9, "source": source})
    html = markdown_it.MarkdownIt("commonmark").render(shown)
    assert '<a href="https://example.org/paper?id=1&amp;x=(2)">source</a>' in html
