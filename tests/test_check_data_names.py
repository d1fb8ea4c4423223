"""`mlport check`'s row `data names`: a project on other data is no longer named for the default."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlport.api import create_project
from mlport.audit.checks import check_data_names
from mlport.audit.data_names import (
    DATA_KEYS,
    MLFLOW_NAMES,
    PROJECT_FOLDER,
    lookup,
    template_defaults,
)
from mlport.audit.facts import Project
from mlport.cli import app
from mlport.registry import get_template
from tests.conftest import TEMPLATE_NAMES
from tests.small_project import run

runner = CliRunner()
TITANIC_ABOUT = """  about:
    name: Titanic passengers
    url: https://www.openml.org/d/40945
    license: Public domain
    citation: Harrell, F. (2002). Titanic passenger list.
    summary: Each row is one passenger of the Titanic, and whether they survived.
"""


def edit(path: Path, pattern: str, new: str) -> None:
    """Replace the one match of `pattern` (a regular expression, multiline) in the file."""
    text = path.read_text()
    edited, count = re.subn(pattern, new, text, flags=re.M)
    assert count == 1, pattern
    path.write_text(edited)


def copy_of(rendered: dict[str, Path], template: str, tmp_path: Path) -> Path:
    """A private copy of the template rendered with its defaults (no git)."""
    source = rendered[template]
    return Path(shutil.copytree(source, tmp_path / source.name, symlinks=True))


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_the_default_data_is_what_each_template_renders_and_its_row_passes(
    rendered: dict[str, Path], template: str
) -> None:
    project = rendered[template]
    default = template_defaults(get_template(template).path)
    params = yaml.safe_load((project / "params.yaml").read_text())
    # The key is the first of DATA_KEYS the rendered params.yaml holds, with the same value.
    assert default.key == next(key for key in DATA_KEYS if lookup(params, key) is not None)
    assert str(lookup(params, default.key)) == default.value
    about = params["data"]["about"]
    assert default.about == {field: " ".join(str(about[field]).split()) for field in default.about}
    # A published figure belongs to its data set: only nlp-sentiment's IMDB has one to quote.
    reference = {"reference"} if template == "nlp-sentiment" else set()
    assert set(default.about) == {"name", "url", "summary"} | reference
    assert default.mlflow == {name: params["mlflow"][name] for name in MLFLOW_NAMES}
    assert default.mlflow["experiment"] == project.name
    assert (default.slug, default.package) == (project.name, default.slug.replace("-", "_"))
    assert (project / "README.md").read_text().startswith(f"# {default.title}\n")
    assert (project / "src" / default.package).is_dir()
    row = check_data_names(Project(project), False)
    assert (row.status, row.found) == ("pass", f"data is the template's default ({default.value})")


def test_tabular_on_other_data_names_every_place_still_named_for_the_default(
    tmp_path: Path, git_user: None
) -> None:
    project = create_project("tabular-classifier", tmp_path)
    edit(
        project / "params.yaml",
        r"^  source: sklearn-breast-cancer$",
        "  source: data/raw/titanic.csv",
    )
    row = check_data_names(Project(project), False)
    assert row.status == "fail"
    assert row.found == (
        "data is data/raw/titanic.csv but still named for Breast Cancer Wisconsin (Diagnostic): "
        "project title, folder breast-cancer-classifier, package breast_cancer_classifier, "
        "pyproject.toml name, mlflow.experiment, mlflow.registered_model, "
        "data.about (name, url, summary)"
    )
    assert "data.about (name, url, summary)" in row.fix
    assert '`mlport rename "New Name"`' in row.fix and "rename the folder" in row.fix

    # The data described, the project renamed the way the fix says: only the folder is left.
    edit(project / "params.yaml", r"^  about:\n(    .*\n)+", TITANIC_ABOUT)
    run(project, "git", "commit", "-qam", "Train on the Titanic passengers")
    renamed = runner.invoke(app, ["rename", "titanic-survival", "--project", str(project)])
    assert renamed.exit_code == 0, renamed.output
    assert "The folder is still breast-cancer-classifier" in renamed.output
    row = check_data_names(Project(project), False)
    assert (row.status, row.found) == (
        "fail",
        "data is data/raw/titanic.csv but still named for Breast Cancer Wisconsin (Diagnostic): "
        "folder breast-cancer-classifier",
    )
    assert row.fix == "rename the folder (GitHub names the repository after it)"
    moved = project.rename(project.with_name("titanic-survival"))
    row = check_data_names(Project(moved), False)
    assert (row.status, row.found) == (
        "pass",
        "data is data/raw/titanic.csv; nothing still named for Breast Cancer Wisconsin "
        "(Diagnostic)",
    )


def test_nlp_on_its_own_file_names_the_docs_that_still_say_imdb(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    project = copy_of(rendered, "nlp-sentiment", tmp_path)
    edit(project / "params.yaml", r"^  source: imdb$", "  source: file")
    edit(
        project / "params.yaml",
        r"^    path: data/raw/example.csv$",
        "    path: data/raw/tweets.csv",
    )
    row = check_data_names(Project(project), False)
    assert row.status == "fail"
    assert row.found.startswith(
        "data is file data/raw/tweets.csv but still named for Large Movie Review Dataset (IMDB): "
        "project title, folder movie-review-sentiment, package movie_review_sentiment, "
    )
    # The guide to switching data (docs/own-data.md) names IMDB rightly: it is left out.
    assert row.found.endswith(
        "data.about (name, url, summary, reference), docs/files.md, docs/pipeline.md (IMDB)"
    )
    assert row.fix.endswith("rewrite what docs/files.md, docs/pipeline.md say about IMDB")
    # IMDB's published accuracy would stand beside a result on other data: it must go too.
    assert "remove data.about.reference from params.yaml" in row.fix
    params = yaml.safe_load((project / "params.yaml").read_text())
    del params["data"]["about"]["reference"]
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    row = check_data_names(Project(project), False)
    assert "data.about (name, url, summary), docs" in row.found
    assert "reference" not in row.fix


def test_rl_with_only_the_environment_changed_names_data_about_still_on_cartpole(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    project = copy_of(rendered, "rl-agent", tmp_path)
    assert template_defaults(get_template("rl-agent").path).key == "data.env.id"
    edit(project / "params.yaml", r"^    id: CartPole-v1$", "    id: Pendulum-v1")
    row = check_data_names(Project(project), False)
    assert row.status == "fail"
    assert row.found.startswith("data is Pendulum-v1 but still named for CartPole-v1 (Gymnasium): ")
    assert row.found.endswith(", mlflow.registered_model, data.about (name, url, summary)")
    # Describing the new environment leaves only the project's names; the Gymnasium citation and
    # license fit Pendulum too, so they are not asked for.
    params = project / "params.yaml"
    edit(params, r"^    name: CartPole-v1 \(Gymnasium\)$", "    name: Pendulum-v1 (Gymnasium)")
    edit(
        params,
        r"^    url: .*cart_pole/$",
        "    url: https://gymnasium.farama.org/environments/classic_control/pendulum/",
    )
    edit(
        params,
        r"^    summary: Balance a pole.*$",
        "    summary: Swing a pendulum up and keep it upright.",
    )
    row = check_data_names(Project(project), False)
    assert row.found == (
        "data is Pendulum-v1 but still named for CartPole-v1 (Gymnasium): project title, "
        "folder cartpole-agent, package cartpole_agent, pyproject.toml name, mlflow.experiment, "
        "mlflow.registered_model"
    )
    assert "data.about" not in row.fix


def test_mlport_check_fails_on_it(rendered: dict[str, Path], tmp_path: Path) -> None:
    project = copy_of(rendered, "clustering", tmp_path)
    edit(project / "params.yaml", r"^  source: sklearn-wine$", "  source: data/raw/customers.csv")
    result = runner.invoke(app, ["check", str(project)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "data names" in result.stderr.splitlines()[-1]
    assert "data is data/raw/customers.csv but still named for Wine recognition" in result.stdout


def test_projects_it_cannot_judge_are_skipped(
    rendered: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "params.yaml").write_text("data:\n  source: data/raw/a.csv\n")
    row = check_data_names(Project(tmp_path / "notes"), False)
    assert (row.status, row.found) == (
        "skip",
        "not a project mlport made from an installed template",
    )
    project = copy_of(rendered, "image-cnn", tmp_path)
    (project / "params.yaml").write_text("data: [unclosed\n")
    row = check_data_names(Project(project), False)
    assert (row.status, row.found) == ("skip", "no params.yaml naming data.source")
    # A template folder of the user's own that does not render is not held against the project.
    templates = tmp_path / "templates"
    template = Path(shutil.copytree(get_template("image-cnn").path, templates / "image-cnn"))
    (template / PROJECT_FOLDER / "params.yaml").write_text(
        "data: {source: {{ cookiecutter.nope }}}\n"
    )
    monkeypatch.setenv("MLPORT_TEMPLATES_DIR", str(templates))
    row = check_data_names(Project(project), False)
    assert (row.status, row.found) == ("skip", "the template image-cnn names no default data")
    monkeypatch.delenv("MLPORT_TEMPLATES_DIR")
    record = project / ".mlport.json"
    record.write_text(record.read_text().replace('"image-cnn"', '"no-such-template"'))
    assert check_data_names(Project(project), False).status == "skip"


def test_rl_data_about_rewritten_but_still_naming_cartpole_is_named(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    project = copy_of(rendered, "rl-agent", tmp_path)
    params = project / "params.yaml"
    edit(params, r"^    id: CartPole-v1$", "    id: Pendulum-v1")
    edit(params, r"^    name: CartPole-v1 \(Gymnasium\)$", "    name: Pendulum-v1 (Gymnasium)")
    edit(params, r"^    url: .*cart_pole/$", "    url: https://example.org/pendulum")
    # A summary edited by hand that still says what the agent did in CartPole contradicts it.
    edit(params, r"^    summary: Balance a pole.*$", "    summary: The cartpole balancing task.")
    row = check_data_names(Project(project), False)
    assert row.status == "fail"
    assert row.found.endswith(", mlflow.registered_model, data.about.summary naming cartpole")
    assert "describe your data in params.yaml's data.about (summary)" in row.fix
    # The environment's own name in the text is what a description of it should say.
    edit(params, r"^    summary: The cartpole.*$", "    summary: Swing a pendulum up, Pendulum-v1.")
    row = check_data_names(Project(project), False)
    assert "data.about" not in row.found and "data.about" not in row.fix
    # An unversioned CartPole, or the default's about name, in the name field counts too.
    edit(
        params,
        r"^    name: Pendulum-v1 \(Gymnasium\)$",
        "    name: CartPole-v1 (Gymnasium) on a pendulum",
    )
    row = check_data_names(Project(project), False)
    assert row.found.endswith("data.about.name naming CartPole-v1 (Gymnasium)")
