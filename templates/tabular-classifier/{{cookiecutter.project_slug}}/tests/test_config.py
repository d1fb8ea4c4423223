"""params.yaml: the shipped file loads, and mistakes are reported by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.api.limits import ServeSettings
from {{ cookiecutter.package_name }}.candidates import build_candidate
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

from .tiny import ROOT, tiny_params


def write(path: Path, params: dict) -> Path:
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def test_the_projects_params_load_and_name_known_models():
    # Whatever data the project was switched to: the file loads and every candidate builds.
    config = load_config(ROOT / "params.yaml")
    assert config.data.target not in config.data.drop_columns
    for name, grid in config.train.candidates.items():
        build_candidate(name, grid, config.seed)


@pytest.mark.parametrize(
    ("section", "change", "message"),
    [
        ("data", {"test_sise": 0.2}, "params.yaml: unknown key data.test_sise"),
        ("data", {"test_size": 1.5}, "data.test_size: input should be less than 1, got 1.5"),
        ("train", {"cv_folds": 1}, "train.cv_folds: input should be greater than or equal to 2"),
        ("train", {"scoring": "auc"}, "train.scoring: input should be 'roc_auc', 'accuracy'"),
        ("train", {"cv_folds": "5"}, "train.cv_folds: input should be a valid integer, got '5'"),
        ("train", {"preprocess": {"max_categories": 1}}, "train.preprocess.max_categories: "),
        (None, {"preprocesss": {}}, "params.yaml: unknown key preprocesss"),
        ("evaluate", {"seeds": -1}, "evaluate.seeds: input should be greater than or equal to 0"),
    ],
    ids=["unknown", "range", "minimum", "choice", "type", "nested", "unknown-top-level", "seeds"],
)
def test_mistakes_are_reported_in_one_line_by_name(tmp_path, section, change, message):
    params = tiny_params()
    if section:
        params[section] |= change
    else:
        params |= change
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_config(write(tmp_path / "params.yaml", params))
    assert "\n" not in str(caught.value)


def test_a_misspelt_key_is_named_before_the_key_it_hides(tmp_path):
    params = tiny_params()
    params["train"]["cv_fold"] = params["train"].pop("cv_folds")  # also makes cv_folds missing
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path / "params.yaml", params))
    assert "params.yaml: unknown key train.cv_fold (did you mean train.cv_folds?)" in str(
        caught.value
    )


def test_the_serving_limits_are_checked_when_read(tmp_path):
    params = tiny_params()
    params["serve"] |= {"max_batch": 0}
    with pytest.raises(ConfigError, match=r"serve\.max_batch: [Ii]nput should be greater"):
        ServeSettings.load(write(tmp_path / "params.yaml", params))


@pytest.mark.parametrize(
    ("name", "grid", "message"),
    [
        ("svm", {}, "unknown model 'svm'"),
        ("random_forest", {"trees": [10]}, "has no parameter 'trees'"),
        ("random_forest", {"n_estimators": 10}, "must be a non-empty list"),
    ],
)
def test_bad_candidates_are_reported(name, grid, message):
    with pytest.raises(ConfigError, match=message):
        build_candidate(name, grid, seed=0)


def test_serving_works_without_params_yaml(tmp_path):
    assert ServeSettings.load(tmp_path / "absent.yaml").max_batch == 1000
