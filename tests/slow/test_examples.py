"""The documented API examples are the served model's live answers.

On each template's shared trained project (copied, never changed in place): the report stage's
helper writes reports/examples.json; each documented curl command, run as written against a
real uvicorn, answers exactly the recorded response, and /docs documents that same answer.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.slow.harness import Project, Trained, served

DOCUMENTED_BASE = "http://127.0.0.1:8000"


def write_examples(project: Project) -> list[dict]:
    """Run the helper the report stage calls, in the project; return reports/examples.json."""
    helper = f"{project.package}.reporting.examples"
    project.python("-c", f"from {helper} import write_examples; write_examples()")
    return json.loads((project.path / "reports/examples.json").read_text(encoding="utf-8"))


def run_curl(command: str, url: str, cwd: Path) -> object:
    """The documented curl command, as written, against the server at `url`."""
    argv = [part.replace(DOCUMENTED_BASE, url) for part in shlex.split(command)]
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def documented_answer(url: str) -> object:
    spec = httpx.get(f"{url}/openapi.json", timeout=10).json()
    content = spec["paths"]["/predict"]["post"]["responses"]["200"]["content"]
    return content["application/json"]["example"]


def check_examples(project: Project) -> None:
    examples = write_examples(project)
    assert examples, "reports/examples.json documents no call"
    with served(project) as url:
        for example in examples:
            assert example["path"] == "/predict" and example["method"] == "POST"
            assert run_curl(example["curl"], url, project.path) == example["response"]
        assert documented_answer(url) == examples[0]["response"]
    readme = (project.path / "README.md").read_text(encoding="utf-8")
    for example in examples:  # the README shows the same answers, rounded for reading
        assert close(example["response_shown"], example["response"])
        shown = json.dumps(example["response_shown"], separators=(",", ":"))
        assert f"{example['curl']}\n# {shown}" in readme


def close(shown: object, exact: object) -> bool:
    """Equal but for floats rounded to 4 decimals."""
    if isinstance(shown, float):
        return isinstance(exact, float) and abs(shown - exact) <= 5e-5
    if isinstance(shown, dict) and isinstance(exact, dict):
        return shown.keys() == exact.keys() and all(close(shown[k], exact[k]) for k in shown)
    if isinstance(shown, list) and isinstance(exact, list):
        return len(shown) == len(exact) and all(map(close, shown, exact))
    return shown == exact


@pytest.fixture
def copy_of(tmp_path: Path):
    def copy(project: Project) -> Project:
        return project.copy_to(tmp_path)

    return copy


def test_tabular_examples_are_the_live_answers(tabular_trained: Trained, copy_of):
    check_examples(copy_of(tabular_trained.project))


def test_image_examples_are_the_live_answers(image_trained: Trained, copy_of):
    check_examples(copy_of(image_trained.project))


def test_nlp_examples_are_the_live_answers(nlp_trained: Project, copy_of):
    check_examples(copy_of(nlp_trained))


def test_rl_examples_are_the_live_answers(rl_trained: tuple[Project, float], copy_of):
    check_examples(copy_of(rl_trained[0]))
