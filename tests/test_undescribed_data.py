"""The data stage warns once when the data changed but data.about still names the default set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from mlport.audit.data_names import template_defaults
from mlport.registry import get_template
from tests.conftest import TEMPLATE_NAMES

ROWS = np.random.default_rng(0)


def table(project: Path, label: str, values: Callable[[int], np.ndarray]) -> dict:
    """A small CSV of two features and `label` in data/raw; the data keys naming it."""
    frame = pd.DataFrame({"a": ROWS.normal(size=120), "b": ROWS.normal(size=120)})
    frame[label] = values(120)
    frame.to_csv(project / "data" / "raw" / "own.csv", index=False)
    return {"source": "data/raw/own.csv"}


def images(project: Path) -> dict:
    """Two classes of small images in data/raw; the data keys naming the folder."""
    for label, shade in (("dark", 40), ("light", 210)):
        folder = project / "data" / "raw" / label
        folder.mkdir(parents=True)
        for index in range(12):
            pixels = np.full((16, 16), shade + index, dtype=np.uint8)
            Image.fromarray(pixels).save(folder / f"{index}.png")
    return {"source": "folder", "folder": "data/raw"}


# Each template's data switched to other data, named as the warning names it.
OTHER_DATA: dict[str, tuple[Callable[[Path], dict], str]] = {
    "tabular-classifier": (
        lambda p: table(p, "diagnosis", lambda n: ROWS.integers(0, 2, n)),
        "data/raw/own.csv",
    ),
    "tabular-regressor": (
        lambda p: table(p, "progression", lambda n: ROWS.normal(size=n)),
        "data/raw/own.csv",
    ),
    "clustering": (
        lambda p: table(p, "cultivar", lambda n: ROWS.integers(0, 3, n)),
        "data/raw/own.csv",
    ),
    "image-cnn": (images, "data/raw"),
    "nlp-sentiment": (lambda p: {"source": "file"}, "data/raw/example.csv"),
    "rl-agent": (lambda p: {"env": {"id": "Pendulum-v1", "kwargs": {}}}, "Pendulum-v1"),
}


def run_data_stage(project: Path, data: dict) -> list[str]:
    """Run `python -m <package>.data` on params.yaml's data updated with `data`; its warnings."""
    params_file = project / "params.yaml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params["data"] |= data
    params_file.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    package = next(path.name for path in (project / "src").iterdir() if path.is_dir())
    result = subprocess.run(
        [sys.executable, "-m", f"{package}.data"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if line.startswith("warning: data is ")]


def test_every_template_is_covered() -> None:
    assert sorted(OTHER_DATA) == sorted(TEMPLATE_NAMES)


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_other_data_under_the_default_description_warns_once(
    rendered: dict[str, Path], template: str, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(rendered[template], tmp_path / "project"))
    make, shown = OTHER_DATA[template]
    default = template_defaults(get_template(template).path).about["name"]
    assert run_data_stage(project, make(project)) == [
        f"warning: data is {shown} but params.yaml's data.about still describes {default}: "
        "describe your data there (name, url, summary), which the README and model card show"
    ]


def test_no_warning_on_the_default_data_or_once_the_data_is_described(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    project = Path(shutil.copytree(rendered["rl-agent"], tmp_path / "project"))
    assert run_data_stage(project, {}) == []
    about = {"name": "Pendulum-v1 (Gymnasium)", "summary": "Swing a pendulum up."}
    assert (
        run_data_stage(project, {"env": {"id": "Pendulum-v1", "kwargs": {}}, "about": about}) == []
    )
