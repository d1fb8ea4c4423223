"""Training callbacks: record every episode and every periodic evaluation; send both to MLflow."""

from __future__ import annotations

import time

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback

from .core.metadata import EpisodeLog, EvaluationLog


class MlflowSink:
    """Buffers metrics and writes them to one MLflow run in batches (one call per ~hundreds)."""

    BATCH = 1000  # MLflow's limit of metrics per log_batch call

    def __init__(self, run_id: str) -> None:
        from mlflow import MlflowClient

        self.client, self.run_id, self.pending = MlflowClient(), run_id, []

    def add(self, metrics: dict[str, float], step: int) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        self.pending += [Metric(key, float(value), now, step) for key, value in metrics.items()]

    def flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[: self.BATCH], self.pending[self.BATCH :]
            self.client.log_batch(self.run_id, metrics=batch)


class EpisodeRecorder(BaseCallback):
    """Keeps the return and length of every finished training episode, with the step it ended at."""

    def __init__(self, sink: MlflowSink | None = None, flush_every: int = 500) -> None:
        super().__init__()
        self.sink, self.flush_every = sink, flush_every
        self.timesteps: list[int] = []
        self.returns: list[float] = []
        self.lengths: list[int] = []

    def _on_step(self) -> bool:
        for info in self.locals.get("infos", []):
            episode = info.get("episode")  # added by the Monitor wrapper when an episode ends
            if episode is not None:
                self.record(int(self.num_timesteps), float(episode["r"]), int(episode["l"]))
        return True

    def record(self, step: int, episode_return: float, length: int) -> None:
        """One finished episode (also called directly by the tabular agents' training loop)."""
        self.timesteps.append(step)
        self.returns.append(episode_return)
        self.lengths.append(length)
        if self.sink is not None:
            self.sink.add(
                {"train/episode_return": episode_return, "train/episode_length": length}, step
            )
            if len(self.sink.pending) >= self.flush_every:
                self.sink.flush()

    def _on_training_end(self) -> None:
        if self.sink is not None:
            self.sink.flush()

    def log(self) -> EpisodeLog:
        return EpisodeLog(self.timesteps, self.returns, self.lengths)


class EvaluationRecorder(BaseCallback):
    """Run by EvalCallback after each periodic evaluation: keeps and logs its mean and spread."""

    def __init__(self, sink: MlflowSink | None = None) -> None:
        super().__init__()
        self.sink = sink
        self.timesteps: list[int] = []
        self.means: list[float] = []
        self.stds: list[float] = []

    def _on_step(self) -> bool:
        evaluation = self.parent  # the EvalCallback that just evaluated
        self.record(
            int(evaluation.num_timesteps),
            evaluation.evaluations_results[-1],
            evaluation.evaluations_length[-1],
            evaluation.best_mean_reward,
        )
        return True

    def record(self, step: int, returns, lengths, best_mean_return: float) -> None:
        """One periodic evaluation (also called directly by the tabular agents' training)."""
        returns = np.asarray(returns, dtype=float)
        lengths = np.asarray(lengths, dtype=float)
        self.timesteps.append(step)
        self.means.append(float(returns.mean()))
        self.stds.append(float(returns.std()))
        if self.sink is not None:
            self.sink.add(
                {
                    "eval/mean_return": returns.mean(),
                    "eval/std_return": returns.std(),
                    "eval/mean_length": lengths.mean(),
                    "eval/best_mean_return": best_mean_return,
                },
                step,
            )
            self.sink.flush()  # so the MLflow UI follows a long training live

    def log(self) -> EvaluationLog:
        return EvaluationLog(self.timesteps, self.means, self.stds)
