"""Stage `evaluate`: N deterministic episodes on fresh seeds, reward curve, GIF of the agent."""

from __future__ import annotations

import json
from typing import Any

from .config import (
    AGENT_FILE,
    AGENT_GIF,
    AGENT_META,
    FIGURES,
    METRICS,
    MODEL_DIR,
    PATHS_FIGURE,
    POLICY_FIGURE,
    REWARD_CURVE,
    RUN_RECORD,
    SEEDS_DIR,
    SEEDS_RECORD,
    TRAINING_LOG,
    Config,
    load_config,
)
from .core.errors import ModelNotFoundError
from .core.metadata import AgentMeta, load_agent_meta, load_seeds_record, load_training_log
from .core.stage import run_stage, write_atomically
from .core.tracking import load_run_record, log_to_training_run
from .reporting import evaluation
from .reporting.across_seeds import across_seeds
from .reporting.evidence import EVALUATION_JSON

RANDOM_GIF = FIGURES / "random_policy.gif"


def load_agent(model_dir=MODEL_DIR) -> tuple[Any, AgentMeta]:
    """The saved agent and what train recorded about it."""
    agent_path, meta_path = model_dir / AGENT_FILE, model_dir / AGENT_META
    if not agent_path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(f"no trained agent in {model_dir}/ ({AGENT_FILE}, {AGENT_META})")
    meta = load_agent_meta(meta_path)
    from .agents import algorithm_class

    return algorithm_class(meta.algorithm).load(agent_path, device="cpu"), meta


def play(agent: Any, meta: AgentMeta, config: Config) -> tuple[list[float], list[int]]:
    """Returns and lengths of evaluate.n_episodes episodes, the same starts for every agent."""
    from stable_baselines3.common.evaluation import evaluate_policy

    from .envs import make_vec_env

    cfg = config.evaluate
    # Episodes run side by side, so the agent predicts for a batch at each step.
    n_envs = min(cfg.n_envs, cfg.n_episodes)
    env = make_vec_env(meta.env_id, meta.env_kwargs, n_envs, cfg.seed)
    if agent is None:  # uniformly random actions: the level to beat
        agent = evaluation.RandomPolicy(env.action_space, cfg.seed, n_envs)
    try:
        returns, lengths = evaluate_policy(
            agent,
            env,
            n_eval_episodes=cfg.n_episodes,
            deterministic=cfg.deterministic,
            return_episode_rewards=True,
        )
    finally:
        env.close()
    return [float(value) for value in returns], [int(value) for value in lengths]


def evaluate(config: Config) -> dict[str, Any]:
    """Score every seed's agent over the same evaluate.n_episodes episodes, aggregate across
    seeds; write metrics.json and the figures."""
    import torch

    from .figures import agent_gif, learning_curves, placeholder_gif

    torch.set_num_threads(config.train.torch_threads)
    cfg = config.evaluate
    agent, meta = load_agent()
    seeds = load_seeds_record(SEEDS_RECORD)
    agents = {seed: load_agent(SEEDS_DIR / str(seed))[0] for seed in seeds.seeds}
    played = {seed: play(seed_agent, meta, config) for seed, seed_agent in agents.items()}
    limit = meta.max_episode_steps
    per_seed = {seed: evaluation.episode_metrics(*runs, limit) for seed, runs in played.items()}
    across = across_seeds({seed: m["mean_return"] for seed, m in per_seed.items()}, cfg.seed)
    # Across seeds first (the headline), then the served agent's own episodes.
    metrics: dict[str, Any] = across.metrics() | per_seed[seeds.served]
    random = evaluation.episode_metrics(*play(None, meta, config), limit)
    random["iqm_return"] = random["mean_return"]  # no training: every seed of it plays the same
    if meta.reward_threshold is not None:
        metrics["reward_threshold"] = float(meta.reward_threshold)
        metrics["solved"] = metrics["mean_return"] >= metrics["reward_threshold"]
    metrics["served_seed"] = seeds.served
    metrics["seeds"] = {str(seed): m["mean_return"] for seed, m in per_seed.items()}
    write_atomically(METRICS, json.dumps(metrics, indent=2) + "\n")

    logs = {seed: load_training_log(SEEDS_DIR / str(seed) / TRAINING_LOG) for seed in seeds.seeds}
    returns = {seed: runs[0] for seed, runs in played.items()}
    random_mean = random["mean_return"]
    learning_curves(logs, returns, meta, REWARD_CURVE, random_mean, seeds.served, across.interval)
    if cfg.gif_max_frames > 0 and "rgb_array" in meta.render_modes:
        for policy, path in (
            (agent, AGENT_GIF),
            (evaluation.RandomPolicy(agent.action_space, cfg.seed), RANDOM_GIF),
        ):
            episode = agent_gif(
                policy,
                meta,
                path,
                seed=cfg.seed,
                max_frames=cfg.gif_max_frames,
                width=cfg.gif_width,
                deterministic=cfg.deterministic,
            )
            print(f"GIF: {episode['frames']} frames of a {episode['steps']}-step episode: {path}")
    else:
        reason = f"{meta.env_id}: no rgb_array rendering (or GIF turned off)"
        placeholder_gif(AGENT_GIF, reason)
        placeholder_gif(RANDOM_GIF, reason)
    figures = [
        (
            REWARD_CURVE,
            f"Learning curves of {len(seeds.seeds)} training seed{'s' * (len(seeds.seeds) > 1)} "
            f"(training returns as a moving mean; periodic evaluations) and each seed's "
            f"{cfg.n_episodes} evaluation episodes, against the solved level and a random policy",
        ),
        (AGENT_GIF, f"One evaluation episode of the served agent (seed {cfg.seed})"),
        (RANDOM_GIF, f"The same episode start played by a random policy (seed {cfg.seed})"),
    ]
    figures[1:1] = table_figure(agent, meta, cfg.seed)
    evaluation.write(
        metrics=metrics,
        random=random,
        meta=meta,
        log=logs[seeds.served],
        figures=figures,
        per_seed=per_seed,
        across=across,
        seeds=seeds,
        exact=exact_table_returns(agents, meta),
    )

    _log_to_mlflow(metrics)
    print(
        f"{meta.algorithm} on {meta.env_id}: IQM return {across.iqm:.2f} across "
        f"{across.n} seed{'s' * (across.n > 1)}"
        + ("" if across.interval is None else " [{:.2f}, {:.2f}]".format(*across.interval))
        + f"; served seed {seeds.served}: {metrics['mean_return']:.2f} "
        f"± {metrics['std_return']:.2f} over {metrics['n_episodes']} episodes -> {METRICS}"
    )
    return metrics


def exact_table_returns(agents: dict[int, Any], meta: AgentMeta) -> dict[str, Any] | None:
    """Each seed's greedy policy and the best possible one, scored exactly on the environment's
    own transition table: Q-tables on toy-text environments only, else None."""
    from .envs import make_env
    from .tabular import TabularAgent, exact_returns

    if not all(isinstance(seed_agent, TabularAgent) for seed_agent in agents.values()):
        return None
    env = make_env(meta.env_id, meta.env_kwargs)
    try:
        greedies = [seed_agent.q.argmax(axis=1) for seed_agent in agents.values()]
        found = exact_returns(env, greedies, meta.max_episode_steps)
    finally:
        env.close()
    if found is None:
        return None
    returns, optimal = found
    return {
        "horizon": meta.max_episode_steps,
        "optimal": optimal,
        "seeds": {str(seed): value for seed, value in zip(agents, returns, strict=True)},
    }


def table_figure(agent: Any, meta: AgentMeta, seed: int) -> list[tuple[Any, str]]:
    """A Q-table's greedy policy and state values drawn on the grid, for grid worlds (and on
    CliffWalking, Q-learning against SARSA); otherwise placeholder files (DVC expects them)."""
    from .figures import grid_cells, placeholder_gif, policy_map
    from .tabular import TabularAgent

    grid = grid_cells(meta) if isinstance(agent, TabularAgent) else None
    if grid is None:
        placeholder_gif(POLICY_FIGURE, f"{meta.env_id}: no grid of states to draw a policy on")
        placeholder_gif(PATHS_FIGURE, f"{meta.env_id}: no Q-learning / SARSA comparison")
        return []
    policy_map(agent.q, meta, grid, POLICY_FIGURE)
    figures = [
        (
            POLICY_FIGURE,
            "The learned greedy policy: in each cell the action with the largest Q-value, over "
            "the value of the state (the largest Q-value); H hole, C cliff, G goal",
        )
    ]
    if grid[0] == "CliffWalkingEnv" and meta.algorithm in COMPARED:
        figures.append(cliff_comparison(agent, meta, grid[1], seed))
    else:
        placeholder_gif(PATHS_FIGURE, f"{meta.env_id}: no Q-learning / SARSA comparison")
    return figures


# On CliffWalking, the textbook pair (Sutton & Barto, example 6.6): each is trained with the
# other's settings, budget and seed, so the paths differ by the update rule alone.
COMPARED = ("QLearning", "SARSA")


def cliff_comparison(agent: Any, meta: AgentMeta, cells: Any, seed: int) -> tuple[Any, str]:
    """Train the other of Q-learning and SARSA like the agent; draw both greedy paths and both
    learning curves."""
    from .envs import make_env
    from .figures import greedy_path, path_comparison
    from .tabular import Settings, TabularAgent

    other = COMPARED[1 - COMPARED.index(meta.algorithm)]
    env = make_env(meta.env_id, meta.env_kwargs)
    rival = TabularAgent.for_env(other, env, Settings(**meta.hyperparams), meta.seed)
    returns: list[float] = []
    rival.learn(env, meta.total_timesteps, on_episode=lambda _, r, __: returns.append(r))
    env.close()
    log = load_training_log(MODEL_DIR / TRAINING_LOG)
    runs = {
        meta.algorithm: (greedy_path(agent, meta, seed), log.episodes.returns),
        other: (greedy_path(rival, meta, seed), returns),
    }
    path_comparison(dict(sorted(runs.items())), cells, PATHS_FIGURE)
    lengths = {name: len(states) - 1 for name, (states, _) in runs.items()}
    print(f"CliffWalking paths: {lengths} steps (the other algorithm trained for the comparison)")
    return (
        PATHS_FIGURE,
        f"Q-learning against SARSA, each trained {meta.total_timesteps:,} steps with the same "
        f"settings: greedy paths of {lengths['QLearning']} and {lengths['SARSA']} steps, and "
        "their returns while exploring (SARSA learns the safer path, Q-learning the cliff edge)",
    )


def _log_to_mlflow(metrics: dict[str, Any]) -> None:
    """Add the evaluation to the training run, so one MLflow run tells the whole story."""
    log_to_training_run(
        load_run_record(MODEL_DIR / RUN_RECORD),
        {key: value for key, value in metrics.items() if key != "solved"},
        [
            (METRICS, "evaluation"),
            (EVALUATION_JSON, "evaluation"),
            (REWARD_CURVE, "evaluation"),
            (POLICY_FIGURE, "evaluation"),
            (PATHS_FIGURE, "evaluation"),
            (AGENT_GIF, "evaluation"),
            (RANDOM_GIF, "evaluation"),
        ],
    )


def main() -> None:
    evaluate(load_config())


if __name__ == "__main__":
    run_stage(main)
