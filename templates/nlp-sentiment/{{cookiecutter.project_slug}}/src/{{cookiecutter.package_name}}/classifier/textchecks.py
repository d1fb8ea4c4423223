"""Checks of the prepared splits before training: test texts that are also training texts,
classes with too few texts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .checks import class_counts, report, shared_examples, tiny_classes


def _normal(text: object) -> str:
    return " ".join(str(text).lower().split())


CHECKS_FILE = "checks.json"  # beside the splits, in the data stage's output folder


def check_texts(train: pd.DataFrame, test: pd.DataFrame, folder: Path) -> list[str]:
    """Run the checks on the two splits; print the warnings and keep them in `folder`."""
    warnings = shared_examples(
        (_normal(text) for text in train["text"]),
        [_normal(text) for text in test["text"]],
        "texts",
        "the same words, ignoring case and spacing",
    )
    counts = class_counts([*train["label"], *test["label"]])
    warnings += tiny_classes(counts, "texts")
    return report(warnings, folder / CHECKS_FILE)
