{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/card_meta.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The model card's YAML metadata (Hugging Face's layout), with the real results of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..core.errors import ProjectError
from ..core.stage import write_atomically

FENCE = "---"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML metadata at the top of a model card, and the rest of the text."""
    if not text.startswith(FENCE + "\n"):
        return {}, text
    end = text.find("\n" + FENCE + "\n", len(FENCE))
    if end < 0:
        raise ProjectError("MODEL_CARD.md: its YAML metadata has no closing `---` line")
    try:
        meta = yaml.safe_load(text[len(FENCE) + 1 : end]) or {}
    except yaml.YAMLError as error:
        raise ProjectError(f"MODEL_CARD.md: its YAML metadata does not parse ({error})") from error
    return meta, text[end + len(FENCE) + 2 :]


def model_index(
    name: str, task: str, dataset: str, source: str, metrics: dict[str, float]
) -> list[dict[str, Any]]:
    """`model-index`: one result per metric, on the held-out data of `dataset`."""
    return [
        {
            "name": name,
            "results": [
                {
                    "task": {"type": task},
                    "dataset": {"name": dataset, "type": source},
                    "metrics": [
                        {"type": key, "value": float(value), "name": key.replace("_", " ")}
                        for key, value in metrics.items()
                    ],
                }
            ],
        }
    ]


def write_metadata(path: str | Path, updates: dict[str, Any]) -> None:
    """Set these keys of the card's metadata; keys the learner added stay as they are."""
    path = Path(path)
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    meta.update(updates)
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    write_atomically(path, f"{FENCE}\n{dumped}{FENCE}\n{body}")
