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
