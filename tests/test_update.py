"""`mlport update` with real git: template changes merge in, conflicts stop as git conflicts,
a dirty tree is refused, `--check` answers for CI, and pipeline outputs are never touched."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlport.api import create_project
from mlport.cli import app
from mlport.record import RECORD_FILE, source_commit
from mlport.registry import templates_root
from mlport.update_command import UPDATE_AVAILABLE_EXIT
from mlport.vcs import TEMPLATE_BRANCH

TEMPLATE = "tabular-classifier"
PROJECT_DIR = "{{cookiecutter.project_slug}}"
LEARNER = ["-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
runner = CliRunner()


def git(project: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def commit(project: Path, message: str) -> str:
    git(project, "add", "--all")
    git(project, *LEARNER, "commit", "--quiet", "-m", message)
    return git(project, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def update(project: Path, *args: str):
    return runner.invoke(app, ["update", "--project", str(project), *args])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One templates copy and one project generated from it, copied afresh for each test."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copytree(templates_root() / TEMPLATE, root / "templates" / TEMPLATE)
    home = root / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n")
    (home / "cookiecutterrc.json").write_text(json.dumps({"replay_dir": str(home / "replay")}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("COOKIECUTTER_CONFIG", str(home / "cookiecutterrc.json"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("MLPORT_TEMPLATES_DIR", str(root / "templates"))
        project = create_project(TEMPLATE, root / "projects")
    return root / "templates", project


@pytest.fixture
def setup(
    pristine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_user: None
) -> tuple[Path, Path]:
    """(the template folder to edit, the project), both private to the test."""
    templates = tmp_path / "templates"
    shutil.copytree(pristine[0], templates)
    project = tmp_path / pristine[1].name
    shutil.copytree(pristine[1], project, symlinks=True)
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(templates))
    return templates / TEMPLATE, project


def test_generation_starts_main_from_the_template_branch(setup) -> None:
    _, project = setup
    first = git(project, "rev-list", "--max-parents=0", "HEAD")
    assert git(project, "rev-parse", TEMPLATE_BRANCH) == first
    assert git(project, "log", "--format=%s", "main").splitlines() == [
        "Initialise DVC",
        "Start Breast Cancer Classifier from mlport's tabular-classifier template",
    ]
    template_files = git(project, "ls-tree", "-r", "--name-only", TEMPLATE_BRANCH).split()
    assert RECORD_FILE in template_files
    assert not [path for path in template_files if path.startswith(".dvc")], "DVC is main's"
    record = json.loads((project / RECORD_FILE).read_text())
    assert record["template"] == TEMPLATE
    assert record["answers"]["project_slug"] == "breast-cancer-classifier"
    assert record["answers"]["license"] == "MIT"
    assert not [key for key in record["answers"] if key.startswith("_")]


def test_an_installed_wheel_records_the_commit_it_was_built_from(tmp_path: Path) -> None:
    templates = tmp_path / "site-packages" / "mlport" / "templates"
    templates.mkdir(parents=True)
    assert source_commit(templates) is None
    (templates.parent / "SOURCE_COMMIT").write_text("0f" * 20 + "\n")
    assert source_commit(templates) == "0f" * 20
    (templates.parent / "SOURCE_COMMIT").write_text("$(touch x)\n")
    assert source_commit(templates) is None


def test_a_project_made_without_identity_is_committed_and_filled_in_as_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_root() / TEMPLATE, templates / TEMPLATE)
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(templates))
    monkeypatch.chdir(tmp_path)
    warnings: list[str] = []
    project = create_project(TEMPLATE, Path("out"), warn=warnings.append)
    assert git(project, "rev-list", "--all") == "", "no commit without an identity"
    assert (project / ".dvc" / "config").is_file(), "`dvc repro` works before the first commit"
    (told,) = [line for line in warnings if "first commit was skipped" in line]
    (placeholders,) = [line for line in warnings if line.startswith("placeholder identity")]

    # Pasted as printed, from where `mlport new` ran: identity, commit and template branch.
    steps = [line.strip() for line in told.splitlines()[1:]]
    assert steps[2] == "cd out/breast-cancer-classifier"
    subprocess.run("\n".join(steps), shell=True, check=True, capture_output=True)
    assert git(project, "log", "--format=%an %s") == (
        "Ada Lovelace Start Breast Cancer Classifier from mlport's tabular-classifier template"
    )
    assert git(project, "rev-parse", TEMPLATE_BRANCH) == git(project, "rev-parse", "main")
    # Then the placeholder identity, replaced in place as the second warning says.
    monkeypatch.chdir(project)
    command = shlex.split(placeholders.split("`")[1])
    assert command[:2] == ["mlport", "update"]
    filled = runner.invoke(app, command[1:])
    assert filled.exit_code == 0, filled.output
    license_text = (project / "LICENSE").read_text()
    assert "Ada Lovelace" in license_text and "Your Name" not in license_text
    assert "ada-l/breast-cancer-classifier" in (project / "README.md").read_text()

    makefile = templates / TEMPLATE / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    result = update(project)

    assert result.exit_code == 0, result.output
    assert (project / "Makefile").read_text().endswith("# a template improvement\n")
    assert (project / ".dvc" / "config").is_file(), "DVC's own files are never the template's"
    assert git(project, "status", "--porcelain") == ""


def test_a_template_change_in_an_untouched_file_arrives_and_my_commits_stay(setup) -> None:
    template, project = setup
    edit(project / "params.yaml", "seed: 42", "seed: 7")
    mine = commit(project, "Use my own seed")
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")

    result = update(project)

    assert result.exit_code == 0, result.output
    assert "Merged mlport's tabular-classifier template into main (1 file changed" in result.stdout
    assert (project / "Makefile").read_text().endswith("# a template improvement\n")
    assert "seed: 7" in (project / "params.yaml").read_text()
    parents = git(project, "log", "-1", "--format=%P").split()
    assert parents[0] == mine and parents[1] == git(project, "rev-parse", TEMPLATE_BRANCH)
    assert git(project, "status", "--porcelain") == ""
    # The template branch stays pristine: it never sees the learner's edit.
    assert "seed: 42" in git(project, "show", f"{TEMPLATE_BRANCH}:params.yaml")
    assert update(project, "--check").exit_code == 0


def test_a_change_to_a_line_i_also_changed_stops_as_a_git_conflict(setup) -> None:
    template, project = setup
    edit(project / "params.yaml", "seed: 42", "seed: 7")
    mine = commit(project, "Use my own seed")
    edit(template / PROJECT_DIR / "params.yaml", "seed: 42", "seed: 0")

    result = update(project)

    assert result.exit_code == 1
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    assert "conflict with yours in params.yaml" in message
    assert "git add" in message and "git commit" in message and "git merge --abort" in message
    assert "UU params.yaml" in git(project, "status", "--porcelain").splitlines()
    again = update(project)
    assert again.exit_code == 1
    assert again.output.startswith("error: a merge is in progress: finish it")

    git(project, "merge", "--abort")
    assert git(project, "rev-parse", "HEAD") == mine
    assert git(project, "status", "--porcelain") == ""
    assert "seed: 7" in (project / "params.yaml").read_text()


def test_after_an_aborted_merge_the_update_is_still_offered(setup) -> None:
    template, project = setup
    edit(project / "params.yaml", "seed: 42", "seed: 7")
    commit(project, "Use my own seed")
    edit(template / PROJECT_DIR / "params.yaml", "seed: 42", "seed: 0")
    assert update(project).exit_code == 1
    git(project, "merge", "--abort")

    waiting = update(project, "--check")
    assert waiting.exit_code == UPDATE_AVAILABLE_EXIT
    assert "(1 file change)" in waiting.stdout, "what the template changed, not my own edits"
    assert update(project).exit_code == 1, "the same conflict again, not 'up to date'"


def test_a_clone_follows_the_template_branch_pushed_with_the_project(setup, tmp_path) -> None:
    template, project = setup
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(project), str(clone))
    assert git(clone, "branch", "--list", TEMPLATE_BRANCH) == "", "only main is checked out"
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")

    assert update(clone, "--check").exit_code == UPDATE_AVAILABLE_EXIT
    result = update(clone)

    assert result.exit_code == 0, result.output
    assert (clone / "Makefile").read_text().endswith("# a template improvement\n")
    parent = git(clone, "rev-parse", f"{TEMPLATE_BRANCH}^")
    assert parent == git(clone, "rev-parse", f"origin/{TEMPLATE_BRANCH}")


def test_a_clone_without_the_template_branch_is_told_how_to_fetch_it(setup, tmp_path) -> None:
    _, project = setup
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--single-branch", str(project), str(clone))
    refs_before = git(clone, "show-ref")

    result = update(clone, "--check")

    assert result.exit_code == 1
    assert "--adopt` starts it" not in result.output, "adopting would rewrite every file"
    fix = f"git fetch origin {TEMPLATE_BRANCH}:{TEMPLATE_BRANCH}"
    assert f"`{fix}`" in result.output
    assert git(clone, "show-ref") == refs_before
    subprocess.run(fix, shell=True, cwd=clone, check=True, capture_output=True)
    assert update(clone, "--check").exit_code == 0


def test_a_dirty_tree_is_refused_and_nothing_changes(setup) -> None:
    template, project = setup
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    (project / "params.yaml").write_text("seed: 1\n")
    refs_before = git(project, "show-ref")
    head_before = git(project, "rev-parse", "HEAD")

    result = update(project)

    assert result.exit_code == 1
    assert result.output.strip().startswith("error: uncommitted changes (params.yaml)")
    assert len(result.output.strip().splitlines()) == 1
    assert git(project, "show-ref") == refs_before
    assert git(project, "rev-parse", "HEAD") == head_before
    assert git(project, "status", "--porcelain") == "M params.yaml"
    assert (project / "params.yaml").read_text() == "seed: 1\n"
    assert "# a template improvement" not in (project / "Makefile").read_text()


def test_without_a_git_identity_the_update_is_refused_and_nothing_changes(
    setup, isolated_home: Path
) -> None:
    template, project = setup
    (isolated_home / ".gitconfig").unlink()  # the learner has no identity: mlport makes none up
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    refs_before = git(project, "show-ref")

    result = update(project)

    assert result.exit_code == 1
    assert result.output.strip().startswith("error: git has no identity to commit the update with")
    assert git(project, "show-ref") == refs_before
    assert git(project, "status", "--porcelain") == ""


def test_check_exits_zero_when_up_to_date_and_non_zero_when_an_update_waits(setup) -> None:
    template, project = setup
    up_to_date = update(project, "--check")
    assert up_to_date.exit_code == 0, up_to_date.output
    assert "Up to date" in up_to_date.stdout

    dockerignore = template / PROJECT_DIR / ".dockerignore"
    dockerignore.write_text(dockerignore.read_text() + "notebooks/\n")
    refs_before = git(project, "show-ref")
    available = update(project, "--check")

    assert available.exit_code == UPDATE_AVAILABLE_EXIT
    assert "is available (1 file change)" in available.stdout
    assert git(project, "show-ref") == refs_before, "--check changes nothing"
    assert git(project, "status", "--porcelain") == ""


def test_set_changes_an_answer_during_the_update(setup) -> None:
    _, project = setup
    result = update(project, "--set", "license=BSD-3-Clause")

    assert result.exit_code == 0, result.output
    assert (project / "LICENSE").read_text().startswith("BSD 3-Clause License")
    record = json.loads((project / RECORD_FILE).read_text())
    assert record["answers"]["license"] == "BSD-3-Clause"
    assert update(project, "--check").exit_code == 0, "the record keeps the new answer"


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("license=WTFPL", "error: license='WTFPL' is not one of the choices: MIT, BSD-3-Clause"),
        ("colour=blue", "error: template 'tabular-classifier' has no key 'colour'"),
        ("license", "error: --set expects key=value, got 'license'"),
    ],
    ids=["bad-choice", "unknown-key", "no-equals"],
)
def test_a_bad_set_is_refused_and_nothing_changes(setup, pair: str, message: str) -> None:
    _, project = setup
    refs_before = git(project, "show-ref")
    result = update(project, "--set", pair)
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert git(project, "show-ref") == refs_before
    assert git(project, "status", "--porcelain") == ""


def test_outside_a_repository_it_is_not_a_project(tmp_path: Path) -> None:
    result = update(tmp_path)
    assert result.exit_code == 1
    assert "is not inside a git repository, so it is not an mlport project" in result.output


def test_a_repository_without_a_record_is_refused(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    result = update(tmp_path)
    assert result.exit_code == 1
    assert f"has no {RECORD_FILE}, so it was not made by `mlport new`" in result.output


def test_a_project_with_the_older_cruft_record_can_adopt_the_template_branch(setup) -> None:
    _, made = setup
    project = create_project(TEMPLATE, made.parent / "older", git=False)
    record = json.loads((project / RECORD_FILE).read_text())
    (project / RECORD_FILE).unlink()
    # What mlport wrote before `update` existed.
    cruft = {
        "template": "https://github.com/mlport/mlport",
        "commit": None,
        "checkout": "v0.1.0",
        "context": {"cookiecutter": {**record["answers"], "_template": "x", "_output_dir": "/"}},
        "directory": f"templates/{TEMPLATE}",
    }
    (project / ".cruft.json").write_text(json.dumps(cruft))
    git(project, "init", "--quiet")
    commit(project, "Start")
    assert "`mlport update --adopt` starts it" in update(project).output

    adopted = update(project, "--adopt")

    assert adopted.exit_code == 0, adopted.output
    assert json.loads((project / RECORD_FILE).read_text())["answers"] == record["answers"]
    assert update(project, "--check").exit_code == 0


def test_a_record_naming_an_unknown_template_is_refused(setup) -> None:
    _, project = setup
    record = json.loads((project / RECORD_FILE).read_text())
    record["template"] = "gone"
    (project / RECORD_FILE).write_text(json.dumps(record))
    commit(project, "Point at a template that does not exist")
    result = update(project)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: unknown template 'gone' in {project / RECORD_FILE}")
    assert "known templates: tabular-classifier" in result.output


def test_a_project_without_the_template_branch_says_how_to_proceed(tmp_path: Path) -> None:
    project = create_project("rl-agent", tmp_path, git=False)
    git(project, "init", "--quiet")
    commit(project, "My own first commit")
    result = update(project)
    assert result.exit_code == 1
    assert f"has no {TEMPLATE_BRANCH} branch (made with --no-git" in result.output
    assert "`mlport update --adopt` starts it" in result.output


def test_adopt_starts_the_template_branch_and_merges_it_once(setup) -> None:
    template, _ = setup
    project = create_project(TEMPLATE, setup[1].parent / "made-without-git", git=False)
    git(project, "init", "--quiet", "--initial-branch=main")
    edit(project / "params.yaml", "seed: 42", "seed: 7")
    mine = commit(project, "My own first commit")
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")

    adopted = update(project, "--adopt")

    # No common history yet: every file where the two differ is a conflict, resolved once.
    assert adopted.exit_code == 1
    assert "conflict with yours in Makefile, params.yaml:" in adopted.output
    git(project, "checkout", "--ours", "params.yaml")
    git(project, "checkout", "--theirs", "Makefile")
    commit(project, "Adopt mlport's template, keeping my seed")
    assert (project / "Makefile").read_text().endswith("# a template improvement\n")
    assert "seed: 7" in (project / "params.yaml").read_text()
    assert git(project, "merge-base", "HEAD", TEMPLATE_BRANCH) == git(
        project, "rev-parse", TEMPLATE_BRANCH
    )
    assert mine in git(project, "rev-list", "HEAD").split()
    assert update(project, "--check").exit_code == 0
    assert "already follows its template" in update(project, "--adopt").output


def test_a_new_mlport_version_alone_is_not_an_update(
    setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, project = setup
    monkeypatch.setattr("mlport.record.__version__", "99.0.0")
    monkeypatch.setattr("mlport.record.source_commit", lambda _: "f" * 40)
    result = update(project, "--check")
    assert result.exit_code == 0, result.output
    assert "Up to date" in result.stdout


def test_a_merge_git_refuses_leaves_the_template_branch_where_it_was(setup) -> None:
    template, project = setup
    (template / PROJECT_DIR / "NOTES.md").write_text("from the template\n")
    (project / "NOTES.md").write_text("my untracked notes\n")
    refs_before = git(project, "show-ref")

    result = update(project)

    assert result.exit_code == 1
    assert "git merge refused, nothing was changed" in result.output
    assert "NOTES.md" in result.output
    assert git(project, "show-ref") == refs_before
    assert (project / "NOTES.md").read_text() == "my untracked notes\n"


def test_templates_dir_points_list_and_new_at_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "templates"
    shutil.copytree(templates_root() / TEMPLATE, root / "my-template")
    config = json.loads((root / "my-template" / "cookiecutter.json").read_text())
    config["_description"] = "A template under development"
    (root / "my-template" / "cookiecutter.json").write_text(json.dumps(config))
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(root))

    listed = runner.invoke(app, ["list"])
    assert listed.exit_code == 0
    assert "my-template" in listed.stdout and "A template under development" in listed.stdout
    assert TEMPLATE not in listed.stdout
    project = create_project("my-template", tmp_path / "out", git=False)
    assert json.loads((project / RECORD_FILE).read_text())["template"] == "my-template"

    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(tmp_path / "missing"))
    missing = runner.invoke(app, ["new", TEMPLATE, "--no-input", "-o", str(tmp_path / "x")])
    assert missing.exit_code == 1
    assert f"MLPORT_TEMPLATES_DIR={tmp_path / 'missing'} is not a folder" in missing.output


RESULTS = (
    "<!-- results:start -->\n| metric | value |\n|---|---|\n| accuracy | 0.9650 |\n"
    "<!-- results:end -->"
)


def write_fake_outputs(project: Path, accuracy: str) -> dict[str, bytes]:
    """What `dvc repro` leaves behind, as a learner commits it: outputs and results blocks."""
    outputs = {
        "data/train.csv": b"a,b\n1,2\n",
        "models/model.joblib": b"\x80\x04fake model",
        "reports/metrics.json": json.dumps({"accuracy": float(accuracy)}).encode(),
        "reports/figures/roc_curve.png": b"\x89PNG fake",
        "mlflow.db": b"SQLite format 3\x00 fake",
    }
    for path, content in outputs.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(content)
    # DVC ignores its cached outputs in git the way it does for real.
    (project / "data" / ".gitignore").write_text("/train.csv\n")
    (project / "models" / ".gitignore").write_text("/model.joblib\n")
    for document in ("README.md", "MODEL_CARD.md"):
        text = (project / document).read_text(encoding="utf-8")
        start = text.index("<!-- results:start -->")
        end = text.index("<!-- results:end -->") + len("<!-- results:end -->")
        block = RESULTS.replace("0.9650", accuracy)
        (project / document).write_text(text[:start] + block + text[end:], encoding="utf-8")
    return {**outputs, **{doc: (project / doc).read_bytes() for doc in ("README.md",)}}


def results_block(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<!-- results:start -->") : text.index("<!-- results:end -->")]


def test_pipeline_outputs_and_results_blocks_are_never_touched(setup) -> None:
    template, project = setup
    base = template / "templates"
    wording = "Who needs this prediction"
    for accuracy, improvement in (("0.9650", "first"), ("0.9712", "second")):
        outputs = write_fake_outputs(project, accuracy)
        blocks = {doc: results_block(project / doc) for doc in ("README.md", "MODEL_CARD.md")}
        commit(project, f"Results of run {accuracy}")
        # The template rewrites its placeholder inside the blocks, the prose just above
        # them, and (wrongly) ships files where the pipeline writes its outputs.
        for document in ("README.base.md", "MODEL_CARD.base.md"):
            text = (base / document).read_text(encoding="utf-8")
            marker = text.index("<!-- results:start -->") + len("<!-- results:start -->")
            (base / document).write_text(
                text[:marker] + f"\n_Placeholder, {improvement} version._" + text[marker:]
            )
        new_wording = f"Who ({improvement} wording) needs this prediction"
        edit(base / "README.base.md", wording, new_wording)
        wording = new_wording
        for path in ("reports/metrics.json", "models/model.joblib", "mlflow.db"):
            shipped = template / PROJECT_DIR / path
            shipped.parent.mkdir(parents=True, exist_ok=True)
            shipped.write_text("from the template\n")

        result = update(project)

        assert result.exit_code == 0, result.output
        readme = (project / "README.md").read_text(encoding="utf-8")
        assert new_wording in readme, "the prose around the block arrives"
        for document, block in blocks.items():
            assert results_block(project / document) == block, document
        for path, content in outputs.items():
            if path != "README.md":
                assert (project / path).read_bytes() == content, path
        template_files = git(project, "ls-tree", "-r", "--name-only", TEMPLATE_BRANCH).split()
        assert not {"reports/metrics.json", "models/model.joblib", "mlflow.db"} & set(
            template_files
        )
        assert git(project, "status", "--porcelain") == ""


def test_new_results_alone_are_never_an_update(setup) -> None:
    template, project = setup
    for accuracy in ("0.9650", "0.9712"):
        write_fake_outputs(project, accuracy)
        head = commit(project, f"Results of run {accuracy}")

        checked = update(project, "--check")
        updated = update(project)

        assert checked.exit_code == 0, checked.output
        assert "Up to date" in updated.stdout, updated.output
        assert git(project, "rev-parse", "HEAD") == head, "no merge commit that changes nothing"
        # A real template change in between: its merge carries the first run's results.
        makefile = template / PROJECT_DIR / "Makefile"
        makefile.write_text(makefile.read_text() + f"\n# improvement after {accuracy}\n")
        assert update(project).exit_code == 0


def test_template_files_inside_a_declared_output_folder_stay_as_they_are(setup) -> None:
    template, project = setup
    # The learner's pipeline now writes data/raw itself, where the template keeps a README.
    edit(
        project / "dvc.yaml",
        "stages:\n",
        "stages:\n  fetch:\n    cmd: true\n    outs:\n      - data/raw\n",
    )
    commit(project, "Fetch my own raw data")
    ours = (project / "data" / "raw" / "README.md").read_bytes()
    raw_readme = template / PROJECT_DIR / "data" / "raw" / "README.md"
    raw_readme.write_text("rewritten by the template\n")
    makefile = template / PROJECT_DIR / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")

    result = update(project)

    assert result.exit_code == 0, result.output
    assert "the template ships data/raw/README.md, where the pipeline writes its outputs" in (
        result.output
    )
    assert (project / "data" / "raw" / "README.md").read_bytes() == ours
    assert (project / "Makefile").read_text().endswith("# a template improvement\n")
