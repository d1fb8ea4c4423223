"""Which class the binary metrics are about, and how the report words the averaging."""

from __future__ import annotations

from collections.abc import Sequence

from .core.errors import ConfigError
from .reporting.markdown import literal


def positive_class(classes: Sequence[str], configured: str | None) -> str | None:
    """The class binary precision/recall/F1 are about; None with more than two classes."""
    if len(classes) != 2:
        return None
    if configured is None:
        return classes[-1]  # scikit-learn's convention: the greater label is positive
    if configured not in classes:
        raise ConfigError(
            f"evaluate.positive_class {configured!r} is not one of the classes {list(classes)}"
        )
    return configured


def averaging(positive: str | None) -> str:
    """How precision, recall and F1 were computed, in words for the report."""
    if positive is None:
        return "macro averages over the classes; ROC AUC one-vs-rest, macro-averaged"
    return f"for the positive class {literal(positive)}"
