"""Hostile and careless input to generation: values stay data, failures stay one line."""

from __future__ import annotations

import ast
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport import api
from mlport.api import create_project
from mlport.cli import app
from mlport.errors import GenerationError, InvalidNameError, InvalidValueError
from mlport.record import read_record
from mlport.registry import get_template, load_template

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "tabular-classifier"
PROJECT = "breast-cancer-classifier"


def tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def one_error_line(result: object) -> str:
    """The CLI failed with exactly one `error:` line on stderr and no traceback; return it."""
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def answers_of(project: Path) -> dict:
    return read_record(project).answers


# 1. Values given to --set / create_project(context=...) are data, never Jinja.


def test_template_code_in_a_value_is_written_literally_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    value = f'{{{{ cycler.__init__.__globals__.os.system("touch {marker}") }}}}'
    project = create_project(TEMPLATE, tmp_path / "out", context={"author_name": value}, git=False)
    assert not marker.exists(), "a --set value ran as code"
    assert value in (project / "LICENSE").read_text()
    assert answers_of(project)["author_name"] == value


@pytest.mark.parametrize(
    "value",
    [
        "{{ 7*7 }}",
        "{% raw %}",
        "{% endraw %}{{ 7*7 }}",
        "{# not a comment #}",
        "{% if true %}x{% endif %}",
        "\\U0000007b{{ '\"' }}",
        "Zoë \u00e9t\u00e9 \u4e2d\u6587 \U0001f600",
        "[bold]rich[/bold] :smile:",
        "",
    ],
    ids=[
        "expression",
        "raw",
        "endraw",
        "comment",
        "block",
        "escapes",
        "unicode",
        "markup",
        "empty",
    ],
)
def test_every_value_renders_to_itself(tmp_path: Path, value: str) -> None:
    project = create_project(
        TEMPLATE,
        tmp_path,
        context={"author_name": value, "github_username": value, "description": value},
        git=False,
    )
    answers = answers_of(project)
    assert answers["author_name"] == answers["github_username"] == answers["description"] == value
    year = datetime.date.today().year
    assert f"Copyright (c) {year} {value}\n" in (project / "LICENSE").read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["authors"][0]["name"] == pyproject["description"] == value
    init = project / "src" / "breast_cancer_classifier" / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text()), clean=False)
    assert docstring == f"Breast Cancer Classifier.\n\n{value}\n"


def test_set_through_the_cli_is_literal_too(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "new",
            TEMPLATE,
            "--no-input",
            "--no-git",
            "-o",
            str(tmp_path),
            "--set",
            "author_name={{ 7*7 }}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "{{ 7*7 }}" in (tmp_path / PROJECT / "LICENSE").read_text()


def test_output_dir_with_template_code_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    line = one_error_line(
        runner.invoke(
            app,
            ["new", TEMPLATE, "--no-input", "--no-git", "-o", str(tmp_path / "dir" / "{{ 7*7 }}")],
        )
    )
    assert "Cookiecutter would evaluate" in line
    assert tree(tmp_path) == []


# 2. package_name is checked like the folder name, in mlport and in the hook.


@pytest.mark.parametrize(
    ("package", "rule"),
    [
        ('x"; import os; os.system("touch MARKER"); "', "no valid package name"),
        ('a";"/../../../../../escaped', "no valid package name"),
        ("os", "would hide the standard library"),
        ("sys", "would hide the standard library"),
        ("json", "would hide the standard library"),
        ("lambda", "is a Python keyword"),
        ("Pkg", "no valid package name"),
        ("p" * 101, "keep it within 100"),
    ],
    ids=["code", "path-escape", "os", "sys", "json", "keyword", "uppercase", "too-long"],
)
def test_bad_package_names_are_refused_before_anything_is_written(
    tmp_path: Path, package: str, rule: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(
        app,
        [
            "new",
            TEMPLATE,
            "--no-input",
            "--no-git",
            "-o",
            str(out),
            "--set",
            f"package_name={package}",
        ],
    )
    assert rule in one_error_line(result)
    assert tree(tmp_path) == ["out"], "nothing written, inside or outside the output folder"


def test_project_names_that_shadow_the_standard_library_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidNameError, match="would hide the standard library's 'json'"):
        create_project(TEMPLATE, tmp_path, name="Json", git=False)


@pytest.mark.parametrize(
    "package", ['x"; import os; os.system("touch MARKER"); "', "os", 'a";"/../escaped']
)
def test_the_hook_refuses_bad_package_names_under_plain_cookiecutter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    monkeypatch.chdir(tmp_path)
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(get_template(TEMPLATE).path),
            no_input=True,
            extra_context={"package_name": package},
            output_dir=str(tmp_path / "out"),
        )
    assert not (tmp_path / "MARKER").exists(), "the hook ran code from an answer"
    assert not list(tmp_path.rglob("escaped"))


# 3. The description lands in the package docstring as text.


def test_description_with_quotes_and_backslashes_gives_a_package_whose_docstring_is_the_text(
    tmp_path: Path,
) -> None:
    description = 'x"""; import os; os.system("touch MARKER"); """ Data kept in C:\\Users\\me\\'
    assert len(description) < 96  # one line: the docstring holds it unwrapped
    project = create_project(
        TEMPLATE,
        tmp_path / "out",
        name="Quote Test",
        context={"description": description},
        git=False,
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import quote_test, sys; sys.stdout.write(quote_test.__doc__)"],
        cwd=project / "src",
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout == f"Quote Test.\n\n{description}\n"
    assert not (project / "src" / "MARKER").exists(), "importing the package ran the description"


@pytest.mark.parametrize(
    "title", ['Zo\u00eb "Q" \\ \U0001f600 {{ x }}', "It's \"a\" 'b' \\", "O'Brien"]
)
def test_hostile_text_gives_source_that_parses_and_passes_ruff(tmp_path: Path, title: str) -> None:
    project = create_project(
        TEMPLATE,
        tmp_path,
        context={"project_slug": "hostile", "project_name": title, "author_name": title},
        git=False,
    )
    app_source = (project / "src" / "hostile" / "api" / "app.py").read_text()
    titles = [
        keyword.value.value
        for node in ast.walk(ast.parse(app_source))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "title"
    ]
    assert titles == [title]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"][0]["name"] == title
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in ([ruff, "check", "--quiet", "."], [ruff, "format", "--check", "--quiet", "."]):
        checked = subprocess.run(command, cwd=project, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    "value", ["a\nb", "a\x00b", "a\rb", "a\ud800b"], ids=["newline", "nul", "cr", "surrogate"]
)
def test_control_characters_and_lone_surrogates_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(InvalidValueError, match="description holds the control character"):
        create_project(TEMPLATE, tmp_path, context={"description": value}, git=False)
    assert tree(tmp_path) == []


# 12. SIGTERM during generation cleans up like Ctrl-C.


def test_sigterm_to_a_real_generation_leaves_no_staging_folder(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt, delay in enumerate((0.0, 0.15, 0.4)):
        out = tmp_path / f"out{attempt}"
        out.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-m", "mlport", "new", TEMPLATE, "--no-input", "-o", str(out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not list(out.glob(".mlport-*")) and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.005)
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        stderr = process.communicate(timeout=30)[1]
        if process.returncode == 0:
            continue  # finished before the signal: nothing to clean
        assert process.returncode == 143, stderr
        assert stderr.strip() == "error: terminated: nothing was written"
        assert list(out.iterdir()) == [], f"left behind after SIGTERM at +{delay}s"


# 11. Every failure is one line on stderr, never a traceback.


def test_a_300_character_name_is_one_line(tmp_path: Path) -> None:
    line = one_error_line(
        runner.invoke(
            app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path), "--name", "a" * 300]
        )
    )
    assert "300 characters long" in line
    assert tree(tmp_path) == []


def test_an_output_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("keep me")
    line = one_error_line(
        runner.invoke(app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path / "afile")])
    )
    assert line.endswith("is a file, not a folder")
    line = one_error_line(
        runner.invoke(app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path / "afile" / "sub")])
    )
    assert "Not a directory" in line
    assert tree(tmp_path) == ["afile"] and (tmp_path / "afile").read_text() == "keep me"


def test_an_unwritable_output_dir_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root, permission bits do not stop writes: make the refusal the file system would give.
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(tmp_path / ".mlport-x"))

    monkeypatch.setattr(api.tempfile, "mkdtemp", refuse)
    line = one_error_line(runner.invoke(app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path)]))
    assert line == f"error: cannot create the project in {tmp_path}: Permission denied"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs a user without root's rights"
)
def test_a_read_only_output_dir_is_one_line(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        line = one_error_line(
            runner.invoke(app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path)])
        )
    finally:
        tmp_path.chmod(0o755)
    assert "Permission denied" in line
    assert tree(tmp_path) == []


@pytest.fixture
def broken_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tabular template that mlport will use; each test breaks it its own way."""
    copy = tmp_path / "template" / TEMPLATE
    shutil.copytree(get_template(TEMPLATE).path, copy)
    monkeypatch.setattr(api, "get_template", lambda name: load_template(copy))
    return copy


def test_a_failing_hook_is_one_line(tmp_path: Path, broken_template: Path) -> None:
    # A real process: Cookiecutter logs the hook's traceback, and only there would it show.
    (broken_template / "hooks" / "pre_gen_project.py").write_text("import sys\nsys.exit(3)\n")
    out = tmp_path / "out"
    copy = str(broken_template)
    use_copy = (
        "import pathlib, sys; from mlport import api, registry, cli; "
        f"api.get_template = lambda name: registry.load_template(pathlib.Path({copy!r})); "
        "sys.argv[0] = 'mlport'; cli.main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", use_copy, "new", TEMPLATE, "--no-input", "--no-git", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1
    assert (
        result.stderr
        == f"error: rendering {TEMPLATE!r} failed: Hook script failed (exit status: 3)\n"
    )
    assert tree(out) == []


def test_an_undefined_template_variable_is_one_short_line(
    tmp_path: Path, broken_template: Path
) -> None:
    (broken_template / "{{cookiecutter.project_slug}}" / "EXTRA.md").write_text(
        "{{ cookiecutter.nope }}\n"
    )
    out = tmp_path / "out"
    line = one_error_line(
        runner.invoke(app, ["new", TEMPLATE, "--no-input", "--no-git", "-o", str(out)])
    )
    assert "'collections.OrderedDict object' has no attribute 'nope'" in line
    assert len(line) < 300, "the whole context was dumped"
    assert tree(out) == []


def test_an_unexpected_failure_is_one_line_and_the_traceback_needs_the_debug_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk\nfell off")

    monkeypatch.setattr(api, "init_repository", explode)
    args = ["new", TEMPLATE, "--no-input", "-o", str(tmp_path)]
    line = one_error_line(runner.invoke(app, args))
    assert line == "error: RuntimeError: disk fell off (set MLPORT_DEBUG=1 for the traceback)"
    assert tree(tmp_path) == []
    monkeypatch.setenv("MLPORT_DEBUG", "1")
    assert isinstance(runner.invoke(app, args).exception, RuntimeError)


def test_a_rendering_failure_through_the_api_raises_generation_error(
    tmp_path: Path, broken_template: Path
) -> None:
    (broken_template / "hooks" / "pre_gen_project.py").write_text("import sys\nsys.exit(1)\n")
    with pytest.raises(GenerationError, match="Hook script failed"):
        create_project(TEMPLATE, tmp_path, git=False)


def test_error_lines_show_user_text_as_it_is(tmp_path: Path) -> None:
    line = one_error_line(
        runner.invoke(
            app,
            ["new", TEMPLATE, "--no-input", "-o", str(tmp_path), "--set", "license=[bold]x[/bold]"],
        )
    )
    assert "'[bold]x[/bold]' is not one of the choices" in line


def _drive_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the CLI in a pseudo-terminal, answer each prompt in turn (Enter once they run out)."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlport", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(slave)
    screen, pending, deadline = "", "", time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096).decode(errors="replace")
        except OSError:
            break
        screen, pending = screen + chunk, pending + chunk
        if re.sub(r"\x1b\[[0-9;]*m", "", pending).rstrip(" ").endswith(":"):
            os.write(master, ((answers.pop(0) if answers else "") + "\r").encode())
            pending = ""
    code = process.wait(timeout=10)
    os.close(master)
    return code, re.sub(r"\x1b\[[0-9;]*m", "", screen)


def test_a_bad_name_typed_at_the_prompt_is_asked_again_at_once(tmp_path: Path) -> None:
    code, screen = _drive_terminal(
        ["new", "rl-agent", "--no-git", "-o", str(tmp_path)],
        ["3D Pilot", "Lunar Pilot", "", "", "os", "lunar_pilot"],
    )
    assert code == 0, screen
    first_rule = screen.index("no valid package name")
    assert screen.index("Folder name") > first_rule, "the rule came only after the other questions"
    assert "Traceback" not in screen
    assert screen.count("try again") == 2  # the digit-first name, then the package 'os'
    assert "would hide the standard library's 'os' module" in screen
    assert (tmp_path / "lunar-pilot" / "src" / "lunar_pilot" / "__init__.py").is_file()


# 5. What the generated pipeline writes: model outputs kept by DVC, results blocks read in order.


@pytest.mark.parametrize(
    "template",
    [
        "tabular-classifier",
        "tabular-regressor",
        "image-cnn",
        "nlp-sentiment",
        "rl-agent",
        "clustering",
    ],
)
def test_the_train_stage_keeps_its_model_outputs_while_it_runs(
    rendered: dict[str, Path], template: str
) -> None:
    """DVC deletes a stage's outputs before running it unless they persist; train.py swaps the
    new model in only on success, so a failed `dvc repro` keeps the previous one."""
    import yaml

    project = rendered[template]
    train = yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["train"]
    models = [entry for entry in train["outs"] if str(next(iter(entry))).startswith("models")]
    assert models, "the train stage declares no model output"
    for entry in models:
        assert isinstance(entry, dict) and next(iter(entry.values())).get("persist") is True, entry


def test_update_carries_the_results_block_when_an_end_marker_is_quoted_above_it() -> None:
    from mlport.preserve import with_results_of

    intro = "Results go up to `<!-- results:end -->`.\n\n"
    mine = intro + "<!-- results:start -->\nMY RESULTS\n<!-- results:end -->\n\n## Notes\n"
    theirs = intro + "<!-- results:start -->\n_run dvc repro_\n<!-- results:end -->\n\n## Notes\n"
    assert with_results_of(mine, theirs) == mine


@pytest.mark.parametrize(
    ("template", "pickle_file"),
    [("nlp-sentiment", "models/baseline/model.joblib"), ("rl-agent", "models/agent.zip")],
)
def test_a_model_file_that_is_a_pickle_is_named_as_one_in_the_model_card(
    tmp_path: Path, template: str, pickle_file: str
) -> None:
    # Loading a pickle runs whatever it holds: a learner must know which model files to trust.
    project = create_project(template, tmp_path, git=False)
    card = (project / "MODEL_CARD.md").read_text(encoding="utf-8")
    limitations = card.split("## Bias, risks and limitations", 1)[1].split("\n## ", 1)[0]
    assert pickle_file in limitations and "can run code when" in limitations
