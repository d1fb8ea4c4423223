{# generated from templates/_shared/{{cookiecutter.project_slug}}/tests/serving_stack.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Run code in a fresh interpreter where the training stack cannot be imported.

The serving install (pyproject's `serve` extra, the Docker image) holds none of these packages:
the API's ONNX path must answer without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

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
    "lightning",
    "pytorch_lightning",
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
