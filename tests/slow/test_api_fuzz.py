"""Schemathesis against each generated API on a real uvicorn: every check, zero failures.

A short, bounded run per template (benchmarks/fuzz_api.py runs thousands of cases). Each project
is trained on a small budget: the API's contract, not the model's quality, is under test here.
"""

from __future__ import annotations

import pytest

from tests.slow.fuzzing import fuzz
from tests.slow.harness import Project, generate, served
from tests.slow.test_nlp_sentiment import imdb_archive

EXAMPLES = 40  # per operation: a bounded run of one to a few hundred requests per API


def trained_quickly(template: str, project: Project) -> Project:
    """Shrink the training budget in params.yaml, then run the pipeline once."""
    if template == "nlp-sentiment":
        archive = project.path.parent / "aclImdb_v1.tar.gz"
        md5 = imdb_archive(archive, n=60)
        project.set_params(data={"imdb": {"url": archive.as_uri(), "md5": md5}})
    elif template == "rl-agent":
        project.set_params(
            train={"total_timesteps": 512, "eval_freq": 0},
            evaluate={"n_episodes": 2, "n_envs": 2, "gif_max_frames": 0},
        )
    elif template == "clustering":
        project.set_params(train={"k": {"max": 4}, "stability": {"seeds": 2, "resamples": 1}})
    elif template == "image-cnn":
        project.set_params(train={"epochs": 1, "progress_bar": False})
    project.dvc("repro")
    return project


@pytest.mark.parametrize(
    "template", ["tabular-classifier", "nlp-sentiment", "rl-agent", "image-cnn", "clustering"]
)
def test_schemathesis_finds_nothing(template: str, tmp_path_factory: pytest.TempPathFactory):
    project = trained_quickly(template, generate(template, tmp_path_factory.mktemp(template)))
    with served(project) as url:
        result = fuzz(url, examples=EXAMPLES, seed=1)
    assert result.clean, result.output[-6000:]
    assert result.generated >= 50
