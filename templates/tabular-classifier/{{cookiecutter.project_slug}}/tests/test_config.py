"""params.yaml: the shipped file loads, and mistakes are reported by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.candidates import build_candidate
from {{ cookiecutter.package_name }}.config import load_config, load_serve_config
from {{ cookiecutter.package_name }}.errors import ConfigError

from .tiny import ROOT, tiny_params


def write(path: Path, params: dict) -> Path:
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def test_the_shipped_params_load_and_name_known_models():
    config = load_config(ROOT / "params.yaml")
    assert config.data.source == "sklearn-breast-cancer"
    for name, grid in config.train.candidates.items():
        build_candidate(name, grid, config.seed)


@pytest.mark.parametrize(
    ("section", "change", "message"),
    [
        ("data", {"test_sise": 0.2}, "unknown key(s) ['test_sise']"),
        ("data", {"test_size": 1.5}, "data.test_size must be between 0 and 1"),
        ("train", {"cv_folds": 1}, "train.cv_folds must be 2 or more"),
        ("train", {"scoring": "auc"}, "train.scoring must be one of"),
        ("serve", {"max_batch": 0}, "serve.max_batch must be 1 or more"),
    ],
)
def test_mistakes_are_reported_by_name(tmp_path, section, change, message):
    params = tiny_params()
    params[section] |= change
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path / "params.yaml", params))


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
    assert load_serve_config(tmp_path / "absent.yaml").max_batch == 1000
