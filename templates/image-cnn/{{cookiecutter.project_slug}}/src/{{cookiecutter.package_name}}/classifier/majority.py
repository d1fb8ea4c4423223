{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/majority.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The majority-class baseline: always answer the class the training data holds most of."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np


def majority_label(train_labels: Sequence[Any], classes: Sequence[Any]) -> Any:
    """The most frequent training label; ties go to the class listed first."""
    counts = Counter(train_labels)
    return max(classes, key=lambda label: (counts.get(label, 0), -list(classes).index(label)))


def prior_probabilities(
    train_labels: Sequence[Any], classes: Sequence[Any], rows: int
) -> np.ndarray:
    """The training share of each class, the same for every row: its argmax is the majority."""
    counts = Counter(train_labels)
    shares = np.array([counts.get(label, 0) for label in classes], dtype=float)
    shares /= shares.sum()
    # Nudge the majority up so argmax never picks another class on a tie.
    shares[list(classes).index(majority_label(train_labels, classes))] += 1e-9
    return np.tile(shares, (rows, 1))
