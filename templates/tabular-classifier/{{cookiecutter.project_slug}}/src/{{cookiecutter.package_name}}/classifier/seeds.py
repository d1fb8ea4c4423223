"""The held-out accuracy across model seeds (`evaluate.seeds`): the classifier's answers are its
class probabilities, the same for every refit when the model does not depend on its seed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline

from ..reporting import seed_spread
from ..reporting.seed_spread import SEEDS_JSON, refit, write_seed_table

__all__ = ["SEEDS_JSON", "refit", "seed_finding", "seed_section", "seed_table", "write_seed_table"]

ACCURACY = seed_spread.SeedMetric(key="accuracy", words="held-out accuracy")


def seed_table(
    model: Pipeline,
    train: tuple[pd.DataFrame, pd.Series],
    held_out: tuple[pd.DataFrame, pd.Series],
    classes: Sequence[str],
    *,
    count: int,
    served_seed: int,
    served_accuracy: float,
    name: str,
) -> dict[str, Any] | None:
    """reports/seeds.json's content: accuracy of `count` refits with other seeds; None at 0."""
    return seed_spread.spread(
        model,
        train,
        held_out,
        ACCURACY,
        answers=lambda fitted, features: fitted.predict_proba(features),
        score=lambda labels, probabilities: accuracy_score(
            labels, np.asarray(classes)[probabilities.argmax(axis=1)]
        ),
        count=count,
        served_seed=served_seed,
        served_score=served_accuracy,
        name=name,
    )


def seed_finding(table: dict[str, Any] | None) -> list[str]:
    """The README's one line on the seeds; none when `evaluate.seeds` is 0."""
    return seed_spread.seed_finding(table, ACCURACY)


def seed_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's table of the seeds; none when `evaluate.seeds` is 0."""
    return seed_spread.seed_section(table, ACCURACY)
