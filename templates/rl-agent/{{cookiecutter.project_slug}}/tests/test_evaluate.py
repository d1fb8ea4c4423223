"""Evaluation and report: metrics over N episodes, the figures, and the README's results block."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from {{ cookiecutter.package_name }}.config import AGENT_GIF, METRICS, REWARD_CURVE, load_config
from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.report import report


def test_metrics_cover_the_requested_episodes(trained: Path) -> None:
    metrics = json.loads(METRICS.read_text())
    assert metrics["n_episodes"] == 4
    assert metrics["min_return"] <= metrics["mean_return"] <= metrics["max_return"]
    assert metrics["std_return"] >= 0
    assert metrics["reward_threshold"] == 475.0
    assert metrics["solved"] == (metrics["mean_return"] >= 475.0)


def test_figures_are_drawn(trained: Path) -> None:
    assert Image.open(REWARD_CURVE).format == "PNG"
    gif = Image.open(AGENT_GIF)
    assert gif.format == "GIF"
    assert gif.n_frames > 1
    assert gif.width == 96
    assert gif.n_frames <= 9


def test_evaluation_is_reproducible(trained: Path) -> None:
    before = json.loads(METRICS.read_text())
    assert evaluate(load_config()) == before


def test_continuous_actions_are_evaluated(trained_pendulum: Path) -> None:
    metrics = json.loads(METRICS.read_text())
    meta = json.loads(Path("models/agent.json").read_text())
    assert meta["algorithm"] == "SAC"
    assert meta["action_space"]["type"] == "Box"
    assert metrics["n_episodes"] == 4
    assert "reward_threshold" not in metrics
    assert Image.open(AGENT_GIF).n_frames > 1


def test_the_report_shows_the_metrics_and_the_gif(trained: Path) -> None:
    metrics = json.loads(METRICS.read_text())
    block = report()
    readme = Path("README.md").read_text()
    assert block in readme
    assert "reports/figures/agent.gif" in readme
    assert "reports/figures/reward_curve.png" in readme
    for document in ("README.md", "MODEL_CARD.md"):
        text = Path(document).read_text()
        assert f"| mean_return | {metrics['mean_return']:.4f} |" in text
        assert f"| std_return | {metrics['std_return']:.4f} |" in text
        assert f"| iqm_return | {metrics['iqm_return']:.4f} |" in text
        assert "training seeds (4 evaluation episodes each)" in text
        assert f"served: seed {metrics['served_seed']}, the best of 2 by evaluation mean" in text
        assert "_No results yet._" not in text
    headline = f"**{metrics['iqm_return']:.2f} interquartile-mean return** ["
    assert block.lstrip().startswith(headline)
