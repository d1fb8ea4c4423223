"""The held-out R² across model seeds (`evaluate.seeds`): the regressor's answers are its
predictions, the same for every refit when the model does not depend on its seed."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.metrics import r2_score

from ..reporting import seed_spread
from ..reporting.seed_spread import SEEDS_JSON, refit, write_seed_table

__all__ = ["SEEDS_JSON", "refit", "seed_finding", "seed_section", "seed_table", "write_seed_table"]

R2 = seed_spread.SeedMetric(key="r2", words="held-out R²")


def seed_table(
    model: BaseEstimator,
    train: tuple[pd.DataFrame, pd.Series],
    held_out: tuple[pd.DataFrame, pd.Series],
    *,
    count: int,
    served_seed: int,
    served_r2: float,
    name: str,
) -> dict[str, Any] | None:
    """reports/seeds.json's content: R² of `count` refits with other seeds; None at 0."""
    return seed_spread.spread(
        model,
        train,
        held_out,
        R2,
        answers=lambda fitted, features: fitted.predict(features),
        score=r2_score,
        count=count,
        served_seed=served_seed,
        served_score=served_r2,
        name=name,
    )


def seed_finding(table: dict[str, Any] | None) -> list[str]:
    """The README's one line on the seeds; none when `evaluate.seeds` is 0."""
    return seed_spread.seed_finding(table, R2)


def seed_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's table of the seeds; none when `evaluate.seeds` is 0."""
    return seed_spread.seed_section(table, R2)
