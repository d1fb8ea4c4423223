{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/example_files.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Where training saves the API's example request, made from the configured data, and how the
API reads it back and documents the model's answer to it (see examples.py for the README's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REQUEST_FILE = "example.json"  # the JSON body of POST /predict
IMAGE_FILE = "example.png"  # the file uploaded to POST /predict, for image models


def save_request(body: dict[str, Any], model_dir: Path) -> Path:
    """Write the example body of POST /predict beside the model; return its path."""
    path = Path(model_dir) / REQUEST_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return path


def load_request(model_dir: Path) -> dict[str, Any] | None:
    """The saved example body, or None before training (or with a model trained without one)."""
    path = Path(model_dir) / REQUEST_FILE
    if not path.is_file():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    return body if isinstance(body, dict) else None


def answer_example(answer: Any) -> dict[int, dict[str, Any]]:
    """The `responses` entry documenting `answer` as the example of a successful call."""
    return {200: {"content": {"application/json": {"example": answer}}}}
