"""The held-out R² across model seeds: refits of the chosen pipeline, the page's line."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import joblib
import numpy as np
import pytest
import yaml
from sklearn.metrics import r2_score

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.regression.seeds import (
    refit,
    seed_finding,
    seed_section,
    seed_table,
)
from {{ cookiecutter.package_name }}.reporting.seed_spread import position

from .test_pipeline import results_block


def use_default_data(candidates: dict, seeds: int) -> None:
    """params.yaml on the default data, with only `candidates` and `evaluate.seeds` set."""
    path = Path("params.yaml")
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["data"] |= {"source": "sklearn-diabetes", "target": "progression", "test_size": 0.2}
    params["train"]["candidates"] = candidates
    params["evaluate"] |= {"seeds": seeds}
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")


def run_pipeline() -> None:
    from {{ cookiecutter.package_name }}.data import prepare_data
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report
    from {{ cookiecutter.package_name }}.train import train

    config = load_config()
    prepare_data(config)
    train(config)
    evaluate(config)
    report(config)


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("served", "scores", "where"),
    [
        (0.95, [0.94, 0.95, 0.96], "typical"),
        (0.96, [0.94, 0.95, 0.96], "top"),
        (0.97, [0.94, 0.95, 0.96], "above"),
        (0.94, [0.94, 0.95, 0.96], "bottom"),
        (0.93, [0.94, 0.95, 0.96], "below"),
        (0.95, [0.95, 0.95, 0.95], "same"),
        (0.96, [0.95, 0.95, 0.95], "above"),
        # The top or bottom of the range, but what most other seeds score too: the usual outcome.
        (0.9737, [0.9737, 0.9737, 0.9649, 0.9561, 0.9737], "typical"),
        (0.9561, [0.9561, 0.9561, 0.9649], "typical"),
        (0.9737, [0.9737, 0.9649, 0.9561], "top"),
    ],
)
def test_the_served_score_is_placed_among_the_other_seeds(served, scores, where):
    assert position(served, scores) == where


def test_a_served_score_at_the_top_is_said_to_be_perhaps_a_lucky_seed():
    table = {
        "model": "random_forest",
        "deterministic": False,
        "served": {"seed": 42, "r2": 0.9737},
        "seeds": [{"seed": 43, "r2": 0.9561}, {"seed": 44, "r2": 0.9737}],
        "mean": 0.9649,
        "min": 0.9561,
        "max": 0.9737,
        "position": "top",
    }
    (line,) = seed_finding(table)
    assert line == (
        "Across 2 other model seeds (split fixed), held-out R² ranges 0.9561–0.9737, "
        "mean 0.9649; the served 0.9737 is at the top: maybe a lucky seed "
        "([model card](MODEL_CARD.md))."
    )
    (typical,) = seed_finding(table | {"position": "typical"})
    assert "the served 0.9737 is typical (" in typical and "lucky" not in typical
    assert seed_finding(None) == []


def test_three_seeds_on_the_default_data_are_refits_of_the_served_pipeline(project):
    use_default_data({"random_forest": {"n_estimators": [10], "max_depth": [3]}}, seeds=3)
    run_pipeline()
    seeds = read(project / "reports/seeds.json")
    metrics = read(project / "reports/metrics.json")
    config = load_config()

    assert [item["seed"] for item in seeds["seeds"]] == [config.seed + n for n in (1, 2, 3)]
    scores = [item["r2"] for item in seeds["seeds"]]
    assert seeds["deterministic"] is False and seeds["model"] == "random_forest"
    assert "model__random_state" in seeds["varied"]
    assert seeds["mean"] == pytest.approx(statistics.fmean(scores), abs=1e-4)
    assert seeds["std"] == pytest.approx(statistics.stdev(scores), abs=1e-4)
    assert (seeds["min"], seeds["max"]) == (min(scores), max(scores))
    # The served score is the evaluate stage's own held-out R²...
    assert seeds["served"] == {"seed": config.seed, "r2": round(metrics["r2"], 4)}
    # ...and a refit with the served seed answers exactly as the served model: the refits are
    # the same pipeline, not a new selection. Each listed score is reproduced the same way.
    model = joblib.load(project / "models/model.joblib")
    train = split_of(project / "data/train.csv")
    test = split_of(project / "data/test.csv")
    again = refit(model, config.seed, *train).predict(test[0])
    np.testing.assert_array_equal(again, model.predict(test[0]))
    other = refit(model, config.seed + 2, *train).predict(test[0])
    assert round(r2_score(test[1], other), 4) == scores[1]

    readme = results_block(project / "README.md")
    line = next(line for line in readme.splitlines() if "other model seeds" in line)
    assert f"ranges {seeds['min']:.4f}–{seeds['max']:.4f}, mean {seeds['mean']:.4f}" in line
    assert f"the served {seeds['served']['r2']:.4f} " in line
    card = results_block(project / "MODEL_CARD.md")
    assert "### Held-out R² across seeds" in card
    assert f"| **{config.seed}** (served) | {seeds['served']['r2']:.4f} |" in card
    for item in seeds["seeds"]:
        assert f"| {item['seed']} | {item['r2']:.4f} |" in card
    assert "across seeds" not in readme


def split_of(path: Path):
    from {{ cookiecutter.package_name }}.data import read_split
    from {{ cookiecutter.package_name }}.features import load_schema

    schema = load_schema(Path("models"))
    features, labels = read_split(path, schema.target)
    return schema.coerce(features), labels


def test_a_model_without_randomness_is_said_so_not_shown_as_equal_numbers():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features, target = load_diabetes(return_X_y=True, as_frame=True)
    train_x, test_x, train_y, test_y = train_test_split(
        features, target, test_size=0.2, random_state=0
    )
    # The default solver draws no random numbers: random_state is there but unused.
    model = make_pipeline(StandardScaler(), Ridge(random_state=0)).fit(train_x, train_y)
    served = r2_score(test_y, model.predict(test_x))
    table = seed_table(
        model,
        (train_x, train_y),
        (test_x, test_y),
        count=3,
        served_seed=0,
        served_r2=served,
        name="ridge",
    )
    assert table["deterministic"] is True and len(table["seeds"]) == 3
    assert table["varied"] == ["ridge__random_state"]
    (line,) = seed_finding(table)
    assert line.startswith("`ridge` does not depend on its seed")
    assert "ranges" not in line and f"{served:.4f}" not in line
    assert line.endswith("refits with 3 other seeds answer as the served model; no seed spread.")
    section = "\n".join(seed_section(table))
    assert "does not depend on its seed" in section and "(served) |" not in section
    off = {"count": 0, "served_seed": 0, "served_r2": served, "name": "x"}
    assert seed_table(model, (train_x, train_y), (test_x, test_y), **off) is None


def test_with_seeds_off_nothing_is_written_or_shown_and_an_old_spread_goes(
    trained, tmp_path, monkeypatch
):
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.report import report

    assert load_config(trained / "params.yaml").evaluate.seeds == 0
    assert not (trained / "reports/seeds.json").exists()
    for document in ("README.md", "MODEL_CARD.md"):
        block = results_block(trained / document)
        assert "other model seeds" not in block and "across seeds" not in block
        assert "depend on its seed" not in block
    copy = shutil.copytree(trained, tmp_path / "copy")
    monkeypatch.chdir(copy)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{copy / 'mlflow.db'}")
    (copy / "reports/seeds.json").write_text('{"stale": true}', encoding="utf-8")
    evaluate(load_config())
    report(load_config())
    assert not (copy / "reports/seeds.json").exists()
    assert "across seeds" not in results_block(copy / "MODEL_CARD.md")
