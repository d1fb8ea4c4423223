"""train -> evaluate -> report on the tiny project: the files, the numbers, the MLflow run."""

from __future__ import annotations

import json
import re

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.tracking import load_run_record
from {{ cookiecutter.package_name }}.data import prepare_data, read_split
from {{ cookiecutter.package_name }}.features import infer_schema
from {{ cookiecutter.package_name }}.selection import select_model

FIGURES = [
    "confusion_matrix",
    "roc_curve",
    "precision_recall_curve",
    "permutation_importance",
    "cv_comparison",
]


def results_block(path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.search(r"<!-- results:start -->(.*?)<!-- results:end -->", text, re.S).group(1)


def test_every_stage_leaves_its_outputs(trained):
    for name in [
        "data/train.csv",
        "data/test.csv",
        "models/model.joblib",
        "models/feature_schema.json",
        "models/run.json",
        "reports/cv_results.json",
    ]:
        assert (trained / name).is_file(), name
    for name in FIGURES:
        assert (trained / f"reports/figures/{name}.png").stat().st_size > 1000, name


def test_the_metrics_are_the_five_held_out_scores(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    assert list(metrics) == ["accuracy", "precision", "recall", "f1", "roc_auc"]
    assert all(0 <= value <= 1 for value in metrics.values())
    assert metrics["accuracy"] > 0.8  # the tiny classes are well apart


def test_the_cv_comparison_names_every_candidate_and_the_best(trained):
    cv = json.loads((trained / "reports/cv_results.json").read_text(encoding="utf-8"))
    assert set(cv["candidates"]) == {
        "logistic_regression",
        "random_forest",
        "hist_gradient_boosting",
    }
    assert cv["scoring"] == "roc_auc_ovr"  # three classes
    best = max(cv["candidates"], key=lambda name: cv["candidates"][name]["mean"])
    assert cv["best"] == best


def test_readme_and_model_card_show_exactly_the_metrics(trained):
    metrics = json.loads((trained / "reports/metrics.json").read_text(encoding="utf-8"))
    for document in ("README.md", "MODEL_CARD.md"):
        block = results_block(trained / document)
        for name, value in metrics.items():
            assert f"| {name} | {value:.4f} |" in block, (document, name)
        assert "Not evaluated yet" not in block and "No results yet" not in block
    readme = results_block(trained / "README.md")
    for name in FIGURES:
        assert f"reports/figures/{name}.png" in readme


def test_one_mlflow_run_holds_params_cv_test_metrics_figures_and_model(trained):
    from mlflow import MlflowClient

    record = load_run_record(trained / "models/run.json")
    client = MlflowClient(f"sqlite:///{trained / 'mlflow.db'}")
    run = client.get_run(record.run_id)
    assert run.data.params["train.cv_folds"] == "3"
    assert {"cv_best_mean", "test_accuracy", "test_roc_auc"} <= set(run.data.metrics)
    artifacts = {item.path for item in client.list_artifacts(record.run_id, "figures")}
    assert "figures/confusion_matrix.png" in artifacts
    version = client.get_model_version("tiny-model", record.model_version)
    assert version.run_id == record.run_id


def test_model_selection_is_deterministic(project):
    config = load_config()
    prepare_data(config)
    features, labels = read_split(project / "data/train.csv", "species")
    schema = infer_schema(features, labels)
    features = schema.coerce(features)
    first = select_model(features, labels, schema, config)
    second = select_model(features, labels, schema, config)
    assert first.summary() == second.summary()


def test_labels_and_columns_from_the_data_reach_the_page_as_text(project):
    """A label holding the end marker, others holding HTML and backticks, a column with a
    backtick: the README shows them as text, and a second report leaves it as it was."""
    import pandas as pd
    import pytest

    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.reporting.report_blocks import END
    from {{ cookiecutter.package_name }}.train import train

    hostile = {
        "adelie": END,
        "chinstrap": '`<img src="https://tracker.example/p.gif">`',
        "gentoo": "[gentoo](https://evil.example)",
    }
    table = pd.read_csv(project / "data/raw/tiny.csv")
    table["species"] = table["species"].map(hostile)
    table.rename(columns={"island": "is`land <a href='https://evil.example'>"}).to_csv(
        project / "data/raw/tiny.csv", index=False
    )
    config = load_config()
    prepare_data(config)
    train(config)
    evaluate(config)
    report(config)
    readme = (project / "README.md").read_text(encoding="utf-8")
    report(config)
    assert (project / "README.md").read_text(encoding="utf-8") == readme, "the page grew"
    assert readme.count(END) == 1
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(readme)
    assert "tracker.example" in html and "evil.example" in html  # shown, as text
    assert '<img src="https://tracker.example' not in html
    assert '<a href="https://evil.example' not in html and "<a href='https" not in html


def test_a_read_only_models_folder_stops_training_before_any_mlflow_run(project):
    """The error says which folder; models/ and MLflow's registry stay as they were."""
    import os

    import mlflow
    import pytest

    from {{ cookiecutter.package_name }}.core.errors import ProjectError
    from {{ cookiecutter.package_name }}.train import train

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    config = load_config()
    prepare_data(config)
    models = project / "models"
    models.mkdir()
    (models / "model.joblib").write_text("previous")
    models.chmod(0o555)
    try:
        with pytest.raises(ProjectError, match=r"cannot save the model: models/ is not writable"):
            train(config)
    finally:
        models.chmod(0o755)
    assert [path.name for path in models.iterdir()] == ["model.joblib"]
    assert (models / "model.joblib").read_text() == "previous"
    client = mlflow.MlflowClient(os.environ["MLFLOW_TRACKING_URI"])
    assert client.search_model_versions("name = 'tiny-model'") == []
    assert client.get_experiment_by_name("tests") is None, "no run was started"


def test_a_binary_problem_gets_its_threshold_table_in_the_model_card_only(project):
    """The card shows reports/thresholds.json's numbers; the README points there in one line."""
    import pandas as pd

    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.train import train

    table = pd.read_csv(project / "data/raw/tiny.csv")
    table[table["species"] != "chinstrap"].to_csv(project / "data/raw/tiny.csv", index=False)
    config = load_config()
    prepare_data(config)
    train(config)
    evaluate(config)
    report(config)
    thresholds = json.loads((project / "reports/thresholds.json").read_text(encoding="utf-8"))
    assert thresholds["positive"] == "gentoo" and thresholds["operating_point"] == 0.5
    assert [row["threshold"] for row in thresholds["rows"]][0::4] == [0.1, 0.5, 0.9]
    card = results_block(project / "MODEL_CARD.md")
    readme = results_block(project / "README.md")
    assert "### Decision thresholds" in card and "Decision thresholds" not in readme
    for row in thresholds["rows"]:
        shown = "**0.5** (used)" if row["threshold"] == 0.5 else str(row["threshold"])
        precision = "–" if row["precision"] is None else f"{row['precision']:.4f}"
        line = (
            f"| {shown} | {precision} | {row['recall']:.4f} | {row['misses']} | "
            f"{row['false_alarms']} |"
        )
        assert line in card
    evaluation = json.loads((project / "reports/evaluation.json").read_text(encoding="utf-8"))
    pointer = [line for line in evaluation["findings"] if "decision threshold" in line]
    assert len(pointer) == 1 and "[model card](MODEL_CARD.md)" in pointer[0]
    assert pointer[0] in readme
    operating = next(row for row in thresholds["rows"] if row["threshold"] == 0.5)
    assert f"{operating['misses']} of {thresholds['positives']} `gentoo` rows" in readme


def test_a_multiclass_problem_writes_no_threshold_rows(trained):
    thresholds = json.loads((trained / "reports/thresholds.json").read_text(encoding="utf-8"))
    assert thresholds["positive"] is None and thresholds["rows"] == []
    assert "Decision thresholds" not in (trained / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_named_classes_reach_the_page_the_card_the_figures_and_the_api(project, monkeypatch):
    """0/1/2 in the CSV, two of them named: every place a reader sees a class shows the name,
    and the unnamed value keeps its own form."""
    import pandas as pd
    from fastapi.testclient import TestClient
    from matplotlib.text import Text

    from {{ cookiecutter.package_name }} import figures
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.reporting import plotting
    from {{ cookiecutter.package_name }}.train import train

    from .tiny import tiny_params, write_params

    table = pd.read_csv(project / "data/raw/tiny.csv")
    table["species"] = table["species"].map({"adelie": 0, "chinstrap": 1, "gentoo": 2})
    table.to_csv(project / "data/raw/tiny.csv", index=False)
    params = tiny_params()
    params["data"] |= {"label_names": {0: "Adélie", 1: "Chinstrap"}}
    write_params(project, params)
    shown: dict[str, set[str]] = {}
    ticks: dict[str, set[str]] = {}
    save = plotting.save_figure

    def saved_with_texts(figure, path):
        saved = save(figure, path)  # drawn: tick labels exist now
        shown[saved.stem] = {text.get_text() for text in figure.findobj(Text)}
        axes = figure.axes[0]
        ticks[saved.stem] = {
            label.get_text() for label in axes.get_xticklabels() + axes.get_yticklabels()
        }
        return saved

    monkeypatch.setattr(plotting, "save_figure", saved_with_texts)
    monkeypatch.setattr(figures, "save_figure", saved_with_texts)
    config = load_config()
    prepare_data(config)
    train(config)
    evaluate(config)
    report(config)

    named = {"Adélie", "Chinstrap", "2"}
    assert ticks["confusion_matrix"] == named
    curves = " ".join(shown["roc_curve"])
    assert "Adélie" in curves and "Chinstrap" in curves
    evaluation = json.loads((project / "reports/evaluation.json").read_text(encoding="utf-8"))
    findings = json.dumps(evaluation["findings"], ensure_ascii=False)
    assert "Adélie" in findings or "Chinstrap" in findings
    for document in ("README.md", "MODEL_CARD.md"):
        block = results_block(project / document)
        assert "Adélie" in block and "Chinstrap" in block, document
    examples = json.loads((project / "reports/examples.json").read_text(encoding="utf-8"))
    answer = examples[0]["response"]
    assert answer["label"] in named and set(answer["probabilities"]) == named

    from {{ cookiecutter.package_name }}.api.app import app

    with TestClient(app) as client:
        assert set(client.get("/model-info").json()["classes"]) == named
        route = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
        documented = route["responses"]["200"]["content"]["application/json"]["example"]
        assert documented["label"] in named


def test_the_experiments_table_names_a_change_of_drop_columns_and_of_the_data(project):
    """Same model, same grid: run 2 drops a column, run 3 trains on an edited CSV."""
    import pandas as pd

    from {{ cookiecutter.package_name }}.reporting.experiments import load_runs, runs_table
    from {{ cookiecutter.package_name }}.train import train

    from .tiny import tiny_params, write_params

    params = tiny_params()
    params["train"]["candidates"] = {"logistic_regression": {"C": [1.0]}}
    write_params(project, params)
    for step in ("first", "drop a column", "edit the data"):
        if step == "drop a column":
            params["data"]["drop_columns"] = ["banded"]
            write_params(project, params)
        if step == "edit the data":
            table = pd.read_csv(project / "data/raw/tiny.csv")
            table.drop(index=[0, 20, 40]).to_csv(project / "data/raw/tiny.csv", index=False)
        config = load_config()
        prepare_data(config)
        train(config)

    runs = load_runs("tests", "accuracy")
    table = runs_table(runs, "accuracy", None)
    rows = [line for line in table.splitlines() if re.match(r"\| \d", line)]
    assert len(rows) == 3 and "first run" in rows[0]
    alone = runs_table(runs[:1], "accuracy", runs[0].run_id)
    assert alone.startswith("One training run so far (this page's, started ") and "|" not in alone
    digests = [re.search(r"`data\.md5=(\w+)`", row) for row in rows[1:]]
    assert "`data.drop_columns=['banded']`" in rows[1] and digests[0]
    assert "`data.drop_columns=['banded']`" in rows[2] and digests[1]
    assert digests[0].group(1) != digests[1].group(1), "the edited CSV is a change of its own"
    assert runs[2].params["data.source"] == runs[0].params["data.source"]
