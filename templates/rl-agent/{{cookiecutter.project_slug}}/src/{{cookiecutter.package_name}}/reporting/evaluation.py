"""reports/evaluation.json: the return across training seeds, the served agent, a random policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..core.metadata import AgentMeta, SeedsRecord, TrainingLog
from ..envs import solved_threshold
from .across_seeds import AcrossSeeds
from .evidence import Baseline, FigureEntry, Headline, write_evaluation

UNIT = "evaluation episodes"


class RandomPolicy:
    """Uniformly random actions from the action space, answering like a trained agent."""

    def __init__(self, action_space: Any, seed: int, n_envs: int | None = None) -> None:
        self.space = action_space
        self.space.seed(seed)
        self.n_envs = n_envs  # None: one observation at a time (the GIF); else a batch

    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = False,
    ) -> tuple[Any, None]:
        if self.n_envs is None:
            return self.space.sample(), None
        return np.stack([self.space.sample() for _ in range(self.n_envs)]), None


def episode_metrics(
    returns: list[float], lengths: list[int], step_limit: int | None = None
) -> dict[str, float]:
    """The evaluation numbers of reports/metrics.json, for any policy; with the episode step
    limit, how many episodes it cut off."""
    metrics: dict[str, float] = {
        "mean_return": float(np.mean(returns)),
        "std_return": float(np.std(returns)),
        "min_return": float(np.min(returns)),
        "max_return": float(np.max(returns)),
        "mean_episode_length": float(np.mean(lengths)),
        "n_episodes": len(returns),
    }
    if step_limit is not None:
        metrics["cut_off_episodes"] = int(sum(length >= step_limit for length in lengths))
    return metrics


def first_reached(log: TrainingLog, level: float) -> list[str]:
    """When training first reached `level`: in a periodic evaluation, and in a training episode."""
    sentences = []
    evaluations = log.evaluations
    for steps, value in zip(evaluations.timesteps, evaluations.mean_returns, strict=True):
        if value >= level:
            sentences.append(
                f"A periodic evaluation first averaged {level:g} or more after {steps:,} "
                f"environment steps (mean return {value:.2f})."
            )
            break
    episodes = log.episodes
    for steps, value in zip(episodes.timesteps, episodes.returns, strict=True):
        if value >= level:
            sentences.append(
                f"A training episode first returned {level:g} or more after {steps:,} steps."
            )
            break
    if not sentences:
        sentences.append(f"No training episode or periodic evaluation reached {level:g}.")
    return sentences


def cut_off(metrics: dict[str, Any], random: dict[str, Any], meta: AgentMeta) -> list[str]:
    """A sentence when the step limit, not the environment, ended evaluation episodes."""
    count = metrics.get("cut_off_episodes", 0)
    if not count:
        return []
    whose = (
        "this project's limit (Gymnasium registers none for it)"
        if meta.step_limit_added
        else "the environment's time limit"
    )
    return [
        f"{count} of {metrics['n_episodes']} evaluation episodes were cut off at "
        f"{meta.max_episode_steps:,} steps, {whose}: the agent never ended them itself "
        f"(a random policy: {random.get('cut_off_episodes', 0)} of {random['n_episodes']})."
    ]


def findings(
    metrics: dict[str, Any],
    random: dict[str, Any],
    meta: AgentMeta,
    log: TrainingLog,
    target: float | None,
) -> list[str]:
    """Plain sentences about the served agent's run."""
    said = [
        f"Over {metrics['n_episodes']} evaluation episodes the served agent's return is "
        f"{metrics['mean_return']:.2f} ± {metrics['std_return']:.2f} (from "
        f"{metrics['min_return']:.2f} to {metrics['max_return']:.2f}); a random policy on the "
        f"same seeds gets {random['mean_return']:.2f} ± {random['std_return']:.2f}.",
    ]
    if target is not None:
        gap = metrics["mean_return"] - target
        episodes = f"over these {metrics['n_episodes']} episodes"
        verdict = f"solved {episodes}" if gap >= 0 else f"not solved {episodes}, {-gap:.2f} short"
        said.append(f"{meta.env_id} counts as solved at a mean return of {target:g}: {verdict}.")
    best = max(log.episodes.returns, default=None)
    level = target if target is not None else best
    if level is not None:
        said += first_reached(log, level)
    said += cut_off(metrics, random, meta)
    kept = meta.checkpoint
    said.append(
        f"The agent kept is the {kept.kind} one, at {kept.timesteps:,} of "
        f"{meta.trained_timesteps:,} training steps."
    )
    return said


def seed_findings(
    per_seed: dict[int, dict[str, Any]],
    across: AcrossSeeds,
    seeds: SeedsRecord,
    target: float | None,
) -> list[str]:
    """What the seeds say: each one's score, the aggregate, which one is served and why."""
    scores = ", ".join(f"seed {seed} {m['mean_return']:.2f}" for seed, m in per_seed.items())
    said = [f"Mean return of each training seed over the same evaluation episodes: {scores}."]
    if across.interval is not None:
        low, high = across.interval
        said.append(
            f"Across {across.n} seeds: interquartile mean {across.iqm:.2f} (95% percentile "
            f"bootstrap interval over runs [{low:.2f}, {high:.2f}]), mean {across.mean:.2f}"
            + (
                "; with fewer than 4 seeds the IQM trims nothing: it is the mean"
                if across.n < 4
                else ""
            )
            + "."
        )
        chosen = next(run for run in seeds.runs if run.seed == seeds.served)
        said.append(
            f"Served: seed {seeds.served}, the best of {across.n} by evaluation mean return "
            f"({chosen.selection_mean_return:.2f} over {seeds.selection_episodes} episodes on "
            "seeds apart from training's and from these evaluation episodes)."
        )
    else:
        said.append(
            "One training seed: no interval across runs (set train.seeds to 3 or more to see how "
            "much the result owes to the seed)."
        )
    if target is not None:
        reached = sum(m["mean_return"] >= target for m in per_seed.values())
        said.append(
            f"{reached} of {across.n} seeds reach the solved level {target:g} over the evaluation "
            "episodes."
        )
    return said


def exact_findings(
    exact: dict[str, Any] | None,
    env_id: str,
    target: float | None,
    n_episodes: int,
    sampled: dict[str, float] | None = None,
) -> list[str]:
    """What the exact expected returns say about the sampled ones (`sampled`: each seed's mean
    return over the evaluation episodes), when they are known."""
    if exact is None:
        return []
    optimal, seeds = exact["optimal"], exact["seeds"]
    scores = ", ".join(f"seed {seed} {value:.3f}" for seed, value in seeds.items())
    gap = optimal - min(seeds.values())
    verdict = "all optimal" if gap < 5e-4 else f"the furthest {gap:.3f} below the best"
    said = [
        f"Exact expected returns on {env_id}'s own transition table (dynamic programming over "
        f"its {exact['horizon']}-step limit): the best possible policy {optimal:.3f}; the seeds' "
        f"greedy policies {scores} ({verdict}). The {n_episodes} evaluation episodes are a "
        "sample of these: their mean differs from them by chance alone."
    ]
    if target is not None and optimal < target:
        said.append(
            f"The solved level {target:g} is above the best possible expected return "
            f"{optimal:.3f}: even an optimal policy reaches it only on a lucky draw of episodes."
        )
    if target is not None and sampled:
        expected = sum(value >= target for value in seeds.values())
        drawn = sum(value >= target for value in sampled.values())
        if expected != drawn:
            said.append(
                f"By these exact returns {expected} of {len(seeds)} seeds' greedy policies reach "
                f"the solved level {target:g}, where the sampled episodes say {drawn}: the "
                "difference is the draw of episodes, not the policies."
            )
    return said


def write(
    *,
    metrics: dict[str, Any],
    random: dict[str, Any],
    meta: AgentMeta,
    log: TrainingLog,
    figures: list[tuple[Path, str]],
    per_seed: dict[int, dict[str, Any]],
    across: AcrossSeeds,
    seeds: SeedsRecord,
    exact: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write reports/evaluation.json: the headline across seeds, the served agent's findings."""
    target = solved_threshold(meta.env_id)
    if target is None:
        target = meta.reward_threshold  # what the data stage read when it made the env
    headline = Headline(
        metric="iqm_return",
        label="interquartile-mean return",
        value=across.iqm,
        n=across.n,
        unit=f"training seed{'s' if across.n > 1 else ''} ({metrics['n_episodes']} {UNIT} each)",
        interval=across.interval,
        target=None
        if target is None
        else {"value": target, "source": f"Gymnasium's reward_threshold for {meta.env_id}"},
    )
    baseline = Baseline(
        "random policy",
        f"uniformly random actions over {metrics['n_episodes']} episodes on the same seeds",
        random,
    )
    entries = [FigureEntry(path.as_posix(), caption) for path, caption in figures]
    said = seed_findings(per_seed, across, seeds, target) + findings(
        metrics, random, meta, log, target
    )
    sampled = {str(seed): m["mean_return"] for seed, m in per_seed.items()}
    said[1:1] = exact_findings(exact, meta.env_id, target, metrics["n_episodes"], sampled)
    per_run = {
        str(run.seed): {
            "run_id": run.run_id,
            "selection_mean_return": run.selection_mean_return,
            **per_seed[run.seed],
        }
        for run in seeds.runs
    }
    across_keys = across.metrics()
    return write_evaluation(
        headline,
        [baseline],
        said,
        [],
        entries,
        own={"seeds": per_run, "served_seed": seeds.served, "across_seeds": across_keys}
        | ({} if exact is None else {"exact_returns": exact}),
    )
