"""The served model's lead over the runner-up: its paired interval and what the page says of it."""

from __future__ import annotations

import re

import numpy as np

from {{ cookiecutter.package_name }}.metrics import choice_phrase, correct, selection_evidence
from {{ cookiecutter.package_name }}.report import _selection

TEXTS = 240


def _right(count: int, offset: int = 0) -> np.ndarray:
    """1 for `count` texts out of TEXTS, starting at `offset`, else 0."""
    values = np.zeros(TEXTS)
    values[offset : offset + count] = 1
    return values


def _summary(selection: dict) -> dict:
    return {
        "best_model": "neural",
        "models": ["baseline", "neural"],
        "selected_by": "val_accuracy",
        "val_rows": TEXTS,
        "validation": {"baseline": {"accuracy": 0.8417}, "neural": {"accuracy": 0.8458}},
        "registered_model": "sentiment",
        "model_version": "3",
        "selection": selection,
    }


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"[+-]?\d+(?:\.\d+)?", text)]


def test_correct_marks_the_most_probable_class() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert correct(["neg", "pos", "pos"], proba, ["neg", "pos"]).tolist() == [1.0, 1.0, 0.0]


def test_one_text_of_240_is_not_a_lead() -> None:
    # 203 against 202 right of 240 (0.8458 against 0.8417), each right where the other is wrong
    # on about ten texts: the scores that chose a model.
    selection = selection_evidence("neural", "baseline", _right(203), _right(202, 10), seed=0)
    low, high = selection["interval"]
    assert low < 0 < high
    assert selection["verdict"] == "not distinguishable"
    assert round(selection["difference"], 4) == round(1 / TEXTS, 4)
    phrase = choice_phrase("neural", selection, 2)
    assert "not distinguishable from `baseline`" in phrase
    assert "the simpler `baseline` would serve as well" in phrase
    assert "ahead" not in phrase and "better" not in phrase


def test_a_clear_win_is_ahead() -> None:
    selection = selection_evidence("neural", "baseline", _right(220), _right(150), seed=0)
    assert selection["interval"][0] > 0
    assert selection["verdict"] == "ahead"
    phrase = choice_phrase("neural", selection, 2)
    assert phrase.startswith("`neural`, ahead of `baseline`")
    assert "not distinguishable" not in phrase and "simpler" not in phrase


def test_the_simpler_model_served_is_not_told_to_step_aside() -> None:
    selection = selection_evidence("baseline", "neural", _right(203), _right(202, 10), seed=0)
    phrase = choice_phrase("baseline", selection, 2)
    assert "not distinguishable from `neural`" in phrase and "simpler" not in phrase


def test_a_single_model_is_not_compared() -> None:
    assert choice_phrase("baseline", None, 1) == "`baseline`, the only model trained"


def test_every_number_on_the_page_is_the_json() -> None:
    selection = selection_evidence("neural", "baseline", _right(203), _right(202, 10), seed=0)
    low, high = selection["interval"]
    phrase = choice_phrase("neural", selection, 2)
    assert _numbers(phrase) == [
        selection["n"],
        round(100 * selection["difference"], 1),
        round(100 * low, 1),
        round(100 * high, 1),
    ]
    sentence = _selection(_summary(selection))
    assert f"{selection['difference']:+.4f}" in sentence
    assert f"[{low:+.4f}, {high:+.4f}]" in sentence
    assert "not distinguishable" in sentence
