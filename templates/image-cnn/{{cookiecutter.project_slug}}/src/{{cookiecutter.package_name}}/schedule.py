"""The learning-rate schedule and the stopping rule that respects it.

One-cycle: the learning rate climbs for the first WARMUP_SHARE of the steps, then anneals to
nearly zero. While it is high the validation loss wanders, so early stopping's patience counts
only once the rate has come down to half its peak (the second half of the annealing): training
can never end during the warm-up or at the top of the cycle, whatever the patience.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lightning.pytorch.callbacks import EarlyStopping

WARMUP_SHARE = 0.3  # OneCycleLR's pct_start: the share of the steps spent climbing to the peak


def patience_start(epochs: int) -> int:
    """The first epoch (from 1) that ends with the learning rate at or below half its peak."""
    # Cosine annealing reaches half the peak halfway through it (rounded: 40 * 0.65 is 26).
    return max(1, math.ceil(round(epochs * (WARMUP_SHARE + (1 - WARMUP_SHARE) / 2), 6)))


class EarlyStoppingAfterWarmup(EarlyStopping):
    """Lightning's EarlyStopping, whose patience counts only from `patience_start(epochs)`."""

    def __init__(self, *, epochs: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_epoch = patience_start(epochs)
        self._epoch = 0

    def _run_early_stopping_check(self, trainer: Any) -> None:
        self._epoch = trainer.current_epoch + 1
        super()._run_early_stopping_check(trainer)

    def _evaluate_stopping_criteria(self, current: Any) -> tuple[bool, str | None]:
        import torch

        should_stop, reason = super()._evaluate_stopping_criteria(current)
        if self._epoch >= self.start_epoch or not torch.isfinite(current):
            return should_stop, reason
        # Before the start the best score is still tracked; only the waiting does not count.
        self.wait_count = 0
        return False, None


@dataclass(frozen=True)
class StopReport:
    """When training ended and why, for the stage output and models/model.json."""

    epochs_run: int
    max_epochs: int
    stopped_early: bool
    monitor: str
    patience: int | None
    patience_start: int | None

    def sentence(self) -> str:
        if not self.stopped_early:
            if self.max_epochs == 1:
                return "ran its 1 epoch"
            return f"ran all {self.max_epochs} epochs"
        return (
            f"stopped at epoch {self.epochs_run} of {self.max_epochs}: {self.monitor} did not "
            f"improve for {self.patience} epochs after the warm-up (patience counted from epoch "
            f"{self.patience_start}, once the learning rate was below half its peak)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "epochs_run": self.epochs_run,
            "max_epochs": self.max_epochs,
            "stopped_early": self.stopped_early,
            "reason": self.sentence(),
        }


def stop_report(trainer: Any, stopper: EarlyStoppingAfterWarmup | None, monitor: str) -> StopReport:
    """Read the finished trainer and its stopping callback."""
    return StopReport(
        epochs_run=trainer.current_epoch,  # the fit loop counts an epoch once it has ended
        max_epochs=trainer.max_epochs,
        stopped_early=trainer.current_epoch < trainer.max_epochs,
        monitor=monitor,
        patience=stopper.patience if stopper else None,
        patience_start=stopper.start_epoch if stopper else None,
    )
