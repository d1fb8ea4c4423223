"""The schedule and the stopping rule: training never ends in the warm-up, and says why it ended."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from {{ cookiecutter.package_name }}.networks import batch_norm_momentum, build_network
from {{ cookiecutter.package_name }}.schedule import (
    EarlyStoppingAfterWarmup,
    StopReport,
    patience_start,
    stop_report,
)


@pytest.mark.parametrize(("epochs", "start"), [(1, 1), (10, 7), (15, 10), (40, 26)])
def test_patience_starts_once_the_learning_rate_is_below_half_its_peak(epochs, start):
    assert patience_start(epochs) == start


def run_epochs(stopper: EarlyStoppingAfterWarmup, losses: list[float]) -> int:
    """Feed one val_loss per epoch to the callback; the epoch (from 1) it stopped at, or 0."""
    trainer = SimpleNamespace(
        fast_dev_run=False,
        callback_metrics={},
        should_stop=False,
        current_epoch=0,
        strategy=SimpleNamespace(reduce_boolean_decision=lambda decision, all: decision),
    )
    for epoch, loss in enumerate(losses):
        trainer.current_epoch = epoch
        trainer.callback_metrics = {"val_loss": torch.tensor(loss)}
        stopper._run_early_stopping_check(trainer)
        if trainer.should_stop:
            return epoch + 1
    return 0


def test_a_loss_that_wanders_at_the_top_of_the_cycle_does_not_end_training():
    # The best loss comes in the warm-up, then the high learning rate makes it worse for 20
    # epochs: plain EarlyStopping(patience=5) would stop at epoch 8 of 40.
    losses = [1.0, 0.5] + [0.9] * 38
    stopper = EarlyStoppingAfterWarmup(epochs=40, monitor="val_loss", mode="min", patience=5)
    assert run_epochs(stopper, losses) == 26 + 5 - 1


def test_improvement_after_the_start_keeps_training_going():
    losses = [1.0 - 0.01 * epoch for epoch in range(40)]
    stopper = EarlyStoppingAfterWarmup(epochs=40, monitor="val_loss", mode="min", patience=5)
    assert run_epochs(stopper, losses) == 0


def test_a_loss_that_is_not_a_number_still_stops_at_once():
    stopper = EarlyStoppingAfterWarmup(epochs=40, monitor="val_loss", mode="min", patience=5)
    assert run_epochs(stopper, [1.0, float("nan")]) == 2


def test_the_stage_output_says_when_and_why_training_ended():
    stopper = EarlyStoppingAfterWarmup(epochs=40, monitor="val_loss", mode="min", patience=6)
    early = stop_report(SimpleNamespace(current_epoch=33, max_epochs=40), stopper, "val_loss")
    assert early.sentence().startswith(
        "stopped at epoch 33 of 40: val_loss did not improve for 6 epochs after the warm-up"
    )
    full = StopReport(40, 40, False, "val_loss", None, None)
    assert full.sentence() == "ran all 40 epochs"


def test_batch_norm_keeps_its_default_momentum_and_blocks_have_two_convolutions():
    network = build_network("small-cnn", num_classes=3, in_channels=1, widths=[4, 8])
    norms = [m for m in network.modules() if isinstance(m, nn.BatchNorm2d)]
    convs = [m for m in network.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 4 and len(norms) == 4
    # momentum=None (a cumulative average) made validation scores wander during training.
    assert all(norm.momentum == 0.1 for norm in norms)


@pytest.mark.parametrize(
    ("steps", "momentum"), [(1, 1.0), (2, 1.0), (4, 0.5), (19, 0.1), (500, 0.1)]
)
def test_small_folders_get_batch_norm_statistics_that_follow_the_weights(steps, momentum):
    assert batch_norm_momentum(steps) == pytest.approx(momentum, abs=0.006)


def test_the_saved_model_scores_what_the_validation_curve_says(trained):
    from mlflow import MlflowClient

    meta = json.loads((trained / "models/model.json").read_text(encoding="utf-8"))
    record = json.loads((trained / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{trained / 'mlflow.db'}")
    (last,) = client.get_metric_history(record["run_id"], "val_acc")
    # One epoch: the best checkpoint is that epoch, so the model is the one the curve measured.
    assert meta["val_accuracy"] == pytest.approx(last.value, abs=1e-6)
    assert meta["stopping"]["reason"] == "ran its 1 epoch"


def test_small_images_train_on_one_thread_and_large_ones_share_the_cores():
    from {{ cookiecutter.package_name }}.train import cpu_count, default_threads

    assert default_threads(16, processes=1) == 1
    assert default_threads(224, processes=1) == max(1, cpu_count())
