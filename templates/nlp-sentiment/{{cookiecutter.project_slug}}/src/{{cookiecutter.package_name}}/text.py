"""Tokenizer and n-gram vocabulary of the neural model, saved beside it as JSON."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .core.errors import ModelNotFoundError

FORMAT_VERSION = 1
# Words (with an inner apostrophe: don't, it's), numbers, and punctuation that carries sentiment.
TOKEN_PATTERN = r"[a-z0-9]+(?:'[a-z]+)?|[!?]"
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Tokenizer:
    """Lower-cases, drops IMDB's <br /> tags, splits into words, adds n-grams up to `ngrams`."""

    ngrams: int = 2
    pattern: str = TOKEN_PATTERN

    def words(self, text: str) -> list[str]:
        return re.findall(self.pattern, _HTML_BREAK.sub(" ", text).lower())

    def __call__(self, text: str) -> list[str]:
        words = self.words(text)
        grams = list(words)
        for n in range(2, self.ngrams + 1):
            grams += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        return grams


class Vocabulary:
    """Maps the n-grams kept from the training texts to ids; unknown n-grams are dropped."""

    def __init__(self, tokens: Sequence[str], tokenizer: Tokenizer) -> None:
        self.tokens = list(tokens)
        self.tokenizer = tokenizer
        self.index = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def build(
        cls, texts: Iterable[str], tokenizer: Tokenizer, *, min_freq: int = 2, max_size: int
    ) -> Vocabulary:
        """Keep the `max_size` most frequent n-grams seen at least `min_freq` times (ties: a-z)."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(tokenizer(text))
        kept = sorted(
            (item for item in counts.items() if item[1] >= min_freq), key=lambda t: (-t[1], t[0])
        )
        return cls([token for token, _ in kept[:max_size]], tokenizer)

    def encode(self, text: str) -> list[int]:
        index = self.index
        return [index[gram] for gram in self.tokenizer(text) if gram in index]

    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "tokenizer": {"ngrams": self.tokenizer.ngrams, "pattern": self.tokenizer.pattern},
            "tokens": self.tokens,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Vocabulary:
        if data.get("format_version") != FORMAT_VERSION:
            raise ModelNotFoundError(
                f"vocabulary format {data.get('format_version')!r} is not {FORMAT_VERSION}: "
                "retrain with `dvc repro`"
            )
        return cls(data["tokens"], Tokenizer(**data["tokenizer"]))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        path = Path(path)
        if not path.is_file():
            raise ModelNotFoundError(f"{path} not found: train the neural model with `dvc repro`")
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
