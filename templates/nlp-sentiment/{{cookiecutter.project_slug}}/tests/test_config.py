"""params.yaml: the project's own file loads, and mistakes stop with one line naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

from .conftest import write_config


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"train": {"models": ["baseline", "svm"]}}, "train.models[1]: input should be 'baseline'"),
        ({"train": {"models": ["neural", "neural"]}}, "train.models: lists a model twice"),
        ({"train": {"seed": 1}}, "params.yaml: unknown key train.seed"),
        ({"mlfow": {}}, "params.yaml: unknown key mlfow"),
    ],
    ids=["unknown-model", "twice", "seed-is-top-level", "unknown-top-level"],
)
def test_config_mistakes_stop_with_one_line_naming_the_key(
    tmp_path: Path, sections: dict, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        write_config(tmp_path, **sections)


def test_project_params_load() -> None:
    # Whatever data the project was switched to: the file loads and names at least one model.
    config = load_config(Path(__file__).resolve().parent.parent / "params.yaml")
    assert config.train.models
    assert config.data.source in ("imdb", "file")
