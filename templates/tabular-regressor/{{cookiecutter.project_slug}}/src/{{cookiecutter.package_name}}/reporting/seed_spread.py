{# generated from templates/_seeds/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/seed_spread.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The held-out score across model seeds: would the page's score survive another seed?

The evaluate stage refits the pipeline the train stage chose (a clone of the saved model: the
same preprocessing and hyper-parameters, no new selection) with `evaluate.seeds` other seeds, on
the same training rows, and scores each on the same held-out rows. The split stays fixed: only the
model's own randomness changes (every `random_state` in the pipeline, and what it seeds, such as
a forest's bootstrap samples). A model whose refits all answer like the served one does not
depend on its seed, and is said to be so rather than shown as a row of equal numbers. The
project says which score (`SeedMetric`), how the model answers and how answers are scored.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from ..core.stage import write_atomically
from .markdown import literal

SEEDS_JSON = Path("reports/seeds.json")
DECIMALS = 4
SAME_ANSWERS = 1e-9  # answers closer than this: the refit answers as the served model does


@dataclass(frozen=True)
class SeedMetric:
    """The score compared across seeds: its key in reports/seeds.json and its words on the page."""

    key: str  # "accuracy", "r2"
    words: str  # "held-out accuracy", "held-out R²"


def seeded_parameters(model: BaseEstimator) -> list[str]:
    """The pipeline's parameters that seed its randomness: every `random_state` in it."""
    return sorted(
        name for name in model.get_params(deep=True) if name.rsplit("__", 1)[-1] == "random_state"
    )


def refit(
    model: BaseEstimator, seed: int, features: pd.DataFrame, target: pd.Series
) -> BaseEstimator:
    """The same unfitted pipeline with every `random_state` set to `seed`, fitted on the rows."""
    seeded = clone(model).set_params(**dict.fromkeys(seeded_parameters(model), seed))
    return seeded.fit(features, target)


def spread(
    model: BaseEstimator,
    train: tuple[pd.DataFrame, pd.Series],
    held_out: tuple[pd.DataFrame, pd.Series],
    metric: SeedMetric,
    *,
    answers: Callable[[BaseEstimator, pd.DataFrame], np.ndarray],
    score: Callable[[pd.Series, np.ndarray], float],
    count: int,
    served_seed: int,
    served_score: float,
    name: str,
) -> dict[str, Any] | None:
    """reports/seeds.json's content: the score of `count` refits with other seeds; None at 0.

    `answers` is what the model gives for the rows (probabilities, predictions), compared
    between refits; `score` turns the true values and those answers into the metric."""
    if count <= 0:
        return None
    features, target = held_out
    served = answers(model, features)
    seeds = [served_seed + offset for offset in range(1, count + 1)]
    scores, same = [], True
    for seed in seeds:
        given = answers(refit(model, seed, *train), features)
        same = same and np.allclose(given, served, rtol=0, atol=SAME_ANSWERS)
        scores.append(score(target, given))
    return {
        "metric": metric.key,
        "model": name,
        "rows": len(target),
        "split": "fixed: every refit uses data/train.csv and is scored on data/test.csv",
        "varied": seeded_parameters(model),
        "deterministic": bool(same),
        "served": {"seed": served_seed, metric.key: _round(served_score)},
        "seeds": [
            {"seed": seed, metric.key: _round(value)}
            for seed, value in zip(seeds, scores, strict=True)
        ],
        "mean": _round(statistics.fmean(scores)),
        # The sample standard deviation; one seed has none.
        "std": _round(statistics.stdev(scores)) if len(scores) > 1 else None,
        "min": _round(min(scores)),
        "max": _round(max(scores)),
        "position": position(served_score, scores),
    }


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def position(served: float, scores: Sequence[float]) -> str:
    """Where the served score sits among the other seeds' scores.

    At an edge only when fewer than half of the other seeds reach it: a score most seeds share
    is the usual outcome, not a lucky one.
    """
    low, high = min(scores), max(scores)
    if low == high == served:
        return "same"
    shared = sum(score == served for score in scores) * 2 >= len(scores)
    if served > high:
        return "above"
    if served == high and not shared:
        return "top"
    if served < low:
        return "below"
    if served == low and not shared:
        return "bottom"
    return "typical"


# Few words: the README's main page stays under 800 with this line on it.
WHERE = {
    "typical": "is typical",
    "top": "is at the top: maybe a lucky seed",
    "above": "beats every other seed: maybe a lucky seed",
    "bottom": "is at the bottom: other seeds do better",
    "below": "trails every other seed",
}


def seed_finding(table: dict[str, Any] | None, metric: SeedMetric) -> list[str]:
    """The README's one line on the seeds; none when `evaluate.seeds` is 0."""
    if not table:
        return []
    count, served = len(table["seeds"]), table["served"][metric.key]
    if table["deterministic"]:
        return [
            f"{literal(table['model'])} does not depend on its seed: refits with {count} other "
            "seeds answer as the served model; no seed spread."
        ]
    across = f"Across {count} other model seeds (split fixed)"
    if table["position"] == "same":
        return [f"{across} every refit scores the served {metric.words} of {_shown(served)}."]
    return [
        f"{across}, {metric.words} ranges {_shown(table['min'])}–{_shown(table['max'])}, mean "
        f"{_shown(table['mean'])}; the served {_shown(served)} {WHERE[table['position']]} "
        "([model card](MODEL_CARD.md))."
    ]


def seed_section(table: dict[str, Any] | None, metric: SeedMetric) -> list[str]:
    """The model card's table of the seeds; none when `evaluate.seeds` is 0."""
    from .report_blocks import markdown_table

    if not table:
        return []
    heading = f"### {metric.words[0].upper()}{metric.words[1:]} across seeds"
    intro = (
        f"The chosen {literal(table['model'])}, with the same hyper-parameters, refit on the same "
        f"training rows with {len(table['seeds'])} other seeds (`evaluate.seeds`) and scored on "
        f"the same {table['rows']} held-out rows: the split stays fixed, only the model's own "
        f"randomness changes ({', '.join(f'`{name}`' for name in table['varied']) or 'none'}; "
        f"`{SEEDS_JSON.as_posix()}`)."
    )
    if table["deterministic"]:
        return [
            heading,
            intro + " Every refit gives the served model's answers: it does not depend on its "
            "seed.",
        ]
    rows = [[f"**{table['served']['seed']}** (served)", _shown(table["served"][metric.key])]]
    rows += [[str(item["seed"]), _shown(item[metric.key])] for item in table["seeds"]]
    deviation = "–" if table["std"] is None else _shown(table["std"])
    summary = (
        f"Other seeds: mean {_shown(table['mean'])}, standard deviation {deviation}, "
        f"min {_shown(table['min'])}, max {_shown(table['max'])}."
    )
    return [heading, intro, markdown_table(["seed", metric.words], rows), summary]


def _shown(value: float) -> str:
    return f"{value:.{DECIMALS}f}"


def write_seed_table(table: dict[str, Any] | None) -> None:
    """reports/seeds.json when asked for; off, no earlier run's spread is left to show."""
    if table is None:
        SEEDS_JSON.unlink(missing_ok=True)
    else:
        write_atomically(SEEDS_JSON, json.dumps(table, indent=2) + "\n")
