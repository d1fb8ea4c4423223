"""Stage `report`: write the pipeline's results into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from typing import Any

from .config import AGENT_GIF, AGENT_META, DOCUMENTS, METRICS, MODEL_DIR, REWARD_CURVE, RUN_RECORD
from .errors import ModelNotFoundError
from .metadata import AgentMeta, load_agent_meta
from .report_blocks import image, markdown_table, provenance, replace_block
from .stage import run_stage
from .tracking import load_run_record

MEANINGS = {
    "mean_return": "mean return per episode (sum of rewards)",
    "std_return": "standard deviation of the return",
    "min_return": "worst episode",
    "max_return": "best episode",
    "mean_episode_length": "mean number of steps per episode",
    "n_episodes": "deterministic evaluation episodes, on seeds unseen in training",
    "reward_threshold": "return at which Gymnasium calls the task solved",
    "solved": "mean_return >= reward_threshold",
}


def results_block(
    metrics: dict[str, Any], meta: AgentMeta, run_id: str | None, uri: str | None
) -> str:
    """The Markdown between the results markers: GIF, headline, metrics, curve, training facts."""
    name = f"{meta.algorithm} on {meta.env_id}"
    headline = (
        f"**{name}: mean return {metrics['mean_return']:.2f} ± {metrics['std_return']:.2f} "
        f"over {metrics['n_episodes']} deterministic episodes**"
    )
    if "reward_threshold" in metrics:
        verdict = "solved" if metrics["solved"] else "not solved yet"
        headline += f" ({verdict}: Gymnasium's threshold is {metrics['reward_threshold']:g})"
    table = markdown_table(
        ["metric (`reports/metrics.json`)", "value", "meaning"],
        [(key, value, MEANINGS.get(key, "")) for key, value in metrics.items()],
    )
    library = meta.versions["stable_baselines3"]
    kept = meta.checkpoint
    kept_text = f"the {kept.kind} one, at step {kept.timesteps:,}"
    if kept.eval_mean_return is not None:
        kept_text += f" (periodic evaluation: mean return {kept.eval_mean_return:.2f})"
    training = markdown_table(
        ["training", ""],
        [
            ("algorithm", f"{meta.algorithm} (Stable-Baselines3 {library})"),
            ("hyper-parameters", f"{meta.preset or 'Stable-Baselines3 defaults'} + params.yaml"),
            ("environment steps", f"{meta.trained_timesteps:,} on {meta.n_envs} env(s)"),
            ("seed", meta.seed),
            ("wall time", f"{meta.train_seconds:.1f} s on CPU"),
            ("agent kept", kept_text),
        ],
    )
    return "\n\n".join(
        [
            image(AGENT_GIF, f"{name}: the trained agent playing one episode", width=320),
            headline,
            table,
            image(
                REWARD_CURVE, f"Episode returns of {name} in training and in the final evaluation"
            ),
            training,
            provenance(run_id, uri),
        ]
    )


def report() -> str:
    """Fill the results block of README.md and MODEL_CARD.md; return the block."""
    if not METRICS.is_file() or not (MODEL_DIR / AGENT_META).is_file():
        raise ModelNotFoundError(f"{METRICS} or {MODEL_DIR / AGENT_META} missing: run `dvc repro`")
    metrics = json.loads(METRICS.read_text(encoding="utf-8"))
    meta = load_agent_meta(MODEL_DIR / AGENT_META)
    record = load_run_record(MODEL_DIR / RUN_RECORD)
    block = results_block(
        metrics, meta, record.run_id if record else None, record.tracking_uri if record else None
    )
    for document in DOCUMENTS:
        replace_block(document, block)
    print(f"results written into {', '.join(str(document) for document in DOCUMENTS)}")
    return block


def main() -> None:
    report()


if __name__ == "__main__":
    run_stage(main)
