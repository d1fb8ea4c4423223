"""Tokenizer and vocabulary of the neural model, and their JSON round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.core.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.text import Tokenizer, Vocabulary


def test_tokenizer_words_and_bigrams() -> None:
    tokens = Tokenizer(ngrams=2)("It's GREAT!<br /><br />Don't miss it")
    assert tokens == [
        "it's",
        "great",
        "!",
        "don't",
        "miss",
        "it",
        "it's great",
        "great !",
        "! don't",
        "don't miss",
        "miss it",
    ]
    assert Tokenizer(ngrams=1)("a b") == ["a", "b"]


def test_vocabulary_keeps_the_most_frequent() -> None:
    texts = ["good good film", "good bad film", "bad plot"]
    vocab = Vocabulary.build(texts, Tokenizer(ngrams=1), min_freq=2, max_size=2)
    assert vocab.tokens == ["good", "bad"]
    assert vocab.encode("good unknown bad") == [0, 1]


def test_vocabulary_round_trip(tmp_path: Path) -> None:
    texts = ["A great, moving film!", "A dull film; not great.", "Great acting, dull plot"]
    vocab = Vocabulary.build(texts, Tokenizer(ngrams=2), min_freq=1, max_size=100)
    vocab.save(tmp_path / "vocab.json")
    loaded = Vocabulary.load(tmp_path / "vocab.json")
    assert loaded.tokens == vocab.tokens
    assert loaded.tokenizer == vocab.tokenizer
    for text in [*texts, "an unseen great film"]:
        assert loaded.encode(text) == vocab.encode(text)


def test_missing_or_foreign_vocabulary(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="not found"):
        Vocabulary.load(tmp_path / "vocab.json")
    (tmp_path / "vocab.json").write_text('{"format_version": 99}')
    with pytest.raises(ModelNotFoundError, match="retrain"):
        Vocabulary.load(tmp_path / "vocab.json")
