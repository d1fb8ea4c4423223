"""reports/evaluation.json, the intervals and the checks before training: the numbers behind the
README."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.prediction_interval import conformal_half_width
from {{ cookiecutter.package_name }}.data import prepare_data
from {{ cookiecutter.package_name }}.regression.checks import leaking_columns
from {{ cookiecutter.package_name }}.regression.findings import heteroscedasticity, largest_errors
from {{ cookiecutter.package_name }}.regression.intervals import bootstrap_interval, paired_bootstrap

from .tiny import TINY_CSV, tiny_table


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_evaluation_holds_headline_interval_baselines_findings_and_figures(trained):
    evaluation = read(trained / "reports/evaluation.json")
    metrics = read(trained / "reports/metrics.json")
    assert list(evaluation) == ["headline", "baselines", "findings", "warnings", "figures"]
    headline = evaluation["headline"]
    assert headline["metric"] == "r2" and headline["value"] == metrics["r2"]
    assert headline["n"] == len(pd.read_csv(trained / "data/test.csv"))
    low, high = headline["interval"]
    assert low <= headline["value"] <= high <= 1
    names = [baseline["name"] for baseline in evaluation["baselines"]]
    assert names == ["training mean", "best single feature"]
    for baseline in evaluation["baselines"]:
        assert set(baseline["metrics"]) == set(metrics)  # the same keys: one results table
        assert baseline["metrics"]["r2"] < metrics["r2"]
    assert evaluation["baselines"][0]["metrics"]["r2"] <= 0.05  # the mean explains nothing
    findings = evaluation["findings"]
    assert findings and all(line.endswith(".") for line in findings)
    assert sum("paired bootstrap" in line for line in findings) == 2
    assert any("prediction intervals cover" in line for line in findings)
    assert evaluation["figures"][0]["path"] == "reports/figures/predicted_vs_actual.png"
    for figure in evaluation["figures"]:
        assert (trained / figure["path"]).is_file() and figure["caption"]


def test_every_figure_is_saved_large_enough_to_read(trained):
    for path in sorted((trained / "reports/figures").glob("*.png")):
        with Image.open(path) as image:
            assert image.width >= 900, path.name
            assert min(image.info["dpi"]) >= 149.9, path.name


def noisy(rows=200, noise=1.0, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.normal(0, 3, rows)
    return truth, truth + rng.normal(0, noise, rows)


def test_the_r2_interval_is_seeded_and_brackets_the_score():
    truth, predicted = noisy()
    first = bootstrap_interval(truth, predicted, seed=1)
    assert first == bootstrap_interval(truth, predicted, seed=1)
    score = 1 - np.sum((truth - predicted) ** 2) / np.sum((truth - truth.mean()) ** 2)
    assert first[0] < score < first[1] and first[1] - first[0] < 0.1


def test_the_paired_comparison_tells_a_better_model_from_an_equal_one():
    truth, good = noisy(noise=1.0)
    _, worse = noisy(noise=2.0, seed=1)
    better = paired_bootstrap(truth, good, worse, seed=0)
    assert better.clear and better.difference > 0 and better.share_better > 0.99
    same = paired_bootstrap(truth, good, good + 1e-9, seed=0)
    assert not same.clear


def test_the_conformal_width_covers_the_stated_share_of_new_rows():
    rng = np.random.default_rng(0)
    width = conformal_half_width(rng.normal(0, 1, 500), 0.9)
    new = rng.normal(0, 1, 20_000)
    assert np.mean(np.abs(new) <= width) == pytest.approx(0.9, abs=0.03)
    assert conformal_half_width(np.array([1.0, -2.0, 3.0]), 0.99) == 3.0  # never beyond the data


def test_a_column_restating_the_target_is_a_leak_and_an_id_column_is_not():
    frame = tiny_table(rows=120)
    frame["price_in_cents"] = frame["price"] * 100
    frame["price_rank"] = frame["price"].rank()  # monotone, not linear: the tree finds it
    frame["row_id"] = np.random.default_rng(0).permutation(len(frame))
    frame["row_code"] = [f"r{index}" for index in range(len(frame))]
    found = leaking_columns(frame.drop(columns="price"), frame["price"], seed=0)
    assert set(found) == {"price_in_cents", "price_rank"}


def test_the_data_stage_warns_of_a_leak_before_training(project, capsys):
    frame = tiny_table()
    frame["price_again"] = frame["price"] + 1
    frame.to_csv(project / TINY_CSV, index=False)
    prepare_data(load_config())
    out = capsys.readouterr().out
    assert "warning: Column `price_again` alone predicts the target with R²" in out
    checks = read(project / "reports/data_checks.json")
    assert any("price_again" in line for line in checks["warnings"])


def test_shared_rows_and_a_skewed_target_are_warned_of(project):
    frame = tiny_table()
    frame["price"] = np.exp(frame["price"] / 60)  # right-skewed, as prices are
    frame = pd.concat([frame, frame.iloc[:10]])
    frame.to_csv(project / TINY_CSV, index=False)
    prepare_data(load_config())
    warnings = read(project / "reports/data_checks.json")["warnings"]
    assert any("also appear in the training data" in line for line in warnings), warnings
    assert any("try train.log_target: true" in line for line in warnings), warnings


def test_errors_growing_with_the_prediction_are_called_heteroscedastic():
    rng = np.random.default_rng(0)
    predicted = rng.uniform(1, 100, 300)
    funnel = predicted + rng.normal(0, 1, 300) * predicted * 0.2
    even = predicted + rng.normal(0, 5, 300)
    assert "heteroscedastic" in heteroscedasticity(funnel, predicted, log_target=False)[0]
    assert "does not change clearly" in heteroscedasticity(even, predicted, log_target=False)[0]


def test_the_range_with_the_largest_errors_is_named():
    truth = np.arange(100.0)
    predicted = truth.copy()
    predicted[truth >= 75] += 10  # the top quarter is off by 10
    assert largest_errors(truth, predicted, "price")[0].startswith(
        "Errors are largest where `price` is 74.25 to 99: mean absolute error 10 "
    )
