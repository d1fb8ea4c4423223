"""Stage `report`: write the pipeline's results into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from typing import Any

from .config import (
    AGENT_META,
    METRICS,
    MODEL_DIR,
    RUN_RECORD,
    SEEDS_RECORD,
    Config,
    load_config,
)
from .core.errors import ModelNotFoundError
from .core.metadata import AgentMeta, SeedsRecord, load_agent_meta, load_seeds_record
from .core.stage import run_stage
from .core.tracking import load_run_record
from .reporting.agent_words import TERMS, model_line
from .reporting.environment import described
from .reporting.markdown import literal
from .reporting.page import Identity, Page, write_documents
from .reporting.report_blocks import markdown_table, provenance

# In metrics.json, but counts rather than scores: not in the README's table.
COUNTS = ("n_episodes", "solved", "reward_threshold", "cut_off_episodes", "n_seeds", "served_seed")
# Said by the headline (interval) and the findings (mean across seeds): not table rows again.
IN_HEADLINE = ("iqm_return_low", "iqm_return_high", "mean_return_across_seeds")


def _space(space: dict[str, Any]) -> str:
    kind = space.get("type", "?")
    if "n" in space:
        return f"{kind}({space['n']})"
    return f"{kind}(shape={space.get('shape')})"


def data_facts(meta: AgentMeta) -> list[str]:
    """What the agent sees and does, from the environment it was trained in."""
    facts = [
        f"The environment used: {literal(meta.env_id)}"
        + (f" with {meta.env_kwargs}" if meta.env_kwargs else "")
        + f". Each step the agent observes a {_space(meta.observation_space)} and answers with "
        f"a {_space(meta.action_space)} action"
        + (
            f", for at most {meta.max_episode_steps:,} steps per episode"
            if meta.max_episode_steps
            else ""
        )
        + (
            " (Gymnasium registers no step limit for it: this project stops episodes there, so "
            "that no evaluation runs forever)"
            if meta.step_limit_added
            else ""
        )
        + ".",
    ]
    if meta.reward_threshold is not None:
        facts.append(
            f"Gymnasium counts the task solved at a mean return of {meta.reward_threshold:g}."
        )
    else:
        facts.append("Gymnasium registers no return at which this task counts as solved.")
    return facts


def training_table(meta: AgentMeta, seeds: SeedsRecord) -> str:
    """Algorithm, budget, the seeds and which agent is served."""
    copies = "in one environment"
    if meta.n_envs > 1:
        copies = f"across {meta.n_envs} copies of the environment run in parallel"
    kept = meta.checkpoint
    kept_text = f"the {kept.kind} one, at step {kept.timesteps:,}"
    if kept.eval_mean_return is not None:
        kept_text += f" (periodic evaluation: mean return {kept.eval_mean_return:.2f})"
    return markdown_table(
        ["training", ""],
        [
            ("environment steps", f"{meta.trained_timesteps:,} {copies}"),
            ("seeds", ", ".join(str(seed) for seed in seeds.seeds)),
            ("served", seeds.served_line()),
            ("served agent's checkpoint", kept_text),
        ],
    )


def build_page(config: Config) -> tuple[Page, Identity]:
    """Everything the README and model card show, from the files the earlier stages wrote."""
    if not METRICS.is_file() or not (MODEL_DIR / AGENT_META).is_file():
        raise ModelNotFoundError(f"{METRICS} or {MODEL_DIR / AGENT_META} missing: run `dvc repro`")
    metrics = json.loads(METRICS.read_text(encoding="utf-8"))
    meta = load_agent_meta(MODEL_DIR / AGENT_META)
    run = load_run_record(MODEL_DIR / RUN_RECORD)
    seeds = load_seeds_record(SEEDS_RECORD)
    seconds = sum(seed.train_seconds for seed in seeds.runs)
    page = Page(
        metrics={key: value for key, value in metrics.items() if key not in COUNTS + IN_HEADLINE},
        about=described(config.data.about, meta.env_id),
        data_facts=data_facts(meta),
        model=f"{model_line(meta)}; served: {seeds.served_line()}",
        provenance=provenance(
            run.run_id if run else None, run.tracking_uri if run else None, "Environment spec"
        ),
        compute=f"CPU, {seconds:.1f} s for {len(seeds.runs)} x {meta.trained_timesteps:,} "
        "environment steps",
        card_details=[training_table(meta, seeds)],  # the model line says which seed is served
        terms=TERMS,
    )
    identity = Identity.of(
        config.mlflow, "reinforcement-learning", meta.env_id, run.run_id if run else None
    )
    return page, identity


def report() -> str:
    """Fill the results blocks of README.md and MODEL_CARD.md; return the README's block."""
    return write_documents(*build_page(load_config()))


def main() -> None:
    report()


if __name__ == "__main__":
    run_stage(main)
