"""Request and response bodies of the prediction routes; request limits from the serving settings.

The request models are built at start-up from the settings, so the OpenAPI document states the
exact limits the server applies: 1 to max_chars characters, something besides whitespace and
HTML tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, create_model

from .limits import ServeSettings

# Shown in /docs only before any training; after it, a real text of the data (models/example.json).
EXAMPLE = "A moving, beautifully acted film; the ending stayed with me for days."
# Whitespace listed one by one (JavaScript's \s): regex engines disagree on what \s means
# (Python's includes \x1c-\x1f), and the schema's pattern must mean for every client exactly
# what the server checks.
BLANK = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# An HTML tag: "<", a letter, "/" or "!", up to the next ">" (so "<3" and "a < b" stay text).
TAG_START = r"<[a-zA-Z/!]"
TAG = rf"{TAG_START}[^<>]*>"
# Something is left once whitespace and HTML tags are set aside: after a run of both, a
# character that starts neither. The schema's pattern, as every client checks it.
HAS_TEXT = (
    rf"^(?:[{BLANK}]|{TAG})*"
    rf"(?:[^{BLANK}<]|<[^a-zA-Z/!]|<$|{TAG_START}[^<>]*(?:<|$))"
)
# The same test in one pass: the pattern above backtracks over long runs of whitespace.
_BLANKS_AND_TAGS = re.compile(rf"(?:[{BLANK}]+|{TAG})*")


def has_text(text: str) -> bool:
    """Whether `text` holds anything besides whitespace and HTML tags (HAS_TEXT, in linear time)."""
    return _BLANKS_AND_TAGS.match(text).end() < len(text)


def check_text(text: str) -> str:
    # "<br /><br />" would reach the model as no words at all and get a coin-flip answer.
    if not has_text(text):
        raise ValueError("text is empty, only whitespace or only HTML tags")
    return text


@dataclass(frozen=True)
class RequestModels:
    """The two request bodies, with the limits they were built with."""

    one: type[BaseModel]
    batch: type[BaseModel]


def build_request_models(limits: ServeSettings, example: str | None = None) -> RequestModels:
    """PredictRequest and BatchRequest bounded by `limits`, showing `example` in /docs."""
    example = example or EXAMPLE
    # The maximum length is checked by pydantic (code points, as JSON Schema counts them); the
    # pattern, which an empty text fails too, by check_text with Python's re (pydantic's own
    # regex engine rejects some of its escapes), so both say "text is empty".
    text = Annotated[
        StrictStr,
        Field(
            max_length=limits.max_chars,
            json_schema_extra={"minLength": 1, "pattern": HAS_TEXT},
            description=f"1 to {limits.max_chars} characters, not only whitespace and HTML tags",
        ),
        AfterValidator(check_text),
    ]
    one = create_model(
        "PredictRequest",
        __doc__="One text to classify.",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": example}]}),
        text=(text, Field(description=f"The text, 1 to {limits.max_chars} characters")),
    )
    batch = create_model(
        "BatchRequest",
        __doc__="Several texts to classify in one call.",
        __config__=ConfigDict(
            extra="forbid",
            json_schema_extra={"examples": [{"texts": [example]}]},
        ),
        texts=(
            list[text],
            Field(
                min_length=1,
                max_length=limits.max_batch,
                description=f"1 to {limits.max_batch} texts, each 1 to {limits.max_chars} "
                "characters",
            ),
        ),
    )
    return RequestModels(one, batch)


class Prediction(BaseModel):
    """The predicted label, its probability, every class's probability and which model answered."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "label": "positive",
                    "probability": 0.97,
                    "probabilities": {"negative": 0.03, "positive": 0.97},
                    "model": "baseline",
                }
            ]
        },
    )

    label: str
    probability: float = Field(ge=0, le=1)
    probabilities: dict[str, float]
    model: str = Field(description="The model that answered: baseline, neural or transformer")


class BatchResponse(BaseModel):
    """One prediction per text, in the order sent."""

    predictions: list[Prediction]
