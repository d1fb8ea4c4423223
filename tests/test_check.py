"""`mlport check` on a real git + DVC project mlport did not generate: one row per check."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.audit import Row, audit
from mlport.cli import app
from tests.small_project import commit_all, make_project, make_trained, run

runner = CliRunner()
PASSWORD = "hunter2secret"
CHECKS = [
    "placeholders",
    "results",
    "numbers",
    "figures",
    "committed",
    "secrets",
    "large files",
    "license",
    "dvc status",
    "badge",
    "ci data",
    "learner words",
    "data names",
]


@pytest.fixture(scope="module")
def trained_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_trained(tmp_path_factory.mktemp("trained"))


@pytest.fixture
def trained(trained_once: Path, tmp_path: Path) -> Path:
    """A private copy (git, DVC cache and all) of the trained project, results uncommitted."""
    return Path(shutil.copytree(trained_once, tmp_path / trained_once.name, symlinks=True))


@pytest.fixture
def committed(trained: Path) -> Path:
    commit_all(trained)
    return trained


def rows_by_check(project: Path) -> dict[str, Row]:
    rows = audit(project)
    assert [row.check for row in rows] == CHECKS
    return {row.check: row for row in rows}


def failing(project: Path) -> dict[str, Row]:
    return {name: row for name, row in rows_by_check(project).items() if row.status == "fail"}


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_committed_project_passes_every_check_that_applies(committed: Path) -> None:
    rows = rows_by_check(committed)
    assert {name: row.status for name, row in rows.items()} == {
        **dict.fromkeys(CHECKS, "pass"),
        "badge": "pass",
        "ci data": "skip",  # no workflow runs its pipeline
        "learner words": "skip",  # not made by mlport: no sections to require
        "data names": "skip",  # nor a template whose default data it could still be named for
    }
    assert rows["numbers"].found == "1 numbers agree with reports/metrics.json"
    assert rows["license"].found == "holder: Ada Lovelace"
    result = runner.invoke(app, ["check", str(committed)])
    assert result.exit_code == 0, result.output
    for name in CHECKS:
        assert name in result.stdout


def test_results_not_committed_fail_with_the_command_to_commit_them(trained: Path) -> None:
    rows = failing(trained)
    assert set(rows) == {"figures", "committed"}
    assert rows["committed"].found.startswith("results not committed: README.md, dvc.lock")
    assert "git add README.md dvc.lock models/ reports/" in rows["committed"].fix
    assert rows["figures"].found == "not committed: reports/figures/curve.png"
    result = runner.invoke(app, ["check", str(trained)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: 2 of 13 checks fail: figures, committed"


def test_a_placeholder_left_fails(committed: Path) -> None:
    edit(
        committed,
        "pyproject.toml",
        'name = "iris-notes"',
        'name = "iris-notes"\nauthors = [{name = "Your Name"}]',
    )
    commit_all(committed, "Authors")
    rows = failing(committed)
    assert set(rows) == {"placeholders"}
    assert rows["placeholders"].found == "left in pyproject.toml (Your Name)"


def test_a_placeholder_license_holder_fails_twice_over(committed: Path) -> None:
    edit(committed, "LICENSE", "Ada Lovelace", "Your Name")
    rows = failing(committed)
    assert set(rows) == {"placeholders", "license"}
    assert rows["license"].found == "holder is the placeholder 'Your Name'"


def test_a_credential_in_the_readme_fails_without_repeating_it(committed: Path) -> None:
    edit(
        committed,
        "README.md",
        "A small study.",
        # Assembled here so this file holds no credential-shaped URL itself.
        "A small study of https://ada:" + PASSWORD + "@data.example.com/iris.csv",
    )
    rows = failing(committed)
    # The author may write in README.md outside its results block: DVC status stays a pass.
    assert set(rows) == {"secrets", "committed"}
    assert rows["secrets"].found == "Basic Auth Credentials in README.md"
    result = runner.invoke(app, ["check", str(committed)])
    assert PASSWORD not in result.output


def test_a_credential_removed_but_still_in_history_fails(committed: Path) -> None:
    (committed / "notes.txt").write_text("token ghp_" + "a1B2c3D4" * 5 + "\n")
    commit_all(committed, "Notes")
    (committed / "notes.txt").unlink()
    (committed / ".env").write_text("API_KEY=1\n")
    run(committed, "git", "add", "--all")
    run(committed, "git", "commit", "--quiet", "-m", "Oops")
    run(committed, "git", "rm", "--quiet", ".env")
    run(committed, "git", "commit", "--quiet", "-m", "Remove it")
    row = failing(committed)["secrets"]
    assert "GitHub Token in notes.txt (in an earlier commit)" in row.found
    assert ".env file in .env (in an earlier commit)" in row.found
    assert "git filter-repo" in row.fix


def test_variables_and_masks_in_urls_are_not_credentials(committed: Path) -> None:
    edit(
        committed,
        "README.md",
        "A small study.",
        "Set `MLFLOW_TRACKING_URI=https://${USER}:${TOKEN}@mlflow.example.com` or "
        "https://user:***@host/ to share runs; in code, f'http://alice:{SECRET}@host'.",
    )
    commit_all(committed, "Docs")
    assert rows_by_check(committed)["secrets"].status == "pass"


def test_a_missing_figure_fails(committed: Path) -> None:
    edit(
        committed, "README.md", "## Results", "![Architecture](docs/architecture.png)\n\n## Results"
    )
    commit_all(committed, "Diagram")
    rows = failing(committed)
    assert set(rows) == {"figures"}  # the README edit itself is the author's: dvc status passes
    assert rows["figures"].found == "referenced but missing: docs/architecture.png"


def test_readme_numbers_that_disagree_with_the_metrics_fail(committed: Path) -> None:
    metrics = (committed / "reports" / "metrics.json").read_text()
    edit(committed, "README.md", "| accuracy | 0.6667 |", "| accuracy | 0.9100 |")
    commit_all(committed, "Better numbers")
    rows = failing(committed)
    assert "numbers" in rows
    assert rows["numbers"].found == (
        "README shows accuracy 0.9100, reports/metrics.json has 0.666667"
    ), metrics


def test_a_large_file_in_git_fails(committed: Path) -> None:
    (committed / "weights.bin").write_bytes(b"\1" * (2 * 1024 * 1024))
    commit_all(committed, "Weights")
    row = failing(committed)["large files"]
    assert row.found == "over 1 MB: weights.bin (2.0 MB)"
    assert "dvc add" in row.fix


def test_a_stale_pipeline_fails_dvc_status(committed: Path) -> None:
    with (committed / "data" / "raw.csv").open("a") as data:
        data.write("61,1\n")
    row = failing(committed)["dvc status"]
    assert row.found.startswith("not up to date: ")
    assert "dvc repro" in row.fix


def test_the_badge_must_name_the_github_remote(committed: Path) -> None:
    run(committed, "git", "remote", "add", "origin", "git@github.com:someone-else/iris-notes.git")
    row = failing(committed)["badge"]
    assert row.found == "badge points at ada-l/iris-notes, the remote is someone-else/iris-notes"
    run(committed, "git", "remote", "set-url", "origin", "https://github.com/Ada-L/iris-notes.git")
    assert rows_by_check(committed)["badge"].status == "pass"


def test_before_the_first_run_the_readme_has_no_results(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    rows = rows_by_check(project)
    assert rows["results"].status == "fail"
    assert rows["results"].found == "README.md says there are no results yet"
    assert rows["numbers"].status == "skip"
    assert rows["dvc status"].status == "fail"


def test_outside_git_it_checks_what_applies(trained: Path) -> None:
    shutil.rmtree(trained / ".git")
    rows = rows_by_check(trained)
    assert rows["committed"].found == "not a git repository"
    assert rows["large files"].status == "skip"
    assert rows["secrets"].found == "no credential, token or .env file in the files"
    assert rows["numbers"].status == "pass"


def test_a_path_that_is_not_a_folder_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nowhere'} is not a folder"


@pytest.mark.parametrize("license", ["MIT", "BSD-3-Clause", "Proprietary"])
def test_the_license_holder_is_read_from_every_license_mlport_writes(
    tmp_path: Path, git_user: None, license: str
) -> None:
    from mlport.api import create_project
    from mlport.audit.checks import license_holder

    project = create_project(
        "tabular-classifier", tmp_path, context={"license": license}, git=False
    )
    assert license_holder((project / "LICENSE").read_text()) == "Ada Lovelace"


def check_in_a_process(project: Path) -> subprocess.CompletedProcess[str]:
    """`mlport check` in its own process group, stopped with everything it started after a
    minute and kept under 2 GB of memory: a reader that never stops fails the test instead of
    taking the machine with it."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    command = [sys.executable, "-m", "mlport", "check", str(project)]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[1])}
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=limit_memory,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail("mlport check did not finish in a minute")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_a_readme_linked_to_dev_zero_is_named_not_read(committed: Path) -> None:
    (committed / "README.md").unlink()
    (committed / "README.md").symlink_to("/dev/zero")
    commit_all(committed, "README from /dev/zero")
    done = check_in_a_process(committed)
    assert done.returncode == 1 and "a character device, not a file" in done.stdout
    rows = rows_by_check(committed)
    assert rows["results"].status == "fail"
    assert rows["results"].found == (
        "README.md is a symbolic link to /dev/zero, a character device, not a file"
    )
    # DVC would hash it forever: `dvc status` is not started.
    assert rows["dvc status"].found == (
        "not run: README.md is a symbolic link to /dev/zero, a character device, not a file"
    )


def test_a_fifo_named_readme_does_not_hang_the_check(committed: Path) -> None:
    (committed / "README.md").unlink()
    os.mkfifo(committed / "README.md")
    done = check_in_a_process(committed)
    assert done.returncode == 1
    assert "README.md is a named pipe (FIFO), not a file" in done.stdout
    assert rows_by_check(committed)["results"].found == (
        "README.md is a named pipe (FIFO), not a file"
    )


def test_a_readme_that_is_not_utf8_says_so(committed: Path) -> None:
    (committed / "README.md").write_bytes("# Café notes\n".encode("latin-1"))
    row = rows_by_check(committed)["results"]
    assert row.found == "README.md is not UTF-8 text (byte 0xe9 at offset 5)"
    assert "UTF-8" in row.fix


def test_a_folder_that_is_no_project_is_one_line_and_no_findings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text("machine example.com login ada password hunter2\n")
    (home / "notes.txt").write_text("export MLFLOW_TRACKING_PASSWORD=hunter2hunter2\n")
    result = runner.invoke(app, ["check", str(home)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {home} is not a project: no git repository, dvc.yaml, .mlport.json, "
        "pyproject.toml here"
    )


def test_a_folder_inside_a_project_names_the_project(committed: Path) -> None:
    (committed / "notes").mkdir()
    result = runner.invoke(app, ["check", str(committed / "notes")])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        f"; it is inside the git repository {committed}: check that folder"
    )
