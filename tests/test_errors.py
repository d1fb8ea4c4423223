"""Bad input: one clear line on stderr, a non-zero exit, and nothing written or changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport import api
from mlport.cli import app
from mlport.errors import GenerationError

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(folder.rglob("*"))
    }


def run_failing(args: list[str], output: Path) -> str:
    """Run the CLI, expect exit 1 with one error line on stderr; return that line."""
    before = snapshot(output)
    result = runner.invoke(app, [*args, "--no-input", "-o", str(output)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert snapshot(output) == before, "a failed command changed the output directory"
    return lines[0]


def test_unknown_template_lists_the_known_ones(tmp_path: Path) -> None:
    line = run_failing(["new", "image-gan"], tmp_path)
    assert line == (
        "error: unknown template 'image-gan'; known templates: "
        "clustering, image-cnn, nlp-sentiment, rl-agent, tabular-classifier, tabular-regressor"
    )


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "project name is empty"),
        ("   ", "project name is empty"),
        ("../x", "would escape the output directory"),
        ("/tmp/abs", "would escape the output directory"),
        ("nested/dir", "would escape the output directory"),
        ("..", "would escape the output directory"),
        ("3d-model", "no valid package name"),
        ("caf\u00e9 model", "no valid package name"),
        ("my.project", "no valid package name"),
        ("class", "is a Python keyword"),
        ("Import", "is a Python keyword"),
    ],
    ids=[
        "empty",
        "blank",
        "parent",
        "absolute",
        "nested",
        "dotdot",
        "digit-first",
        "non-ascii",
        "dot",
        "keyword",
        "keyword-capitalised",
    ],
)
def test_invalid_names_name_the_rule(tmp_path: Path, name: str, rule: str) -> None:
    line = run_failing(["new", "tabular-classifier", "--name", name], tmp_path)
    assert rule in line


def test_existing_non_empty_target_is_left_untouched(tmp_path: Path) -> None:
    target = tmp_path / "breast-cancer-classifier"
    target.mkdir()
    (target / "notes.txt").write_text("my work")
    line = run_failing(["new", "tabular-classifier"], tmp_path)
    assert "already exists and is not empty" in line
    assert (target / "notes.txt").read_text() == "my work"


def test_existing_empty_target_is_used(tmp_path: Path) -> None:
    (tmp_path / "breast-cancer-classifier").mkdir()
    result = runner.invoke(
        app, ["new", "tabular-classifier", "--no-input", "--no-git", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "breast-cancer-classifier" / "Makefile").is_file()


def test_unknown_set_key_lists_the_known_keys(tmp_path: Path) -> None:
    line = run_failing(["new", "rl-agent", "--set", "gpu=yes"], tmp_path)
    assert line.startswith("error: template 'rl-agent' has no key 'gpu'; known keys: project_name,")
    assert "license" in line and "python_version" in line


def test_malformed_set_is_refused(tmp_path: Path) -> None:
    line = run_failing(["new", "rl-agent", "--set", "license"], tmp_path)
    assert line == "error: --set expects key=value, got 'license'"


def test_set_value_outside_the_choices_is_refused(tmp_path: Path) -> None:
    line = run_failing(["new", "rl-agent", "--set", "license=GPL"], tmp_path)
    assert line == "error: license='GPL' is not one of the choices: MIT, BSD-3-Clause, Proprietary"


def test_invalid_slug_given_directly_is_refused(tmp_path: Path) -> None:
    line = run_failing(["new", "rl-agent", "--set", "project_slug=Bad_Slug"], tmp_path)
    assert "no valid package name" in line


def test_ctrl_c_during_generation_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "init_repository", interrupted)
    result = runner.invoke(app, ["new", "image-cnn", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "error: interrupted: nothing was written"
    assert list(tmp_path.iterdir()) == []


def test_failure_during_generation_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise GenerationError("`git commit` failed: disk full")

    monkeypatch.setattr(api, "init_repository", broken)
    line = run_failing(["new", "image-cnn"], tmp_path)
    assert line == "error: `git commit` failed: disk full"
    assert list(tmp_path.iterdir()) == []


def test_plain_cookiecutter_hook_refuses_a_bad_package_name(tmp_path: Path) -> None:
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    from mlport.registry import get_template

    with pytest.raises(FailedHookException):
        cookiecutter(
            str(get_template("tabular-classifier").path),
            no_input=True,
            extra_context={"project_slug": "9lives"},
            output_dir=str(tmp_path),
        )
    assert list(tmp_path.iterdir()) == []
