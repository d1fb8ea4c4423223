"""The held-out accuracy across model seeds: would the page's score survive another seed?

The evaluate stage refits the pipeline the train stage chose (a clone of the saved model: the
same preprocessing and hyper-parameters, no new selection) with `evaluate.seeds` other seeds, on
the same training rows, and scores each on the same held-out rows. The split stays fixed: only the
model's own randomness changes (every `random_state` in the pipeline, and what it seeds, such as
a forest's bootstrap samples). A model whose refits all answer like the served one does not
depend on its seed, and is said to be so rather than shown as a row of equal numbers.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline

from ..core.stage import write_atomically
from ..reporting.markdown import literal

SEEDS_JSON = Path("reports/seeds.json")
DECIMALS = 4
SAME_ANSWERS = 1e-9  # probabilities closer than this: the refit answers as the served model does


def seeded_parameters(model: Pipeline) -> list[str]:
    """The pipeline's parameters that seed its randomness: every `random_state` in it."""
    return sorted(
        name for name in model.get_params(deep=True) if name.rsplit("__", 1)[-1] == "random_state"
    )


def refit(model: Pipeline, seed: int, features: pd.DataFrame, labels: pd.Series) -> Pipeline:
    """The same unfitted pipeline with every `random_state` set to `seed`, fitted on the rows."""
    seeded = clone(model).set_params(**dict.fromkeys(seeded_parameters(model), seed))
    return seeded.fit(features, labels)


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
    if count <= 0:
        return None
    features, labels = held_out
    served = model.predict_proba(features)
    seeds = [served_seed + offset for offset in range(1, count + 1)]
    scores, same = [], True
    for seed in seeds:
        probabilities = refit(model, seed, *train).predict_proba(features)
        same = same and np.allclose(probabilities, served, rtol=0, atol=SAME_ANSWERS)
        scores.append(accuracy_score(labels, np.asarray(classes)[probabilities.argmax(axis=1)]))
    return {
        "metric": "accuracy",
        "model": name,
        "rows": len(labels),
        "split": "fixed: every refit uses data/train.csv and is scored on data/test.csv",
        "varied": seeded_parameters(model),
        "deterministic": bool(same),
        "served": {"seed": served_seed, "accuracy": _round(served_accuracy)},
        "seeds": [
            {"seed": seed, "accuracy": _round(score)}
            for seed, score in zip(seeds, scores, strict=True)
        ],
        "mean": _round(statistics.fmean(scores)),
        # The sample standard deviation; one seed has none.
        "std": _round(statistics.stdev(scores)) if len(scores) > 1 else None,
        "min": _round(min(scores)),
        "max": _round(max(scores)),
        "position": position(served_accuracy, scores),
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


def seed_finding(table: dict[str, Any] | None) -> list[str]:
    """The README's one line on the seeds; none when `evaluate.seeds` is 0."""
    if not table:
        return []
    count, served = len(table["seeds"]), table["served"]["accuracy"]
    if table["deterministic"]:
        return [
            f"{literal(table['model'])} does not depend on its seed: refits with {count} other "
            "seeds answer as the served model; no seed spread."
        ]
    across = f"Across {count} other model seeds (split fixed)"
    if table["position"] == "same":
        return [f"{across} every refit scores the served {served:.{DECIMALS}f} held-out accuracy."]
    return [
        f"{across}, held-out accuracy ranges {table['min']:.{DECIMALS}f}–"
        f"{table['max']:.{DECIMALS}f}, mean {table['mean']:.{DECIMALS}f}; the served "
        f"{served:.{DECIMALS}f} {WHERE[table['position']]} ([model card](MODEL_CARD.md))."
    ]


def seed_section(table: dict[str, Any] | None) -> list[str]:
    """The model card's table of the seeds; none when `evaluate.seeds` is 0."""
    from ..reporting.report_blocks import markdown_table

    if not table:
        return []
    intro = (
        f"The chosen {literal(table['model'])}, with the same hyper-parameters, refit on the same "
        f"training rows with {len(table['seeds'])} other seeds (`evaluate.seeds`) and scored on "
        f"the same {table['rows']} held-out rows: the split stays fixed, only the model's own "
        f"randomness changes ({', '.join(f'`{name}`' for name in table['varied']) or 'none'}; "
        f"`{SEEDS_JSON.as_posix()}`)."
    )
    if table["deterministic"]:
        return [
            "### Held-out accuracy across seeds",
            intro + " Every refit gives the served model's answers: it does not depend on its "
            "seed.",
        ]
    rows = [[f"**{table['served']['seed']}** (served)", _shown(table["served"]["accuracy"])]]
    rows += [[str(item["seed"]), _shown(item["accuracy"])] for item in table["seeds"]]
    spread = "–" if table["std"] is None else _shown(table["std"])
    summary = (
        f"Other seeds: mean {_shown(table['mean'])}, standard deviation {spread}, "
        f"min {_shown(table['min'])}, max {_shown(table['max'])}."
    )
    return [
        "### Held-out accuracy across seeds",
        intro,
        markdown_table(["seed", "held-out accuracy"], rows),
        summary,
    ]


def _shown(value: float) -> str:
    return f"{value:.{DECIMALS}f}"


def write_seed_table(table: dict[str, Any] | None) -> None:
    """reports/seeds.json when asked for; off, no earlier run's spread is left to show."""
    if table is None:
        SEEDS_JSON.unlink(missing_ok=True)
    else:
        write_atomically(SEEDS_JSON, json.dumps(table, indent=2) + "\n")
