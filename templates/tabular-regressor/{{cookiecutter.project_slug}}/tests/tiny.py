"""The tiny project the tests run in: a house-prices-like table and a shrunk params.yaml.

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


def tiny_table(rows: int = 60, seed: int = 0) -> pd.DataFrame:
    """A house-prices-like table: numbers with gaps, a text column with gaps, a boolean column
    (read back from CSV as booleans), and a numeric target the columns explain well."""
    rng = np.random.default_rng(seed)
    town = rng.choice(["Ames", "Boone", "Nevada"], rows)
    area = rng.uniform(50, 200, rows)
    rooms = rng.integers(1, 6, rows).astype(float)
    premium = np.select([town == "Ames", town == "Boone"], [40.0, 0.0], 15.0)
    price = 2.0 * area + 10.0 * rooms + premium + rng.normal(0, 10, rows)
    frame = pd.DataFrame(
        {
            "town": town.astype(object),
            "area_m2": area,
            "rooms": rooms,
            "garden": rng.random(rows) < 0.5,
            "price": price.round(1),
        }
    )
    frame.loc[rng.random(rows) < 0.1, "area_m2"] = np.nan
    frame.loc[rng.random(rows) < 0.1, "town"] = np.nan
    return frame


def tiny_params() -> dict:
    """The project's own params.yaml, shrunk: every key stays, so a renamed key fails here."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    # Every data key the learner may have changed is set: their columns are not the tiny table's.
    params["data"] |= {
        "source": TINY_CSV,
        "target": "price",
        "drop_columns": [],
        "test_size": 0.25,
    }
    params["train"] |= {
        "cv_folds": 3,
        "log_target": False,
        "candidates": {
            "ridge": {"alpha": [1.0]},
            "random_forest": {"n_estimators": [10], "max_depth": [3]},
            "hist_gradient_boosting": {"max_iter": [20]},
        },
    }
    params["evaluate"] |= {"permutation_repeats": 2, "bootstrap_resamples": 200}
    params["serve"] |= {"max_batch": 3}
    params["mlflow"] |= {"experiment": "tests", "registered_model": "tiny-model"}
    return params


def write_params(path: Path, params: dict) -> Path:
    """Write `params` as the params.yaml of the project in `path`."""
    target = path / "params.yaml"
    target.write_text(yaml.safe_dump(params), encoding="utf-8")
    return target


def make_project(path: Path, params: dict | None = None) -> Path:
    """Lay out a tiny project in `path`: params.yaml, the CSV, README.md and MODEL_CARD.md."""
    (path / "data/raw").mkdir(parents=True, exist_ok=True)
    tiny_table().to_csv(path / TINY_CSV, index=False)
    write_params(path, params or tiny_params())
    for document in ("README.md", "MODEL_CARD.md"):
        shutil.copy(ROOT / document, path / document)
    return path
