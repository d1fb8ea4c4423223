"""reports/evaluation.json and the checks before training: the numbers behind the README."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from {{ cookiecutter.package_name }}.classifier import leaks
from {{ cookiecutter.package_name }}.classifier.intervals import bootstrap_interval
from {{ cookiecutter.package_name }}.classifier.leaks import leaking_columns
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.data import prepare_data
from {{ cookiecutter.package_name }}.reporting.evidence import (
    Baseline,
    Headline,
    perfect_score_warning,
    summary,
)

from .tiny import TINY_CSV, tiny_table


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_evaluation_holds_headline_interval_baseline_findings_and_figures(trained):
    evaluation = read(trained / "reports/evaluation.json")
    metrics = read(trained / "reports/metrics.json")
    assert list(evaluation) == [
        "headline",
        "baselines",
        "findings",
        "warnings",
        "figures",
        "comparison",
    ]
    headline = evaluation["headline"]
    assert headline["metric"] == "accuracy" and headline["value"] == metrics["accuracy"]
    assert headline["n"] == len(pd.read_csv(trained / "data/test.csv"))
    low, high = headline["interval"]
    assert 0 <= low <= headline["value"] <= high <= 1
    majority = evaluation["baselines"][0]
    assert majority["name"] == "majority class"
    assert set(majority["metrics"]) == set(metrics)  # the same keys: one results table
    assert majority["metrics"]["accuracy"] < metrics["accuracy"]
    assert evaluation["findings"] and all(line.endswith(".") for line in evaluation["findings"])
    assert evaluation["figures"][0]["path"] == "reports/figures/confusion_matrix.png"
    for figure in evaluation["figures"]:
        assert (trained / figure["path"]).is_file() and figure["caption"]


def test_every_figure_is_saved_large_enough_to_read(trained):
    for path in sorted((trained / "reports/figures").glob("*.png")):
        with Image.open(path) as image:
            assert image.width >= 900, path.name
            assert min(image.info["dpi"]) >= 149.9, path.name


def test_the_bootstrap_interval_is_seeded_and_brackets_the_mean():
    values = np.r_[np.ones(90), np.zeros(10)]
    first = bootstrap_interval(values, seed=1)
    assert first == bootstrap_interval(values, seed=1)
    assert first[0] < 0.9 < first[1]
    assert first[0] > 0.8 and first[1] < 0.97


def test_a_column_restating_the_target_is_a_leak_and_an_id_column_is_not():
    frame = tiny_table(rows_per_class=30)
    frame["label_copy"] = frame["species"].str.upper()
    frame["code"] = frame["species"].map({"adelie": 1, "chinstrap": 2, "gentoo": 3})
    frame["row_id"] = np.random.default_rng(0).permutation(len(frame))
    found = leaking_columns(frame.drop(columns="species"), frame["species"], seed=0)
    assert set(found) == {"label_copy", "code"}


def test_a_wide_table_gets_a_bounded_check_with_progress_and_its_leak_found(monkeypatch, capsys):
    # One tree per column kept a 20,000-column table busy for minutes without a word.
    frame = tiny_table(rows_per_class=20)
    rng = np.random.default_rng(0)
    names = [f"f{i}" for i in range(2100)]
    wide = pd.DataFrame(rng.normal(size=(len(frame), len(names))), columns=names)
    # A leak only the tree finds: a value per row, but a threshold per class.
    codes = frame["species"].map({"adelie": 0, "chinstrap": 10, "gentoo": 20})
    wide["f2099"] = codes + rng.uniform(size=len(frame))
    trees = []
    tree_accuracy = leaks.tree_accuracy
    monkeypatch.setattr(
        leaks, "tree_accuracy", lambda *args: trees.append(1) or tree_accuracy(*args)
    )
    found = leaking_columns(wide, frame["species"], seed=0)
    assert set(found) == {"f2099"}
    assert len(trees) == leaks.MAX_TREE_COLUMNS
    out = capsys.readouterr().out
    assert "leak check on 2,100 columns" in out and "2,000/2,100 columns" in out


def test_the_data_stage_warns_of_a_leak_before_training(project, capsys):
    frame = tiny_table()
    frame["species_again"] = frame["species"]
    frame.to_csv(project / TINY_CSV, index=False)
    prepare_data(load_config())
    out = capsys.readouterr().out
    assert "warning: Column `species_again` alone predicts the target" in out
    checks = read(project / "reports/data_checks.json")
    assert any("species_again" in line for line in checks["warnings"])


def test_shared_rows_and_tiny_classes_are_warned_of(project, capsys):
    frame = tiny_table()
    frame = pd.concat([frame, frame.iloc[:10], frame.iloc[:3].assign(species="rare")])
    frame.to_csv(project / TINY_CSV, index=False)
    prepare_data(load_config())
    warnings = read(project / "reports/data_checks.json")["warnings"]
    assert any("also appear in the training data" in line for line in warnings), warnings
    assert any("Class `rare` has only 3 rows" in line for line in warnings), warnings


@pytest.mark.parametrize(
    ("value", "interval", "warnings", "expected"),
    [
        (1.0, (0.95, 1.0), [], 1),
        (1.0, (0.95, 1.0), ["Column `x` alone predicts the target"], 0),
        (0.97, (0.9, 1.0), [], 0),
        (1.0, None, [], 0),  # a mean return of 1.0 is no perfect score
    ],
)
def test_a_perfect_score_is_never_reported_without_a_warning(value, interval, warnings, expected):
    headline = Headline("accuracy", "accuracy", value, 40, "held-out rows", interval=interval)
    assert len(perfect_score_warning(headline, warnings)) == expected


def test_the_stage_prints_the_headline_with_its_interval_and_baseline_in_one_line():
    headline = Headline(
        "accuracy", "accuracy", 0.9649, 114, "held-out rows", interval=(0.9298, 0.9912)
    )
    majority = Baseline("majority class", "always answers `benign`", {"accuracy": 0.6316})
    assert summary(headline, [majority]) == (
        "accuracy 0.9649 [0.9298, 0.9912] on 114 held-out rows; majority class 0.6316"
    )


def test_the_one_column_rule_finds_the_split_that_decides_the_label():
    from {{ cookiecutter.package_name }}.classifier.rivals import one_column_rule
    from {{ cookiecutter.package_name }}.features import infer_schema

    rng = np.random.default_rng(0)
    train = pd.DataFrame(
        {
            "noise": rng.normal(size=200),
            "sex": rng.choice(["female", "male"], size=200),
        }
    )
    labels = pd.Series(np.where(train["sex"] == "female", "survived", "died"), name="fate")
    schema = infer_schema(train, labels)
    test = pd.DataFrame({"noise": [0.0, 1.0], "sex": ["female", "male"]})
    rival = one_column_rule(train, labels, schema.coerce(test), schema)
    assert rival.description.startswith("`sex` = `")
    predicted = np.asarray(schema.classes)[rival.probabilities.argmax(axis=1)]
    assert list(predicted) == ["survived", "died"]


def test_a_difference_whose_interval_holds_zero_is_never_called_ahead():
    from {{ cookiecutter.package_name }}.classifier.intervals import paired_difference_interval
    from {{ cookiecutter.package_name }}.reporting.evidence import Comparison

    model = np.r_[np.ones(60), np.zeros(40)]
    close = model.copy()
    close[[0, 1, 50]] = 1 - close[[0, 1, 50]]  # differs on three rows only
    far = np.r_[np.ones(30), np.zeros(70)]
    tied = Comparison(
        "rule", "accuracy", 0.01, paired_difference_interval(model, close, seed=0), 100, "rows"
    )
    clear = Comparison(
        "rule", "accuracy", 0.3, paired_difference_interval(model, far, seed=0), 100, "rows"
    )
    assert tied.interval[0] <= 0 <= tied.interval[1] and tied.verdict == "not distinguishable"
    assert clear.interval[0] > 0 and clear.verdict == "ahead"
    assert "not distinguishable on 100 rows" in tied.sentence()


def test_the_headline_answers_to_the_strongest_baseline(trained):
    evaluation = read(trained / "reports/evaluation.json")
    names = [baseline["name"] for baseline in evaluation["baselines"]]
    assert names[:2] == ["majority class", "one-column rule"]
    comparison = evaluation["comparison"]
    scores = {b["name"]: b["metrics"]["accuracy"] for b in evaluation["baselines"]}
    assert comparison["baseline"] == max(scores, key=scores.get)
    assert comparison["difference"] == pytest.approx(
        evaluation["headline"]["value"] - scores[comparison["baseline"]]
    )
    assert comparison["sentence"] in (trained / "README.md").read_text(encoding="utf-8")


def test_a_perfect_score_gets_an_interval_of_some_width_and_says_which():
    from {{ cookiecutter.package_name }}.classifier.intervals import WILSON, accuracy_interval

    (low, high), method = accuracy_interval(np.ones(30), seed=0)
    assert method == WILSON
    assert 0.88 < low < 0.89 and high == 1.0  # 30 of 30: Wilson's [0.886, 1.000]
    (low, high), _ = accuracy_interval(np.zeros(30), seed=0)
    assert low == 0.0 and 0.11 < high < 0.12


def test_a_score_between_0_and_1_keeps_the_bootstrap_interval():
    from {{ cookiecutter.package_name }}.classifier.intervals import BOOTSTRAP, accuracy_interval

    values = np.r_[np.ones(90), np.zeros(10)]
    interval, method = accuracy_interval(values, seed=1)
    assert method == BOOTSTRAP and interval == bootstrap_interval(values, seed=1)


def test_the_page_names_the_interval_the_headline_carries():
    from {{ cookiecutter.package_name }}.reporting.page import headline_line

    class Stated:
        evaluation = {
            "headline": {
                "metric": "accuracy",
                "label": "accuracy",
                "value": 1.0,
                "n": 30,
                "unit": "held-out rows",
                "interval": [0.8865, 1.0],
                "interval_method": "95% Wilson score interval",
            }
        }
        about = None  # no data.about, so no published figure beside the result
        headline = property(lambda self: Headline(**self.evaluation["headline"]))

    line = headline_line(Stated())
    assert "[0.886, 1.000] (95% Wilson score interval)" in line


def importances(**columns):
    return pd.DataFrame(columns, index=["mean", "std"]).T


def test_importances_that_overlap_the_top_one_are_a_tie_not_a_ranking():
    from {{ cookiecutter.package_name }}.reporting.evaluation import importance_finding

    found = importance_finding(
        importances(
            worst_symmetry=[0.100, 0.020],
            radius=[0.090, 0.020],
            texture=[0.085, 0.010],
            area=[0.010, 0.005],
        ),
        "roc_auc",
    )
    assert len(found) == 1
    assert found[0].startswith("`worst_symmetry`, `radius` and `texture` matter most;")
    assert "overlap within one standard deviation" in found[0] and "area" not in found[0]


def test_a_column_clear_of_the_others_is_named_alone():
    from {{ cookiecutter.package_name }}.reporting.evaluation import importance_finding

    found = importance_finding(
        importances(radius=[0.200, 0.010], texture=[0.050, 0.020]), "roc_auc"
    )
    assert found == [
        "Shuffling `radius` costs the model most: held-out roc_auc drops by 0.2000 (± 0.0100)."
    ]


def cv(mean, std):
    return {
        "scoring": "roc_auc",
        "cv_folds": 5,
        "best": "logistic_regression",
        "candidates": {"logistic_regression": {"mean": mean, "std": std}},
    }


def test_a_held_out_score_under_the_cv_spread_is_a_finding_with_both_numbers():
    from {{ cookiecutter.package_name }}.reporting.evaluation import generalisation_finding

    found = generalisation_finding(cv(0.9500, 0.0100), 0.9200)
    assert len(found) == 1
    assert "0.9200" in found[0] and "0.9500" in found[0] and "std 0.0100" in found[0]
    assert "more than 2 standard deviations" in found[0]
    assert generalisation_finding(cv(0.9500, 0.0100), 0.9350) == []  # within 2 std
    assert generalisation_finding(cv(0.9500, 0.0100), None) == []


def binary_scores():
    labels = np.array(["benign"] * 6 + ["malignant"] * 4)
    positive = np.array([0.05, 0.15, 0.25, 0.35, 0.45, 0.65, 0.3, 0.55, 0.75, 0.95])
    return labels, np.c_[1 - positive, positive]


def test_the_threshold_table_counts_precision_recall_and_misses():
    from {{ cookiecutter.package_name }}.classifier.thresholds import threshold_table

    labels, probabilities = binary_scores()
    table = threshold_table(labels, probabilities, ["benign", "malignant"], "malignant")
    assert table["positive"] == "malignant" and table["operating_point"] == 0.5
    assert table["positives"] == 4
    rows = {row["threshold"]: row for row in table["rows"]}
    assert [row["threshold"] for row in table["rows"]] == [
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
    ]
    # At 0.5: flagged 0.55, 0.65, 0.75, 0.95; three of them malignant, 0.3 missed.
    assert rows[0.5] == {
        "threshold": 0.5,
        "precision": 0.75,
        "recall": 0.75,
        "misses": 1,
        "false_alarms": 1,
    }
    assert rows[0.1]["misses"] == 0 and rows[0.1]["false_alarms"] == 5
    # The operating point decides as the model does (argmax).
    predicted = np.array(["benign", "malignant"])[probabilities.argmax(axis=1)]
    assert rows[0.5]["misses"] == int(np.sum((labels == "malignant") & (predicted == "benign")))


def test_no_threshold_table_without_a_positive_class():
    from {{ cookiecutter.package_name }}.classifier.thresholds import threshold_section, threshold_table

    labels, probabilities = binary_scores()
    table = threshold_table(labels, probabilities, ["benign", "malignant"], None)
    assert table["rows"] == [] and threshold_section(table) == []


def test_a_perfect_held_out_score_is_not_reported_as_certain(project):
    """30 of 30 right: the evaluation's interval is Wilson's, not the bootstrap's [1, 1]."""
    from {{ cookiecutter.package_name }}.reporting.evaluation import write

    labels = pd.Series(["a", "b", "c"] * 10)
    probabilities = np.eye(3)[np.tile([0, 1, 2], 10)] * 0.9 + 0.1 / 3
    evaluation = write(
        labels=labels,
        probabilities=probabilities,
        classes=["a", "b", "c"],
        positive=None,
        metrics={"accuracy": 1.0, "precision": 1.0, "recall": 1.0, "f1": 1.0, "roc_auc": 1.0},
        train_labels=labels,
        importances=importances(x=[0.3, 0.01]),
        cv_summary=cv(1.0, 0.0) | {"scoring": "accuracy"},
        figures=[],
        scoring="accuracy",
        seed=0,
    )
    low, high = evaluation["headline"]["interval"]
    assert 0.88 < low < 0.89 and high == 1.0
    assert evaluation["headline"]["interval_method"] == "95% Wilson score interval"
