"""params.yaml: the shipped file loads, and mistakes are reported by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.api.limits import ServeSettings
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

from .tiny import ROOT, tiny_params


def write(path: Path, params: dict) -> Path:
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def test_the_projects_params_load():
    config = load_config(ROOT / "params.yaml")
    assert config.data.label not in config.data.drop_columns
    assert config.train.k.min <= config.train.k.max


@pytest.mark.parametrize(
    ("section", "change", "message"),
    [
        ("data", {"test_sise": 0.2}, "params.yaml: unknown key data.test_sise"),
        ("data", {"test_size": 1.5}, "data.test_size: input should be less than 1, got 1.5"),
        ("train", {"k": {"min": 1, "max": 4}}, "train.k.min: input should be greater than or"),
        ("train", {"k": {"min": 5, "max": 3}}, "train.k: max (3) is below min (5)"),
        ("train", {"models": ["dbscan"]}, "train.models[0]: input should be 'kmeans'"),
        ("train", {"kmeans_n_init": "5"}, "train.kmeans_n_init: input should be a valid integer"),
        (None, {"preprocesss": {}}, "params.yaml: unknown key preprocesss"),
    ],
    ids=["unknown", "range", "minimum", "order", "choice", "type", "unknown-top-level"],
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


def test_the_serving_limits_are_checked_when_read(tmp_path):
    params = tiny_params()
    params["serve"] |= {"max_batch": 0}
    with pytest.raises(ConfigError, match=r"serve\.max_batch: [Ii]nput should be greater"):
        ServeSettings.load(write(tmp_path / "params.yaml", params))


def test_serving_works_without_params_yaml(tmp_path):
    assert ServeSettings.load(tmp_path / "absent.yaml").max_batch == 1000
