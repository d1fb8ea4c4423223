"""reports/evaluation.json: IQM return across seeds, a random policy, findings, figures."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from {{ cookiecutter.package_name }}.config import METRICS
from {{ cookiecutter.package_name }}.evaluate import RANDOM_GIF
from {{ cookiecutter.package_name }}.reporting.evidence import EVALUATION_JSON


def test_the_evaluation_holds_the_mean_return_a_random_policy_and_findings(trained: Path) -> None:
    evaluation = json.loads(EVALUATION_JSON.read_text(encoding="utf-8"))
    metrics = json.loads(METRICS.read_text(encoding="utf-8"))
    headline = evaluation["headline"]
    assert headline["metric"] == "iqm_return" and headline["value"] == metrics["iqm_return"]
    interval = [metrics["iqm_return_low"], metrics["iqm_return_high"]]
    assert headline["interval"] == interval and headline["std"] is None
    assert headline["n"] == metrics["n_seeds"] == 2
    assert headline["unit"] == "training seeds (4 evaluation episodes each)"
    assert headline["target"]["value"] == 475.0
    (random,) = evaluation["baselines"]
    assert random["name"] == "random policy"
    assert random["metrics"]["n_episodes"] == metrics["n_episodes"]
    across = {"mean_return_across_seeds", "n_seeds", "iqm_return_low", "iqm_return_high"}
    counts = {"reward_threshold", "solved", "served_seed", "seeds"}
    assert set(random["metrics"]) == {key for key in metrics if key not in across | counts}
    assert any("random policy" in line for line in evaluation["findings"])
    served = f"Served: seed {metrics['served_seed']}, the best of 2 by evaluation mean return"
    assert any(line.startswith(served) for line in evaluation["findings"])
    paths = [figure["path"] for figure in evaluation["figures"]]
    assert paths == [
        "reports/figures/reward_curve.png",
        "reports/figures/agent.gif",
        "reports/figures/random_policy.gif",
    ]
    assert evaluation["warnings"] == []


def test_the_figures_are_readable_and_the_random_episode_is_animated(trained: Path) -> None:
    with Image.open("reports/figures/reward_curve.png") as curve:
        assert curve.width >= 900 and min(curve.info["dpi"]) >= 149.9
    with Image.open(RANDOM_GIF) as gif:
        assert gif.format == "GIF" and gif.n_frames > 1
