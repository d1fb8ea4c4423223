"""params.yaml: the project's own file loads, and mistakes are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_the_projects_params_load() -> None:
    # Whatever environment the project was switched to: the file loads and names one.
    config = load_config(ROOT / "params.yaml")
    assert config.data.env.id
    assert config.evaluate.n_episodes >= 1


def _write(tmp_path: Path, section: str, key: str, value: object) -> Path:
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    place = params
    for name in section.split(".") if section else ():
        place = place[name]
    place[key] = value
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("train", "algorithm", "TRPO", "train.algorithm: input should be 'PPO', 'A2C'"),
        ("train", "learning_rate", 0.1, "params.yaml: unknown key train.learning_rate"),
        (
            "train",
            "total_timesteps",
            "many",
            "timesteps: input should be a valid integer, got 'many'",
        ),
        ("evaluate", "n_episodes", 0, "evaluate.n_episodes: input should be greater than or equal"),
        ("train", "seeds", 0, "train.seeds: input should be greater than or equal to 1"),
        ("data.env", "id", " ", "data.env.id: is empty"),
        ("train", "seed", 1, "params.yaml: unknown key train.seed"),
        ("", "environment", {}, "params.yaml: unknown key environment"),
    ],
    ids=[
        "unknown-algorithm",
        "misplaced-key",
        "wrong-type",
        "zero-episodes",
        "zero-seeds",
        "empty-env",
        "seed-is-top-level",
        "unknown-top-level",
    ],
)
def test_mistakes_are_named(
    tmp_path: Path, section: str, key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(_write(tmp_path, section, key, value))
