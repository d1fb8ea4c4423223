"""The page a visitor reads: headline first, a short README, a model card whose metadata is the run.

Words of the README's main page are counted as GitHub shows it before any click: fenced code
blocks, collapsed `<details>` blocks, HTML comments and tags, image markup and link targets are
left out; tables and captions count. The sections the learner writes (and Notes) are theirs to
fill: only what the scaffold and the pipeline write is counted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mlport.audit.learner import LEARNER_SECTIONS
from tests.slow.conftest import sharing
from tests.slow.harness import Project

pytestmark = pytest.mark.slow

MAX_WORDS = 800
FIRST_SCREEN_LINES = 40
# Templates whose headline metric is neither accuracy nor a return: only the page budget applies.
TABULAR_KIN = ("regressor", "clustering")
FENCED = re.compile(r"```.*?```", re.S)
COLLAPSED = re.compile(r"<details>.*?</details>", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z0-9]\S*")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
AUTHORED_TITLES = "|".join(map(re.escape, (*LEARNER_SECTIONS, "Notes")))
AUTHORED_SECTION = re.compile(
    rf"^## (?:{AUTHORED_TITLES})\n.*?(?=^## |<!-- results:start -->|\Z)", re.S | re.M
)


@pytest.fixture(
    params=[
        pytest.param(short, marks=sharing(f"{short}_trained"))
        for short in ("tabular", "image", "nlp", "rl")
    ]
)
def project(request: pytest.FixtureRequest) -> Project:
    """Each template's shared trained project (never changed here)."""
    if request.param == "nlp":
        return request.getfixturevalue("nlp_trained")
    if request.param == "rl":
        return request.getfixturevalue("rl_trained")[0]
    return request.getfixturevalue(f"{request.param}_trained").project


def main_page_words(readme: str) -> int:
    """Words a visitor reads on the README without expanding anything."""
    text = readme
    for pattern, replacement in (
        (FENCED, " "),
        (COLLAPSED, " "),
        (COMMENT, " "),
        (IMAGE, " "),
        (LINK_TARGET, "]"),
        (TAG, " "),
    ):
        text = pattern.sub(replacement, text)
    return len(WORD.findall(text))


def served_metrics(project: Project) -> dict[str, float]:
    """reports/metrics.json of the served model (nlp-sentiment nests one entry per model)."""
    metrics = project.metrics()
    if "best_model" in metrics:
        return metrics[metrics["best_model"]]
    return metrics


def card_metadata(project: Project) -> dict:
    found = FRONT_MATTER.match((project.path / "MODEL_CARD.md").read_text(encoding="utf-8"))
    assert found, "MODEL_CARD.md has no YAML metadata"
    return yaml.safe_load(found.group(1))


def test_the_readme_main_page_is_at_most_800_words(project: Project) -> None:
    main_page_within_budget(project)


@pytest.mark.parametrize(
    "short", [pytest.param(short, marks=sharing(f"{short}_trained")) for short in TABULAR_KIN]
)
def test_the_readme_main_page_of_a_tabular_kin_is_at_most_800_words(
    request: pytest.FixtureRequest, short: str
) -> None:
    main_page_within_budget(request.getfixturevalue(f"{short}_trained").project)


def main_page_within_budget(project: Project) -> None:
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    words = main_page_words(AUTHORED_SECTION.sub(" ", readme))
    print(f"\n{project.path.name}: {words} words the scaffold writes on the README's main page")
    assert words <= MAX_WORDS
    for page in ("pipeline", "serving", "own-data"):
        assert f"(docs/{page}.md)" in readme and (project.path / "docs" / f"{page}.md").is_file()
    assert "Everything between the two markers" not in readme


def test_the_headline_metric_comes_first(project: Project) -> None:
    lines = (project.path / "README.md").read_text(encoding="utf-8").splitlines()
    first_screen = "\n".join(lines[:FIRST_SCREEN_LINES])
    bold = next(line for line in lines if line.startswith("**"))
    assert bold in first_screen
    metrics = served_metrics(project)
    metric = next(key for key in ("iqm_return", "accuracy") if key in metrics)
    shown = float(re.match(r"\*\*([-\d.]+) ", bold).group(1))
    assert shown == pytest.approx(metrics[metric], abs=0.0051)
    assert "<details><summary>Where these numbers come from" in first_screen or (
        "MLflow run:" not in first_screen  # provenance only ever collapsed
    )


def test_the_headline_carries_the_interval_and_baseline_of_the_evaluation(project: Project) -> None:
    """Once the evaluate stage declares and writes reports/evaluation.json."""
    if "reports/evaluation.json" not in (project.path / "dvc.yaml").read_text(encoding="utf-8"):
        pytest.skip("the evaluate stage does not write reports/evaluation.json yet")
    evaluation = json.loads((project.path / "reports/evaluation.json").read_text(encoding="utf-8"))
    head = evaluation["headline"]
    lines = (project.path / "README.md").read_text(encoding="utf-8").splitlines()
    bold = next(line for line in lines[:FIRST_SCREEN_LINES] if line.startswith("**"))
    places = 3 if abs(head["value"]) <= 1 else 2
    assert f"**{head['value']:.{places}f} {head['label']}**" in bold
    assert f"on {head['n']} {head['unit']}" in bold
    if head["interval"]:
        low, high = head["interval"]
        assert f"[{low:.{places}f}, {high:.{places}f}]" in bold
    for baseline in evaluation["baselines"]:
        assert baseline["name"] in bold
    first = evaluation["figures"][0]["path"]
    screen = "\n".join(lines[:FIRST_SCREEN_LINES])
    assert f"]({first})" in screen or f'<img src="{first}"' in screen  # a tall one is sized


def test_the_model_card_metadata_parses_and_holds_the_metrics(project: Project) -> None:
    meta = card_metadata(project)
    assert meta["license"] and meta["tags"] and meta["datasets"]
    params = yaml.safe_load((project.path / "params.yaml").read_text(encoding="utf-8"))
    assert meta["datasets"] == [params["data"]["about"]["name"]]
    (entry,) = meta["model-index"]
    assert entry["name"] == params["mlflow"]["registered_model"]
    (result,) = entry["results"]
    shown = {metric["type"]: metric["value"] for metric in result["metrics"]}
    metrics = served_metrics(project)
    assert shown and set(shown) <= set(metrics)
    for key, value in shown.items():
        assert value == metrics[key], key
    assert set(meta["metrics"]) == set(shown)


def test_the_model_card_names_the_model_its_data_and_the_compute(project: Project) -> None:
    card = (project.path / "MODEL_CARD.md").read_text(encoding="utf-8")
    block = project.results_block("MODEL_CARD.md")
    params = yaml.safe_load((project.path / "params.yaml").read_text(encoding="utf-8"))
    about = params["data"]["about"]
    assert "## Model\n" in block and "## Compute\n" in block
    assert re.search(r"\d+\.\d s", block.split("## Compute", 1)[1]), "no wall time"
    if about.get("citation"):
        assert about["citation"] in block
    assert "```python" in card


def test_the_loading_snippet_of_the_model_card_runs(project: Project, tmp_path: Path) -> None:
    card = (project.path / "MODEL_CARD.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", card, re.S).group(1)
    script = tmp_path / "snippet.py"
    script.write_text(snippet, encoding="utf-8")
    done = project.python(str(script))  # fails the test on a non-zero exit
    assert done.stdout.strip(), "the snippet prints nothing"


def test_notes_survive_the_report_stage(tabular_trained, tmp_path: Path) -> None:
    project = tabular_trained.project.copy_to(tmp_path)
    readme = project.path / "README.md"
    notes = "I dropped the worst-area columns and recall did not move: next, tune the threshold."
    text = readme.read_text(encoding="utf-8")
    end = "<!-- results:end -->\n"
    readme.write_text(text.replace(end, f"{end}\n## Notes\n\n{notes}\n", 1), encoding="utf-8")
    project.dvc("repro", "-f", "-s", "report")
    after = readme.read_text(encoding="utf-8")
    assert notes in after
    assert after.index("<!-- results:end -->") < after.index(notes)
    assert "Where these numbers come from" in after


def test_the_experiments_table_shows_what_a_run_changed(tabular_trained, tmp_path: Path) -> None:
    project = tabular_trained.project.copy_to(tmp_path)
    project.dvc("exp", "run", "-S", "train.cv_folds=3")
    block = project.results_block("README.md")
    table = block.split("## Experiments", 1)[1].split("##", 1)[0]
    rows = [line for line in table.splitlines() if re.match(r"\| \d", line)]
    assert len(rows) >= 2, table
    assert "first run" in rows[0]
    assert "`train.cv_folds=3`" in rows[-1] and "(this page)" in rows[-1]


def test_on_other_data_no_sentence_of_the_default_data_remains(
    tabular_trained, tmp_path: Path
) -> None:
    project = tabular_trained.project.copy_to(tmp_path)
    default = yaml.safe_load((project.path / "params.yaml").read_text())["data"]["about"]
    rows = ["plant,petal,sepal,colour,species"]
    for index in range(60):
        species = ("setosa", "versicolor", "virginica")[index % 3]
        size = 1.0 + (index % 3) * 2.0 + (index % 7) * 0.1
        colour = ("red", "blue")[index % 2]
        rows.append(f"p{index},{size:.2f},{3 + index % 5 * 0.2:.1f},{colour},{species}")
    (project.path / "data/raw/flowers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    about = {
        "name": "Garden flowers",
        "url": "https://example.org/flowers",
        "license": "CC0 1.0",
        "citation": "Gardener, A. (2026). Garden flowers. Example Press.",
        "summary": "Each row is one flower measured in a garden.",
    }
    project.set_params(
        data={
            "source": "data/raw/flowers.csv",
            "target": "species",
            "drop_columns": ["plant"],
            "about": about,
        }
    )
    project.dvc("repro")
    name = project.path.name.replace("-", " ")  # the project's own name, from --name
    for document in ("README.md", "MODEL_CARD.md"):
        text = (project.path / document).read_text(encoding="utf-8")
        for sentence in default.values():
            if sentence:
                assert sentence not in text, (document, sentence)
        body = re.sub(re.escape(name), "", text.replace(project.path.name, ""), flags=re.I)
        for word in ("breast", "tumour", "malignant", "benign", "wisconsin", "569"):
            assert word not in body.lower(), (document, word)
        assert about["name"] in text and about["citation"] in text
        assert "`setosa` (20)" in text and "60 rows" in text
