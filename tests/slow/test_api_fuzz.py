"""Schemathesis against each generated API on a real uvicorn: every check, zero failures.

A short, bounded run per template (benchmarks/fuzz_api.py runs thousands of cases), against each
template's shared trained project: requests never change it, so nothing is trained for this test.
"""

from __future__ import annotations

import pytest

from tests.slow.conftest import sharing
from tests.slow.fuzzing import fuzz
from tests.slow.harness import Project, Trained, served

EXAMPLES = 40  # per operation: a bounded run of one to a few hundred requests per API


def shared_project(trained: Trained | Project | tuple[Project, float]) -> Project:
    """The project inside whatever a template's session fixture returns."""
    if isinstance(trained, tuple):
        return trained[0]
    return trained.project if isinstance(trained, Trained) else trained


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param(name, marks=sharing(name))
        for name in (
            "tabular_trained",
            "regressor_trained",
            "nlp_trained",
            "rl_trained",
            "image_trained",
            "clustering_trained",
        )
    ],
)
def test_schemathesis_finds_nothing(fixture: str, request: pytest.FixtureRequest):
    with served(shared_project(request.getfixturevalue(fixture))) as url:
        result = fuzz(url, examples=EXAMPLES, seed=1)
    assert result.clean, result.output[-6000:]
    assert result.generated >= 50
