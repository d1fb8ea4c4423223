"""Across training seeds: the interquartile mean, its bootstrap interval, the seed served."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import METRICS, MODEL_DIR, SEEDS_DIR, SEEDS_RECORD
from {{ cookiecutter.package_name }}.reporting.across_seeds import across_seeds, best_seed, iqm


def test_the_iqm_is_the_mean_of_the_middle_half() -> None:
    # Eight runs: the two lowest and the two highest are trimmed, an outlier changes nothing.
    scores = np.array([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 10_000.0])
    assert iqm(scores) == pytest.approx(np.mean([20.0, 30.0, 40.0, 50.0]))
    assert iqm(np.array([1.0, 2.0, 6.0])) == pytest.approx(3.0), "3 runs: nothing to trim"


def test_the_interval_resamples_the_runs() -> None:
    found = across_seeds({42: 500.0, 43: 300.0, 44: 450.0}, seed=0)
    assert found.n == 3
    assert found.iqm == pytest.approx(found.mean) == pytest.approx(1250 / 3)
    low, high = found.interval
    assert 300.0 <= low < found.iqm < high <= 500.0
    assert across_seeds({42: 500.0, 43: 300.0, 44: 450.0}, seed=0) == found, "reproducible"
    same = across_seeds({42: 500.0, 43: 500.0, 44: 500.0}, seed=0)
    assert same.interval == (500.0, 500.0)


def test_one_seed_has_no_interval() -> None:
    found = across_seeds({42: 210.5}, seed=0)
    assert (found.iqm, found.mean, found.interval, found.n) == (210.5, 210.5, None, 1)
    assert "iqm_return_low" not in found.metrics()
    with pytest.raises(ValueError, match="no seed"):
        across_seeds({}, seed=0)


def test_the_best_seed_is_served_and_a_tie_goes_to_the_first() -> None:
    assert best_seed({42: 480.0, 43: 500.0, 44: 499.0}) == 43
    assert best_seed({44: 500.0, 42: 500.0, 43: 120.0}) == 42
    assert best_seed({42: None}) == 42, "a single seed is served without a score"


def test_each_seed_is_trained_evaluated_and_the_best_served(trained: Path) -> None:
    record = json.loads(SEEDS_RECORD.read_text())
    seeds = [run["seed"] for run in record["runs"]]
    assert seeds == [42, 43]
    scores = {run["seed"]: run["selection_mean_return"] for run in record["runs"]}
    assert record["served"] == best_seed(scores)
    for seed in seeds:
        meta = json.loads((SEEDS_DIR / str(seed) / "agent.json").read_text())
        assert meta["seed"] == seed
    served = SEEDS_DIR / str(record["served"]) / "agent.zip"
    assert (MODEL_DIR / "agent.zip").read_bytes() == served.read_bytes()
    metrics = json.loads(METRICS.read_text())
    assert set(metrics["seeds"]) == {"42", "43"}
    assert metrics["served_seed"] == record["served"]
    assert metrics["mean_return"] == metrics["seeds"][str(record["served"])]
    assert metrics["iqm_return"] == pytest.approx(np.mean(list(metrics["seeds"].values())))
    assert metrics["iqm_return_low"] <= metrics["iqm_return"] <= metrics["iqm_return_high"]
    evaluation = json.loads(Path("reports/evaluation.json").read_text())
    assert evaluation["headline"]["metric"] == "iqm_return"
    assert evaluation["headline"]["n"] == 2
    assert set(evaluation["seeds"]) == {"42", "43"}
    random = evaluation["baselines"][0]["metrics"]
    assert random["iqm_return"] == random["mean_return"], "a random policy does not train"


def test_a_failing_seed_keeps_the_previous_agents(
    trained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from {{ cookiecutter.package_name }} import train as stage
    from {{ cookiecutter.package_name }}.config import load_config

    before = {path: path.read_bytes() for path in MODEL_DIR.rglob("*") if path.is_file()}
    real = stage.train_seed

    def second_fails(config, spec, todo, seed, staged, choose):
        if seed == 43:
            raise RuntimeError("the second seed failed")
        return real(config, spec, todo, seed, staged, choose)

    monkeypatch.setattr(stage, "train_seed", second_fails)
    with pytest.raises(RuntimeError, match="second seed"):
        stage.train(load_config())
    after = {path: path.read_bytes() for path in MODEL_DIR.rglob("*") if path.is_file()}
    assert after == before


def test_the_experiments_table_counts_the_parent_run_once(trained: Path) -> None:
    from {{ cookiecutter.package_name }}.config import load_config
    from {{ cookiecutter.package_name }}.reporting.experiments import load_runs

    record = json.loads((MODEL_DIR / "run.json").read_text())
    runs = load_runs(load_config().mlflow.experiment, "iqm_return")
    assert [run.run_id for run in runs] == [record["run_id"]], "the seeds' runs are nested in it"
    assert runs[0].score == json.loads(METRICS.read_text())["iqm_return"]
