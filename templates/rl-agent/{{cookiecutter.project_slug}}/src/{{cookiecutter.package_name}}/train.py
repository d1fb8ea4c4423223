"""Stage `train`: train the agent (Stable-Baselines3, or a Q-table), evaluating it as it learns."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .agents import Plan, algorithm_class, check_algorithm, choose, constructor_kwargs, plan
from .config import (
    AGENT_FILE,
    AGENT_META,
    ENV_SPEC,
    MODEL_DIR,
    RUN_RECORD,
    SEEDS_DIR,
    SEEDS_RECORD,
    TRAINING_LOG,
    Config,
    load_config,
)
from .core.errors import ConfigError, DataError
from .core.metadata import (
    AgentMeta,
    Checkpoint,
    SeedRun,
    SeedsRecord,
    TrainingLog,
    agent_meta,
    save_agent_meta,
    save_seeds_record,
    save_training_log,
)
from .core.onnx_export import export_policy
from .core.registry import log_model
from .core.stage import replaced_on_success, run_stage
from .core.tracking import RunRecord, configure, public_uri, save_run_record
from .envs import EnvSpec, load_env_spec, make_env, make_vec_env
from .reporting.across_seeds import best_seed
from .reporting.example_files import save_request
from .tabular import ALGORITHMS as TABULAR
from .tabular import Settings, TabularAgent

# Periodic evaluations run on their own envs, seeded apart from the training envs.
EVAL_SEED_OFFSET = 10_000
SELECTION_SEED_OFFSET = 20_000  # the episodes the served seed is chosen on, the same for all
CONFIRM_SEED_OFFSET = 30_000  # fresh episodes on which a best checkpoint must beat the final agent
CONFIRM_FACTOR = 5  # a rematch of 5 x train.eval_episodes episodes for each of the two
MAX_EVAL_ENVS = 5


def train(config: Config) -> RunRecord:
    """Train one agent per seed, each its own MLflow run nested under one parent run; serve,
    log and register the best of them."""
    spec = checked_env_spec(config)
    todo = training_plan(config, spec)
    import mlflow
    import torch

    # One thread is the fastest for these small networks on a CPU (and leaves a core to the envs).
    torch.set_num_threads(config.train.torch_threads)
    seeds = [config.seed + offset for offset in range(config.train.seeds)]
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    uri = configure(config.mlflow.experiment)
    run_name = f"{todo.algorithm}-{spec.env_id}-seed{seeds[0]}" + (
        f"-{seeds[-1]}" if len(seeds) > 1 else ""
    )
    # The model files change only once every run is logged: a failure keeps the previous agents.
    with (
        replaced_on_success(MODEL_DIR) as staged,
        mlflow.start_run(run_name=run_name) as parent,
    ):
        mlflow.set_tags({"env_id": spec.env_id, "algorithm": todo.algorithm})
        mlflow.log_params(_flat_params(config, todo) | {"seeds": len(seeds)})
        trained = [train_seed(config, spec, todo, seed, staged, len(seeds) > 1) for seed in seeds]
        scores = {run.seed: run.record.selection_mean_return for run in trained}
        served = next(run for run in trained if run.seed == best_seed(scores))
        for name in (AGENT_FILE, AGENT_META, TRAINING_LOG):
            shutil.copyfile(served.folder / name, staged / name)
        export_policy(served.agent, served.meta, staged, served.seed)
        record = log_served(config, parent.info.run_id, uri, staged, served)
        runs = [run.record for run in trained]
        chosen = SeedsRecord(runs, served.seed, config.train.eval_episodes)
        save_seeds_record(chosen, staged / SEEDS_RECORD.name)
        save_request({"observation": _example_observation(spec, config.seed)}, staged)
    _drop_other_seeds(seeds)
    print(
        f"served: {chosen.served_line()} -> {MODEL_DIR / AGENT_FILE}; MLflow run "
        f"{record.run_id} in {public_uri(uri)}"
    )
    return record


@dataclass
class SeedResult:
    """What one seed's training left: its files, its agent and what train records of it."""

    seed: int
    folder: Path
    agent: Any
    meta: AgentMeta
    record: SeedRun


def train_seed(
    config: Config, spec: EnvSpec, todo: Plan, seed: int, staged: Path, choose: bool
) -> SeedResult:
    """Train, keep the better of the final and the best evaluated agent, in a nested MLflow
    run; with `choose`, score it on the selection episodes every seed shares."""
    import mlflow

    tabular = todo.algorithm in TABULAR
    if tabular:
        env = make_env(spec.env_id, spec.kwargs)
        model = TabularAgent.for_env(todo.algorithm, env, Settings(**todo.hyperparams), seed)
    else:
        env = make_vec_env(spec.env_id, spec.kwargs, todo.n_envs, seed)
        model = _build(todo, env, seed)
    settings = (
        "params.yaml's train.tabular"
        if tabular
        else f"{todo.preset or 'Stable-Baselines3 defaults'} + params.yaml"
    )
    print(
        f"training {todo.algorithm} on {spec.env_id}: {todo.total_timesteps:,} steps, "
        f"{todo.n_envs} env(s), seed {seed}, hyper-parameters from {settings}"
    )
    folder = staged / SEEDS_DIR.relative_to(MODEL_DIR) / str(seed)
    folder.mkdir(parents=True)
    run_name = f"{todo.algorithm}-{spec.env_id}-seed{seed}"
    with tempfile.TemporaryDirectory() as scratch, mlflow.start_run(run_name=run_name, nested=True):
        run_id = mlflow.active_run().info.run_id
        mlflow.set_tags({"env_id": spec.env_id, "algorithm": todo.algorithm})
        mlflow.log_params(_flat_params(config, todo) | {"seed": seed})
        recorders = Recorders.start(config, spec, todo, seed, run_id, Path(scratch))
        if tabular:
            seconds = learn_table(model, todo, recorders, env, config, Path(scratch))
        else:
            seconds = learn(model, todo, recorders, config.train.progress_bar)
        checkpoint, agent = keep_better(
            model,
            todo,
            recorders.evaluations,
            recorders.eval_env,
            config.train,
            Path(scratch),
            folder / AGENT_FILE,
        )
        meta = agent_meta(spec, todo, seed, checkpoint, seconds, model.num_timesteps)
        save_agent(folder, meta, recorders)
        score = selection_score(agent, spec, config) if choose else None
        mlflow.log_metrics(
            {
                "train/seconds": seconds,
                "train/steps_per_second": model.num_timesteps / seconds,
                "train/episodes": len(recorders.episodes.returns),
            }
            | ({} if score is None else {"selection/mean_return": score})
        )
        mlflow.log_artifact(str(folder / AGENT_FILE), "agent")
        mlflow.log_artifact(str(folder / AGENT_META), "agent")
    env.close()
    recorders.close()
    print(
        f"seed {seed}: kept the {checkpoint.kind} agent ({checkpoint.timesteps:,} steps); "
        f"trained in {seconds:.1f} s"
        + ("" if score is None else f"; evaluation mean return {score:.2f}")
    )
    return SeedResult(seed, folder, agent, meta, SeedRun(seed, run_id, score, round(seconds, 2)))


def selection_score(agent: Any, spec: EnvSpec, config: Config) -> float:
    """Mean return over train.eval_episodes deterministic episodes on seeds every training seed
    shares, apart from training's and the final evaluation's: how the served seed is chosen."""
    from stable_baselines3.common.evaluation import evaluate_policy

    cfg = config.train
    n_envs = min(cfg.eval_episodes, MAX_EVAL_ENVS)
    env = make_vec_env(spec.env_id, spec.kwargs, n_envs, config.seed + SELECTION_SEED_OFFSET)
    try:
        mean, _ = evaluate_policy(agent, env, cfg.eval_episodes, deterministic=True)
    finally:
        env.close()
    return float(mean)


def _drop_other_seeds(seeds: list[int]) -> None:
    """Remove the folders of seeds an earlier, larger run trained and this one did not."""
    for folder in SEEDS_DIR.glob("*"):
        if folder.is_dir() and folder.name not in {str(seed) for seed in seeds}:
            shutil.rmtree(folder)


def checked_env_spec(config: Config) -> EnvSpec:
    """The environment the data stage recorded, refused if params.yaml names another."""
    spec = load_env_spec(ENV_SPEC)
    if spec.env_id != config.data.env.id or spec.kwargs != config.data.env.kwargs:
        raise DataError(
            f"{ENV_SPEC} describes {spec.env_id} but params.yaml names {config.data.env.id}: "
            "run `dvc repro` (or the data stage) again"
        )
    return spec


def training_plan(config: Config, spec: EnvSpec) -> Plan:
    """Algorithm, budget and hyper-parameters; an impossible combination stops here, early."""
    cfg = config.train
    choice = choose(cfg.algorithm, spec, tuned_defaults=cfg.tuned_defaults)
    print(f"algorithm: {choice.algorithm} ({choice.reason})")
    check_algorithm(choice.algorithm, spec)
    todo = plan(
        choice.algorithm,
        spec.env_id,
        tuned_defaults=cfg.tuned_defaults,
        total_timesteps=cfg.total_timesteps,
        n_envs=cfg.n_envs,
        hyperparams=cfg.hyperparams,
        spec=spec,
        tabular=cfg.tabular.model_dump(),
    )
    if todo.warning:
        print(f"warning: {todo.warning}")
    return todo


@dataclass
class Recorders:
    """What watches training: every episode, and the periodic evaluations on their own envs."""

    episodes: Any
    evaluations: Any
    callbacks: list[Any]
    eval_env: Any = None

    @classmethod
    def start(
        cls, config: Config, spec: EnvSpec, todo: Plan, seed: int, run_id: str, scratch: Path
    ) -> Recorders:
        from .callbacks import EpisodeRecorder, EvaluationRecorder, MlflowSink

        cfg = config.train
        sink = MlflowSink(run_id)
        episodes, evaluations = EpisodeRecorder(sink), EvaluationRecorder(sink)
        recorders = cls(episodes, evaluations, [episodes])
        if cfg.eval_freq > 0:
            from stable_baselines3.common.callbacks import EvalCallback

            recorders.eval_env = make_vec_env(
                spec.env_id,
                spec.kwargs,
                min(cfg.eval_episodes, MAX_EVAL_ENVS),
                seed + EVAL_SEED_OFFSET,
            )
            if todo.algorithm in TABULAR:
                return recorders  # the table's loop evaluates itself (learn_table)
            recorders.callbacks.append(
                EvalCallback(
                    recorders.eval_env,
                    n_eval_episodes=cfg.eval_episodes,
                    eval_freq=max(cfg.eval_freq // todo.n_envs, 1),
                    best_model_save_path=str(scratch),
                    log_path=str(scratch),
                    deterministic=True,
                    callback_after_eval=evaluations,
                    verbose=1,
                )
            )
        return recorders

    def close(self) -> None:
        if self.eval_env is not None:
            self.eval_env.close()


def learn(model: Any, todo: Plan, recorders: Recorders, progress_bar: bool) -> float:
    """Train for the planned number of steps; return the wall time in seconds."""
    started = time.perf_counter()
    model.learn(todo.total_timesteps, callback=recorders.callbacks, progress_bar=progress_bar)
    return time.perf_counter() - started


def learn_table(
    agent: TabularAgent, todo: Plan, recorders: Recorders, env: Any, config: Config, scratch: Path
) -> float:
    """Train the Q-table, scoring its greedy policy every train.eval_freq steps (the best one is
    saved where keep_better looks for it); return the wall time in seconds."""
    from stable_baselines3.common.evaluation import evaluate_policy

    cfg, best = config.train, [float("-inf")]

    def evaluate(step: int) -> None:
        returns, lengths = evaluate_policy(
            agent, recorders.eval_env, cfg.eval_episodes, return_episode_rewards=True
        )
        mean = float(sum(returns) / len(returns))
        if mean > best[0]:
            best[0] = mean
            agent.save(scratch / "best_model.zip")
        recorders.evaluations.record(step, returns, lengths, best[0])
        print(f"evaluation at {step:,} steps: mean return {mean:.2f} over {len(returns)} episodes")

    started = time.perf_counter()
    agent.learn(
        env,
        todo.total_timesteps,
        on_episode=recorders.episodes.record,
        evaluate_every=cfg.eval_freq if recorders.eval_env is not None else 0,
        on_evaluation=evaluate,
    )
    seconds = time.perf_counter() - started
    if recorders.episodes.sink is not None:
        recorders.episodes.sink.flush()
    return seconds


def save_agent(folder: Path, meta: AgentMeta, recorders: Recorders) -> None:
    """One seed's folder: the agent's metadata and its training log, beside the agent."""
    save_agent_meta(meta, folder / AGENT_META)
    log = TrainingLog(episodes=recorders.episodes.log(), evaluations=recorders.evaluations.log())
    save_training_log(log, folder / TRAINING_LOG)


def log_served(
    config: Config, run_id: str, uri: str, staged: Path, served: SeedResult
) -> RunRecord:
    """The served agent and its registered model, in the parent run; the run record."""
    import mlflow

    agent_path, meta_path = staged / AGENT_FILE, staged / AGENT_META
    mlflow.set_tag("served_seed", served.seed)
    mlflow.log_metric("train/seconds", served.meta.train_seconds)
    mlflow.log_artifact(str(agent_path), "agent")
    mlflow.log_artifact(str(meta_path), "agent")
    version = log_model(
        agent_path,
        meta_path,
        served.agent,
        config.mlflow.registered_model,
        seed=served.seed,
        stable_baselines3=served.meta.algorithm not in TABULAR,
    )
    record = RunRecord(
        run_id=run_id,
        experiment=config.mlflow.experiment,
        tracking_uri=uri,
        registered_model=config.mlflow.registered_model if version else None,
        model_version=version,
    )
    save_run_record(record, staged / RUN_RECORD)
    return record


def _example_observation(spec: EnvSpec, seed: int) -> list[float]:
    """A real first observation of the environment, for /docs and the README (4 decimals; a
    Discrete observation is its whole number)."""
    import numpy as np

    env = make_env(spec.env_id, spec.kwargs)
    try:
        observation, _ = env.reset(seed=seed + EVAL_SEED_OFFSET)
    finally:
        env.close()
    if spec.observation_space["type"] == "Discrete":
        return [int(observation)]
    return [round(float(value), 4) for value in np.asarray(observation, dtype=np.float64).ravel()]


def _build(todo: Plan, env: Any, seed: int) -> Any:
    from stable_baselines3.common.logger import Logger

    cls = algorithm_class(todo.algorithm)
    try:
        # Multi-layer perceptrons learn these small observation vectors fastest on the CPU.
        model = cls(
            "MlpPolicy",
            env,
            seed=seed,
            device="cpu",
            verbose=0,
            **constructor_kwargs(todo.hyperparams),
        )
    except (TypeError, ValueError, AssertionError) as error:
        raise ConfigError(f"train.hyperparams do not suit {todo.algorithm}: {error}") from error
    # A logger with no outputs: SB3's default one makes a folder in /tmp on every `learn`, and
    # the callbacks already send every metric to MLflow.
    model.set_logger(Logger(folder=None, output_formats=[]))
    return model


def keep_better(
    model, todo, evaluations, eval_env, cfg, scratch: Path, target: Path
) -> tuple[Checkpoint, Any]:
    """Save the final agent to `target` unless an earlier evaluation scored strictly better and
    the checkpoint then beats the final agent again on fresh episodes."""
    final_steps = int(model.num_timesteps)
    if eval_env is None or not evaluations.means:
        model.save(target)
        return Checkpoint("final", final_steps, None), model
    from stable_baselines3.common.evaluation import evaluate_policy

    if evaluations.timesteps[-1] == model.num_timesteps:
        final_mean = evaluations.means[-1]
    else:
        final_mean, _ = evaluate_policy(model, eval_env, cfg.eval_episodes, deterministic=True)
    best_index = max(range(len(evaluations.means)), key=evaluations.means.__getitem__)
    best_mean = evaluations.means[best_index]
    if best_mean > final_mean and (scratch / "best_model.zip").is_file():
        best = algorithm_class(todo.algorithm).load(scratch / "best_model.zip", device="cpu")
        # The top of several noisy scores is partly luck: the checkpoint must win a rematch
        # against the final agent, both on the same fresh episodes, to be kept.
        episodes = CONFIRM_FACTOR * cfg.eval_episodes
        rematch = [_mean_on_fresh_episodes(agent, eval_env, episodes) for agent in (best, model)]
        print(
            f"rematch over {episodes} fresh episodes: best checkpoint {rematch[0]:.2f}, "
            f"final agent {rematch[1]:.2f}"
        )
        if rematch[0] > rematch[1]:
            shutil.copyfile(scratch / "best_model.zip", target)
            return Checkpoint("best", evaluations.timesteps[best_index], best_mean), best
    model.save(target)
    return Checkpoint("final", final_steps, float(final_mean)), model


def _mean_on_fresh_episodes(agent: Any, eval_env: Any, episodes: int) -> float:
    """Mean return of deterministic episodes that start from the rematch's own seeds."""
    from stable_baselines3.common.evaluation import evaluate_policy

    eval_env.seed(CONFIRM_SEED_OFFSET)  # the same starts for whichever agent plays next
    mean, _ = evaluate_policy(agent, eval_env, episodes, deterministic=True)
    return float(mean)


def _flat_params(config: Config, todo: Plan) -> dict[str, Any]:
    params = {
        "env_id": config.data.env.id,
        "algorithm": todo.algorithm,
        "total_timesteps": todo.total_timesteps,
        "n_envs": todo.n_envs,
        "seed": config.seed,
        "eval_freq": config.train.eval_freq,
        "eval_episodes": config.train.eval_episodes,
        "preset": todo.preset or "none",
    }
    params.update({f"env.{key}": value for key, value in config.data.env.kwargs.items()})
    params.update({f"hp.{key}": value for key, value in todo.hyperparams.items()})
    return params


def main() -> None:
    train(load_config())


if __name__ == "__main__":
    run_stage(main)
