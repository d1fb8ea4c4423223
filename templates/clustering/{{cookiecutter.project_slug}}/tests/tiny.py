"""The tiny project the tests run in: a table of three groups and a shrunk params.yaml.

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


def tiny_table(rows_per_group: int = 20, seed: int = 0) -> pd.DataFrame:
    """Three customer-like groups well apart: numbers with gaps, a text column with gaps, a
    boolean column (read back from CSV as booleans), and the group as a known label."""
    rng = np.random.default_rng(seed)
    group = np.repeat(["bargain", "regular", "premium"], rows_per_group)
    spend = np.select([group == "bargain", group == "regular"], [20.0, 60.0], 120.0)
    visits = np.select([group == "bargain", group == "regular"], [2.0, 8.0], 4.0)
    channel = np.where(group == "premium", "store", "web")
    frame = pd.DataFrame(
        {
            "channel": channel.astype(object),
            "spend": spend + rng.normal(0, 4, len(group)),
            "visits": visits + rng.normal(0, 0.8, len(group)),
            "member": group != "bargain",
            "group": group,
        }
    )
    frame.loc[rng.random(len(frame)) < 0.05, "visits"] = np.nan
    frame.loc[rng.random(len(frame)) < 0.05, "channel"] = np.nan
    return frame


def tiny_params() -> dict:
    """The project's own params.yaml, shrunk: every key stays, so a renamed key fails here."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    # Every data key the learner may have changed is set: their columns are not the tiny table's.
    params["data"] |= {
        "source": TINY_CSV,
        "label": "group",
        "drop_columns": [],
        "test_size": 0.25,
    }
    params["train"] |= {
        "models": ["kmeans", "gaussian_mixture", "hdbscan"],
        "k": {"min": 2, "max": 4},
        "kmeans_n_init": 3,
        "hdbscan": {"min_cluster_size": [5]},
        "stability": {"seeds": 2, "resamples": 2, "warn_below": 0.8},
        "anomaly": {"enabled": True, "n_estimators": 20},
    }
    params["evaluate"] |= {"bootstrap": 200, "profile_features": 2}
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
