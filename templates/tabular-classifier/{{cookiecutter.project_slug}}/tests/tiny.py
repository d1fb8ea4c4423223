"""The tiny project the tests run in: a penguins-like table and a shrunk params.yaml.

Whatever data params.yaml names, the tests train on this table: they check the pipeline's
contracts, not the facts of one data set.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY_CSV = "data/raw/tiny.csv"


def tiny_table(rows_per_class: int = 16, seed: int = 0) -> pd.DataFrame:
    """A penguins-like table: numbers with gaps, a text column with gaps, a boolean column (read
    back from CSV as booleans), text labels."""
    rng = np.random.default_rng(seed)
    species = np.repeat(["adelie", "chinstrap", "gentoo"], rows_per_class)
    bill = np.select([species == "adelie", species == "chinstrap"], [38.0, 49.0], 47.0)
    depth = np.where(species == "gentoo", 15.0, 18.5)
    island = np.where(
        species == "gentoo", "Biscoe", np.where(species == "chinstrap", "Dream", "Torgersen")
    )
    frame = pd.DataFrame(
        {
            "island": island.astype(object),
            "bill_length_mm": bill + rng.normal(0, 1.5, len(species)),
            "bill_depth_mm": depth + rng.normal(0, 0.8, len(species)),
            "banded": rng.random(len(species)) < 0.5,
            "species": species,
        }
    )
    gaps = rng.random(len(frame)) < 0.1
    frame.loc[gaps, "bill_length_mm"] = np.nan
    frame.loc[rng.random(len(frame)) < 0.1, "island"] = np.nan
    return frame


def tiny_params() -> dict:
    """The project's own params.yaml, shrunk: every key stays, so a renamed key fails here."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    # Every data key the learner may have changed is set: their columns are not the tiny table's.
    params["data"] |= {
        "source": TINY_CSV,
        "target": "species",
        "drop_columns": [],
        "test_size": 0.25,
    }
    params["train"] |= {
        "cv_folds": 3,
        "candidates": {
            "logistic_regression": {"C": [1.0]},
            "random_forest": {"n_estimators": [10], "max_depth": [3]},
            "hist_gradient_boosting": {"max_iter": [20]},
        },
    }
    params["evaluate"] |= {"positive_class": None, "permutation_repeats": 2}
    params["serve"] |= {"max_batch": 3}
    params["mlflow"] |= {"experiment": "tests", "registered_model": "tiny-model"}
    return params


def write_params(path: Path, params: dict) -> Path:
    """Write `params` as the params.yaml of the project in `path`."""
    target = path / "params.yaml"
    target.write_text(yaml.safe_dump(params), encoding="utf-8")
    return target


def make_project(path: Path) -> Path:
    """Lay out a tiny project in `path`: params.yaml, the CSV, README.md and MODEL_CARD.md."""
    (path / "data/raw").mkdir(parents=True, exist_ok=True)
    tiny_table().to_csv(path / TINY_CSV, index=False)
    write_params(path, tiny_params())
    for document in ("README.md", "MODEL_CARD.md"):
        shutil.copy(ROOT / document, path / document)
    return path
