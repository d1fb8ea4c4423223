{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/findings.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Plain sentences about a classifier's held-out mistakes, in the class names of the data used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..reporting.markdown import literal

# Fewer errors than this in a class cannot tell it apart from the others: one or two mistakes
# more or less, from another split, would reorder the classes.
MIN_ERRORS_TO_RANK = 5


def missed(y_true: Sequence[Any], y_pred: Sequence[Any], positive: Any, noun: str) -> list[str]:
    """How many positives were missed and how many others were flagged as positive."""
    pairs = list(zip(y_true, y_pred, strict=True))
    positives = sum(truth == positive for truth, _ in pairs)
    negatives = len(pairs) - positives
    misses = sum(truth == positive and guess != positive for truth, guess in pairs)
    false_alarms = sum(truth != positive and guess == positive for truth, guess in pairs)
    return [
        f"{misses} of {positives} {literal(positive)} {noun} in the test set "
        f"{_were(misses)} missed (false negatives).",
        f"{false_alarms} of {negatives} other {noun} {_were(false_alarms)} wrongly called "
        f"{literal(positive)} (false positives).",
    ]


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def confusions(
    y_true: Sequence[Any], y_pred: Sequence[Any], noun: str, *, top: int = 3
) -> list[str]:
    """The most frequent confusions, e.g. "most confusions: `3` taken for `5` (4 times)"."""
    pairs = Counter(
        (str(truth), str(guess))
        for truth, guess in zip(y_true, y_pred, strict=True)
        if truth != guess
    )
    wrong = sum(pairs.values())
    if not wrong:
        return [f"Every one of the {len(y_true)} held-out {noun} was classified correctly."]
    common = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:top]
    shown = ", ".join(
        f"{literal(truth)} taken for {literal(guess)} ({count} {'time' if count == 1 else 'times'})"
        for (truth, guess), count in common
    )
    if common[0][1] < MIN_ERRORS_TO_RANK:  # no pair is frequent enough to call it the most
        return [
            f"{wrong} of {len(y_true)} held-out {noun} {_were(wrong)} misclassified, too few "
            f"to rank the confusions (none occurs {MIN_ERRORS_TO_RANK} times): {shown}."
        ]
    return [
        f"{wrong} of {len(y_true)} held-out {noun} {_were(wrong)} misclassified; "
        f"most confusions: {shown}."
    ]


def hardest_class(recognised: Mapping[str, tuple[int, int]], noun: str) -> list[str]:
    """The class of lowest recall from {class: (recognised, support)}, named only when its
    errors are enough to rank (MIN_ERRORS_TO_RANK); else a sentence saying they are too few."""
    if not recognised:
        return []

    def recall(label: str) -> float:
        found, support = recognised[label]
        return found / support if support else 1.0

    name = min(recognised, key=lambda label: (recall(label), label))
    found, support = recognised[name]
    errors = support - found
    if errors < MIN_ERRORS_TO_RANK:
        return [
            f"The held-out errors are too few to name a hardest class: the class of lowest "
            f"recall, {literal(name)}, has {errors} {'error' if errors == 1 else 'errors'}, "
            f"under the {MIN_ERRORS_TO_RANK} a ranking needs."
        ]
    return [
        f"Hardest class: {literal(name)}, {found} of its {support} test {noun} recognised "
        f"({errors} errors; recall {recall(name):.4f})."
    ]


def tied_with_top(means: Mapping[str, float], stds: Mapping[str, float]) -> list[str]:
    """The names whose mean ± std overlaps the highest one's, the highest first: a tie, not a
    ranking, since another split or shuffle could reorder them."""
    if not means:
        return []
    order = sorted(means, key=lambda name: (-means[name], str(name)))
    top = order[0]
    floor = means[top] - stds[top]
    return [name for name in order if name == top or means[name] + stds[name] >= floor]


def named(items: Sequence[str], *, shown: int = 5) -> str:
    """`a`, `b` and `c`; past `shown` names, "and N more"."""
    names = [literal(item) for item in items[:shown]]
    if len(items) > shown:
        return ", ".join(names) + f" and {len(items) - shown} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
