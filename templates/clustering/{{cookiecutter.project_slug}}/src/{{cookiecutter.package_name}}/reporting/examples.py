{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/examples.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The API's documented examples, from the data and the model, never typed by hand.

Training saves one request made from the configured data beside the model (example_files.py).
`write_examples` sends it to the real app in-process, with the trained model, and records the
exact response in reports/examples.json, which the README shows: the documented answer is the
live one.
"""

from __future__ import annotations

import json
import shlex
import warnings
from pathlib import Path
from typing import Any

from ..core.stage import write_atomically
from .example_files import IMAGE_FILE, REQUEST_FILE, load_request

EXAMPLES_JSON = Path("reports/examples.json")
BASE_URL = "http://127.0.0.1:8000"


def rounded(value: Any, digits: int = 4) -> Any:
    """The answer as the README shows it: every float to `digits` decimals, for reading."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item, digits) for item in value]
    return value


def _title(app: Any, path: str) -> str:
    """The route's own first docstring line, e.g. "Classify one record"."""
    operation = app.openapi()["paths"][path]["post"]
    first = operation.get("description", "").strip().splitlines() or [operation["summary"]]
    return first[0].split(":")[0].rstrip(".")


def _calls(model_dir: Path) -> list[dict[str, Any]]:
    """Each documented request: how the test client sends it and how curl does."""
    calls = []
    body = load_request(model_dir)
    if body is not None:
        data = shlex.quote(f"@{(model_dir / REQUEST_FILE).as_posix()}")
        calls.append(
            {
                "send": {"json": body},
                "curl": f"curl -s -X POST {BASE_URL}/predict "
                f"-H 'Content-Type: application/json' -d {data}",
            }
        )
    image = model_dir / IMAGE_FILE
    if image.is_file():
        form = shlex.quote(f"file=@{image.as_posix()}")
        calls.append(
            {
                "send": {"files": {"file": (IMAGE_FILE, image.read_bytes(), "image/png")}},
                "curl": f"curl -s -X POST {BASE_URL}/predict -F {form}",
            }
        )
    return calls


def write_examples(path: Path = EXAMPLES_JSON) -> list[dict[str, Any]]:
    """Send each saved example to the real app with the trained model; record and return the
    exact answers (reports/examples.json)."""
    with warnings.catch_warnings():  # Starlette's notice about its httpx client, not ours to act on
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from ..api.app import app

    examples = []
    with TestClient(app) as client:
        model_dir = Path(app.state.settings.model_dir)
        for call in _calls(model_dir):
            response = client.post("/predict", **call["send"])
            if response.status_code != 200:
                raise RuntimeError(
                    f"the example request in {model_dir}/ got {response.status_code}: "
                    f"{response.text[:300]}"
                )
            examples.append(
                {
                    "title": _title(app, "/predict"),
                    "method": "POST",
                    "path": "/predict",
                    "curl": call["curl"],
                    "response": response.json(),
                    "response_shown": rounded(response.json()),
                }
            )
    write_atomically(path, json.dumps(examples, indent=2) + "\n")
    return examples
