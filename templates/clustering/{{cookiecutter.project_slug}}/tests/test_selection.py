"""The choice of model: each criterion picks the k it states, stability is measured, profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.candidates import anomaly_scores, fit_anomaly
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.features import infer_schema
from {{ cookiecutter.package_name }}.profiles import describe, profile
from {{ cookiecutter.package_name }}.reporting.evaluation import stability_warnings
from {{ cookiecutter.package_name }}.selection import select_model, silhouette


def blobs(centres: int, seed: int = 0, spread: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    points = [rng.normal(5 * i, spread, size=(25, 2)) for i in range(centres)]
    return np.vstack(points)


@pytest.fixture
def train_config(project):
    return load_config().train


@pytest.mark.parametrize("centres", [2, 3, 4])
def test_kmeans_and_the_mixture_find_the_number_of_blobs(train_config, centres):
    selection = select_model(blobs(centres), train_config, seed=0)
    assert selection.choices["kmeans"].trial.setting == centres
    assert selection.choices["gaussian_mixture"].trial.setting == centres
    assert selection.choices["kmeans"].stability_mean > 0.95


def test_every_setting_of_every_family_is_a_trial(train_config):
    selection = select_model(blobs(3), train_config, seed=0)
    tried = {(trial.family, trial.setting) for trial in selection.trials}
    assert tried == {
        *(("kmeans", k) for k in (2, 3, 4)),
        *(("gaussian_mixture", k) for k in (2, 3, 4)),
        ("hdbscan", 5),
    }
    assert selection.summary()["best"] == selection.best


def test_uniform_noise_gives_unstable_clusters(train_config):
    noise = np.random.default_rng(1).uniform(size=(80, 2))
    selection = select_model(noise, train_config, seed=0)
    assert selection.choices["kmeans"].stability_mean < 0.95


def test_the_silhouette_of_one_group_is_undefined_not_a_number():
    assert silhouette(blobs(2), np.zeros(50, dtype=int)) is None


def test_the_families_listed_are_the_only_ones_fitted(train_config):
    train = train_config.model_copy(update={"models": ["gaussian_mixture"]})
    selection = select_model(blobs(2), train, seed=0)
    assert set(selection.choices) == {"gaussian_mixture"}
    assert {trial.family for trial in selection.trials} == {"gaussian_mixture"}


def test_a_profile_names_what_sets_each_cluster_apart():
    frame = pd.DataFrame({"spend": [10.0, 12, 11, 90, 95, 92], "visits": [5.0, 5, 5, 5, 5, 5.1]})
    clusters = np.array([0, 0, 0, 1, 1, 1])
    table = profile(frame, clusters, infer_schema(frame))
    assert table.loc[1, "spend"] > 0.9 and table.loc[0, "spend"] < -0.9
    sentences = describe(table, pd.Series([3, 3], index=[0, 1]), top=2)
    assert sentences[1].startswith("Cluster 1 (3 rows, 50%): high `spend` (+1.0 sd)")
    assert "visits" not in sentences[1].split(",")[0]


def test_a_row_far_from_the_training_rows_scores_as_an_anomaly():
    points = blobs(2)
    detector = fit_anomaly(points, 100, seed=0)
    centre, far = anomaly_scores(detector, np.array([[0.0, 0.0], [40.0, -40.0]]))
    assert far > 0 > centre


def test_unstable_clusters_get_a_warning_and_stable_ones_none():
    summary = {"best": "kmeans", "families": {"kmeans": {"stability_ari": 0.55}}}
    (warning,) = stability_warnings(summary, threshold=0.8)
    assert "the kmeans clusters are unstable" in warning and "0.550 (below 0.8)" in warning
    summary["families"]["kmeans"]["stability_ari"] = 0.93
    assert stability_warnings(summary, threshold=0.8) == []
