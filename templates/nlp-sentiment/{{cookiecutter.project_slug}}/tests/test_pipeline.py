"""The whole pipeline on a tiny IMDB-layout archive: runs, registry, metrics, README block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START


def test_each_model_is_saved_and_the_best_is_chosen(trained: Path) -> None:
    best = json.loads((trained / "models" / "best.json").read_text())
    assert best["models"] == ["baseline", "neural"]
    assert best["best_model"] in best["models"] and best["selected_by"] == "val_accuracy"
    winner = max(best["models"], key=lambda name: best["validation"][name]["accuracy"])
    scores = best["validation"]
    assert scores[best["best_model"]]["accuracy"] == scores[winner]["accuracy"]
    assert (trained / "models" / "baseline" / "model.joblib").is_file()
    assert (trained / "models" / "neural" / "vocab.json").is_file()


def test_one_mlflow_run_per_model_and_the_best_registered(trained: Path) -> None:
    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{trained / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("test-experiment")
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(run.info.run_name for run in runs) == ["baseline", "neural"]
    for run in runs:
        assert {"val_accuracy", "test_accuracy", "test_roc_auc"} <= set(run.data.metrics)
    record = json.loads((trained / "models" / "run.json").read_text())
    version = client.get_model_version("test-model", record["model_version"])
    assert version.run_id == record["run_id"]
    best = json.loads((trained / "models" / "best.json").read_text())["best_model"]
    assert client.get_run(record["run_id"]).info.run_name == best

    mlflow.set_tracking_uri(f"sqlite:///{trained / 'mlflow.db'}")
    model = mlflow.pyfunc.load_model(f"models:/test-model/{record['model_version']}")
    out = model.predict(pd.DataFrame({"text": ["wonderful superb moving", "awful dreadful"]}))
    assert list(out["label"]) == ["positive", "negative"]


def test_the_models_of_one_training_are_one_experiment(trained: Path) -> None:
    from {{ cookiecutter.package_name }}.reporting.experiments import load_runs

    record = json.loads((trained / "models" / "run.json").read_text())
    best = json.loads((trained / "models" / "best.json").read_text())["best_model"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{trained / 'mlflow.db'}")
        runs = load_runs("test-experiment", "accuracy")
    assert [run.run_id for run in runs] == [record["run_id"]], "one row: the served model's"
    assert any(key.startswith(f"{best}.") for key in runs[0].params)


def test_metrics_figures_and_reports(trained: Path) -> None:
    metrics = json.loads((trained / "reports" / "metrics.json").read_text())
    assert set(metrics) == {"baseline", "neural", "best_model"}
    for name in ("baseline", "neural"):
        assert set(metrics[name]) == {
            "accuracy",
            "precision",
            "recall",
            "f1",
            "roc_auc",
            "train_seconds",
        }
        assert metrics[name]["accuracy"] > 0.6
    figures = trained / "reports" / "figures"
    assert {p.name for p in figures.iterdir()} == {
        "roc.png",
        "confusion_baseline.png",
        "confusion_neural.png",
    }
    ngrams = json.loads((trained / "reports" / "ngrams.json").read_text())
    assert set(ngrams) == {"negative", "positive"} and len(ngrams["positive"]) == 5
    mistakes = json.loads((trained / "reports" / "mistakes.json").read_text())
    assert all(m["label"] != m["predicted"] for m in mistakes)
    confidences = [m["probability"] for m in mistakes]
    assert confidences == sorted(confidences, reverse=True)


def test_readme_compares_the_models_with_the_exact_numbers(trained: Path) -> None:
    metrics = json.loads((trained / "reports" / "metrics.json").read_text())
    readme = (trained / "README.md").read_text()
    block = readme[readme.index(START) : readme.index(END)]
    for name in ("baseline", "neural"):
        row = next(line for line in block.splitlines() if re.match(rf"\| (\*\*)?{name}\b", line))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        expected = [
            f"{metrics[name][m]:.4f}" for m in ("accuracy", "precision", "recall", "f1", "roc_auc")
        ]
        assert cells[1:6] == expected
    assert "What the baseline learned" in block and "roc.png" in block
    card = (trained / "MODEL_CARD.md").read_text()
    assert "| model | accuracy |" in card[card.index(START) :]
    # How the served model was chosen, with every validation score: the card's detail.
    assert f"**Served model: `{metrics['best_model']}`**" in card[card.index(START) :]


def test_the_surest_mistakes_come_right_after_the_first_figure(trained: Path) -> None:
    mistakes = json.loads((trained / "reports" / "mistakes.json").read_text())
    assert mistakes, "the tiny reviews are meant to leave the model a few mistakes"
    readme = (trained / "README.md").read_text()
    block = readme[readme.index(START) : readme.index(END)]
    figure = json.loads((trained / "reports" / "evaluation.json").read_text())["figures"][0]
    assert block.index(figure["path"]) < block.index("**Surest mistakes**")
    assert block.index("**Surest mistakes**") < block.index("| metric | this model |")
    lead = block[block.index("**Surest mistakes**") : block.index("| metric | this model |")]
    assert "<details>" not in lead
    assert f"| `{mistakes[0]['label']}` | `{mistakes[0]['predicted']}` |" in lead


def test_the_readme_shows_three_mistakes_cut_short_and_the_card_all_of_them() -> None:
    from {{ cookiecutter.package_name }}.report import PAGE_CHARS, mistakes_lead

    review = "An overlong opening, then a wonderful middle act that " * 4
    rows = [
        {
            "text": f"{number} {review}",
            "label": "positive",
            "predicted": "negative",
            "probability": 0.99 - number / 100,
        }
        for number in range(5)
    ]
    lead = mistakes_lead(rows, "neural")
    card = "(all 5 in the [model card](MODEL_CARD.md))"
    assert lead.startswith(f"**Surest mistakes** of `neural` {card}:")
    table = [line for line in lead.splitlines() if line.startswith("| ") and "`" in line]
    assert [line.split(" ", 2)[1] for line in table] == ["0", "1", "2"]
    for line in table:
        text = line.split(" | ")[0].removeprefix("| ")
        assert len(text) <= PAGE_CHARS and text.endswith("…") and not text.endswith(" …")
        assert review.startswith(text[2:-1])  # cut between words
    assert "(all" not in mistakes_lead(rows[:3], "neural")


def test_reviews_and_labels_in_the_mistakes_table_show_as_text() -> None:
    import pytest

    from {{ cookiecutter.package_name }}.report import _mistakes_table

    review = "Loved it! [Free tickets](https://evil.example) <img src=x> `so` *good*"
    table = _mistakes_table(
        [{"text": review, "label": "pos`<b>itive", "predicted": "neg", "probability": 0.99}]
    )
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(table)
    assert "<a " not in html and "<img" not in html and "<b>" not in html and "<em>" not in html
    assert "[Free tickets](https://evil.example)" in html  # the words, as the reviewer typed them


def test_the_page_says_whether_the_served_model_is_ahead(trained: Path) -> None:
    from {{ cookiecutter.package_name }}.metrics import choice_phrase

    summary = json.loads((trained / "reports" / "summary.json").read_text())
    selection = summary["selection"]
    assert selection["baseline"] != summary["best_model"] and selection["n"] == summary["val_rows"]
    low, high = selection["interval"]
    assert low <= selection["difference"] <= high
    assert selection["verdict"] == ("ahead" if low > 0 else "not distinguishable")
    phrase = choice_phrase(summary["best_model"], selection, len(summary["models"]))
    for page in ("README.md", "MODEL_CARD.md"):
        text = (trained / page).read_text()
        block = text[text.index(START) : text.index(END)]
        assert phrase in block and "the better of" not in block
