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
        # Returns to 2 decimals, as an agent's scores are read.
        assert f"| mean_return | {metrics['mean_return']:.2f} |" in text
        assert f"| std_return | {metrics['std_return']:.2f} |" in text
        assert f"| iqm_return | {metrics['iqm_return']:.2f} |" in text
        assert "training seeds (4 evaluation episodes each)" in text
        assert f"served: seed {metrics['served_seed']}, the best of 2 by evaluation mean" in text
        assert "_No results yet._" not in text
    headline = f"**{metrics['iqm_return']:.2f} interquartile-mean return** ["
    assert block.lstrip().startswith(headline)


def test_the_pages_speak_of_an_environment_episodes_and_returns(trained: Path) -> None:
    import mlflow

    from {{ cookiecutter.package_name }}.core.tracking import TEST_PREFIX, configure
    from {{ cookiecutter.package_name }}.reporting.report_blocks import END, START

    configure(load_config().mlflow.experiment)
    with mlflow.start_run():  # a variant run beside it, so that the Experiments table is drawn
        mlflow.log_params({"seeds": "1"})
        mlflow.log_metric(f"{TEST_PREFIX}iqm_return", 40.0)
    report()
    meta = json.loads(Path("models/agent.json").read_text())
    name = f"{meta['algorithm']} on {meta['env_id']}"
    headings = {"README.md": "## The environment", "MODEL_CARD.md": "## Environment"}
    for document, heading in headings.items():
        text = Path(document).read_text()
        block = text[text.index(START) : text.index(END)]
        assert heading in block
        for word in ("The data", "Training data", "held-out", " rows", "(s)", "- Data:"):
            assert word not in block, (document, word)
        model = next(line for line in block.splitlines() if name in line)
        assert model.count(name) == 1, model  # the algorithm and environment said once
        assert "lin_" not in model and "+ params.yaml" not in model, model
        assert "RL Baselines3 Zoo's tuned ones, then params.yaml's" in model
    readme = Path("README.md").read_text()
    assert "| run | started (UTC) | changed | interquartile-mean return |" in readme
    assert "| metric | this agent | random policy |" in readme


def test_a_zoo_schedule_reads_as_words() -> None:
    from {{ cookiecutter.package_name }}.reporting.agent_words import hyperparameter

    assert hyperparameter("learning_rate", "lin_0.001") == (
        "learning_rate=0.001 decaying linearly to 0"
    )
    assert hyperparameter("gamma", 0.98) == "gamma=0.98"


def test_the_legend_says_what_the_curve_averages_and_the_random_level_to_two_decimals(
    trained: Path, monkeypatch
) -> None:
    from {{ cookiecutter.package_name }} import figures
    from {{ cookiecutter.package_name }}.core.metadata import load_agent_meta, load_training_log

    drawn = []
    monkeypatch.setattr(figures, "save_figure", lambda fig, path: drawn.append(fig))
    meta = load_agent_meta(Path("models/agent.json"))
    logs = {
        int(folder.name): load_training_log(folder / "training_log.json")
        for folder in sorted(Path("models/seeds").iterdir())
    }
    figures.learning_curves(logs, {}, meta, Path("curve.png"), 21.4738, served=0)
    labels = drawn[0].axes[0].get_legend_handles_labels()[1]
    window = figures.smoothing_window([log.episodes.returns for log in logs.values()])
    mean = f"a moving mean of {window} episodes" if window > 1 else "episode by episode"
    assert f"training return: median of the seeds,\neach {mean}" in labels
    assert "random policy: 21.47" in labels
    assert not any("min-max" in label for label in labels)
