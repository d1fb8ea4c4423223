{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/serving_stack.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Run code in a fresh interpreter where the training stack cannot be imported.

The serving install (pyproject's `serve` extra, the Docker image) holds none of these packages:
the API's ONNX path must answer without them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import {{ cookiecutter.package_name }}

TRAINING_STACK = (
    "dvc",
    "joblib",
    "matplotlib",
    "mlflow",
    "onnx",
    "pandas",
    "scipy",
    "skl2onnx",
    "sklearn",
{%- if cookiecutter._deep_learning %}
    "gymnasium",
    "lightning",
    "onnxscript",
    "pytorch_lightning",
    "stable_baselines3",
    "torch",
    "torchvision",
    "transformers",
{%- endif %}
)

_BLOCKER = f"""
import sys

BLOCKED = {TRAINING_STACK!r}


class TrainingStackBlocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(name + " is not in the serving install")
        return None


sys.meta_path.insert(0, TrainingStackBlocker())
"""


def run_without_training_stack(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in `cwd` with every TRAINING_STACK import failing; the finished process."""
    script = _BLOCKER + textwrap.dedent(code)
    source = Path({{ cookiecutter.package_name }}.__file__).resolve().parents[1]
    paths = [str(source), os.environ.get("PYTHONPATH", "")]
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        capture_output=True,
        text=True,
        timeout=120,
    )


def post_without_training_stack(
    cwd: Path, requests: list[tuple[str, Any]], environment: dict[str, str] | None = None
) -> tuple[list[int], list[Any], list[str]]:
    """POST each (path, JSON body) to the app, started in `cwd` without the training stack.

    Returns the status codes, the answers, and the training-stack modules that were imported
    anyway (none, when the serving path is light)."""
    finished = run_without_training_stack(
        f"""
        import json, os
        os.environ.update(json.loads({json.dumps(json.dumps(environment or {}))}))
        from fastapi.testclient import TestClient
        from {{ cookiecutter.package_name }}.api.app import app

        with TestClient(app) as client:
            answers = [
                client.post(path, json=body)
                for path, body in json.loads({json.dumps(json.dumps(requests))})
            ]
        loaded = sorted(name for name in sys.modules if name.partition(".")[0] in BLOCKED)
        codes = [answer.status_code for answer in answers]
        print(json.dumps([codes, [answer.json() for answer in answers], loaded]))
        """,
        cwd=cwd,
    )
    assert finished.returncode == 0, finished.stderr
    codes, answers, loaded = json.loads(finished.stdout.splitlines()[-1])
    return codes, answers, loaded
