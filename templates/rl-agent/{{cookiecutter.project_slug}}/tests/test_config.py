"""params.yaml: the defaults load, and mistakes are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_params_load() -> None:
    config = load_config(ROOT / "params.yaml")
    assert config.env.id == "CartPole-v1"
    assert config.train.algorithm == "PPO"
    assert config.evaluate.n_episodes == 100
    assert config.evaluate.deterministic


def _write(tmp_path: Path, section: str, key: str, value: object) -> Path:
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params[section][key] = value
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("train", "algorithm", "TRPO", "train.algorithm must be one of"),
        ("train", "learning_rate", 0.1, "unknown key(s) ['learning_rate']"),
        ("train", "total_timesteps", "many", "train.total_timesteps"),
        ("evaluate", "n_episodes", 0, "evaluate.n_episodes must be at least 1"),
        ("env", "id", " ", "env.id is empty"),
    ],
    ids=["unknown-algorithm", "misplaced-key", "wrong-type", "zero-episodes", "empty-env"],
)
def test_mistakes_are_named(
    tmp_path: Path, section: str, key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(_write(tmp_path, section, key, value))
