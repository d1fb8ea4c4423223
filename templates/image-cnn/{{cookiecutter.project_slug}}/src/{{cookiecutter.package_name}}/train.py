"""Stage `train`: fit the network with Lightning, log the run to MLflow, save the model for serving.

Output in models/: model.pt (the network's weights), model.onnx (the same network for
onnxruntime, checked against it on the test images), model.json (classes, preprocessing,
architecture), run.json (the MLflow run) and checkpoints/best.ckpt (the Lightning checkpoint).
Under DDP every process runs this module; only the first one (rank 0) saves and logs.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

from .config import (
    CHECKPOINT_DIR,
    IMAGES_DIR,
    META_FILE,
    MODEL_DIR,
    PARAMS_PATH,
    RUN_FILE,
    WEIGHTS_FILE,
    Config,
    load_config,
)
from .core import tracking
from .core.onnx_export import export_model
from .core.settings import read_params
from .core.stage import replaced_on_success, run_stage
from .data import read_splits
from .images import ImageSpec
from .reporting.example_files import IMAGE_FILE

# Noise that is expected here: small in-memory data needs no loader workers.
QUIET = (r".*does not have many workers.*", r".*Checkpoint directory .* exists and is not empty.*")


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"train": {"lr": 0.1}} -> {"train.lr": 0.1}, the way MLflow shows parameters."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


# Up to this size an image's tensors are too small to split across threads with profit.
SMALL_IMAGE = 64


def default_threads(image_size: int, processes: int) -> int:
    """CPU threads per process when train.num_threads is 0."""
    if image_size <= SMALL_IMAGE:
        # Each operation is tiny: threads cost more in synchronisation than they save (three
        # epochs of 16 px digits on a busy 2-core machine: 1.5 s of CPU on one thread, 13 s on two).
        return 1
    # Share the CPU cores among the processes (DDP on a CPU starts one per device).
    return max(1, cpu_count() // processes)


def train(config: Config, model_dir: Path = MODEL_DIR) -> tracking.RunRecord | None:
    """Train, then (on rank 0) save the model and log it; return the MLflow run record."""
    import lightning as L
    import torch
    from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint
    from lightning.pytorch.loggers import MLFlowLogger
    from lightning.pytorch.utilities import rank_zero_only
    from torch.utils.data import DataLoader

    from .datasets import load_splits, make_augment
    from .images import channel_stats
    from .module import ImageClassifier
    from .networks import (
        IMAGENET_MEAN,
        IMAGENET_STD,
        batch_norm_momentum,
        set_batch_norm_momentum,
    )
    from .schedule import EarlyStoppingAfterWarmup, stop_report

    for pattern in QUIET:
        warnings.filterwarnings("ignore", message=pattern)
    settings, data = config.train, config.data
    L.seed_everything(config.seed, workers=True, verbose=False)

    # Normalisation: the training images' own statistics, or ImageNet's for pretrained RGB weights.
    spec = ImageSpec(
        data.image_size, data.channels, data.fit, (0.0,) * data.channels, (1.0,) * data.channels
    )
    classes, splits = load_splits(
        spec, augment=make_augment(settings.augment), cache=settings.cache_images
    )
    train_set = splits["train"]
    if config.train.model.pretrained and data.channels == 3:
        mean, std = IMAGENET_MEAN, IMAGENET_STD
    else:
        mean, std = channel_stats(train_set.pixels(i) for i in range(len(train_set)))
    spec = ImageSpec(data.image_size, data.channels, data.fit, tuple(mean), tuple(std))
    for dataset in splits.values():
        dataset.spec = spec

    module = ImageClassifier(
        arch=config.train.model.arch,
        num_classes=len(classes),
        in_channels=data.channels,
        widths=list(config.train.model.widths),
        dropout=config.train.model.dropout,
        lr=settings.lr,
        weight_decay=settings.weight_decay,
        label_smoothing=settings.label_smoothing,
    )
    if config.train.model.pretrained:
        module.net.load_imagenet_weights()

    uri = tracking.configure(config.mlflow.experiment)
    logger = MLFlowLogger(
        experiment_name=config.mlflow.experiment,
        run_name="train",
        tracking_uri=uri,
        log_model=False,
    )
    logger.log_hyperparams(flatten(read_params(PARAMS_PATH)))  # rank 0 only, like all logging

    checkpoints = model_dir / CHECKPOINT_DIR
    if rank_zero_only.rank == 0 and checkpoints.exists():
        shutil.rmtree(checkpoints)  # one best.ckpt per run, never best-v1.ckpt
    checkpoint = ModelCheckpoint(
        dirpath=checkpoints,
        filename="best",
        monitor=settings.checkpoint.monitor,
        mode=settings.checkpoint.mode,
        save_top_k=1,
    )
    callbacks = [checkpoint, LearningRateMonitor(logging_interval="epoch")]
    stopper = None
    if settings.early_stopping.enabled:
        stopper = EarlyStoppingAfterWarmup(
            epochs=settings.epochs,
            monitor=settings.checkpoint.monitor,
            mode=settings.checkpoint.mode,
            patience=settings.early_stopping.patience,
        )
        callbacks.append(stopper)
    trainer = L.Trainer(
        max_epochs=settings.epochs,
        accelerator=settings.accelerator,
        devices=settings.devices,
        strategy=settings.strategy,
        precision=None if settings.precision == "auto" else settings.precision,
        deterministic="warn" if settings.deterministic else False,
        logger=logger,
        callbacks=callbacks,
        enable_progress_bar=settings.progress_bar,
        num_sanity_val_steps=0,
        log_every_n_steps=1,
    )
    steps_per_epoch = math.ceil(len(train_set) / (settings.batch_size * trainer.num_devices))
    set_batch_norm_momentum(module.net, batch_norm_momentum(steps_per_epoch))
    torch.set_num_threads(
        settings.num_threads or default_threads(data.image_size, trainer.num_devices)
    )

    loader_options = {
        "batch_size": settings.batch_size,
        "num_workers": settings.num_workers,
        "persistent_workers": settings.num_workers > 0,
    }
    started = time.perf_counter()  # the model card's compute: wall time of fitting
    trainer.fit(
        module,
        DataLoader(train_set, shuffle=True, **loader_options),
        DataLoader(splits["val"], shuffle=False, **loader_options),
    )
    train_seconds = round(time.perf_counter() - started, 2)
    if not trainer.is_global_zero:
        return None

    if checkpoint.best_model_path:
        module = ImageClassifier.load_from_checkpoint(
            checkpoint.best_model_path, map_location="cpu"
        )
    # BatchNorm's running statistics are the ones the validation curve was measured with
    # (networks.batch_norm_momentum), so the saved model scores what the curve says.
    network = module.net.cpu().eval()
    stopping = stop_report(trainer, stopper, settings.checkpoint.monitor)
    val_accuracy = accuracy(network, splits["val"], settings.batch_size)
    meta = {
        "arch": config.train.model.arch,
        "widths": list(config.train.model.widths),
        "dropout": config.train.model.dropout,
        "classes": classes,
        "preprocessing": spec.to_dict(),
        "parameters": sum(p.numel() for p in network.parameters()),
        "epochs_trained": trainer.current_epoch,
        "stopping": stopping.to_dict(),
        "best_epoch_score": {settings.checkpoint.monitor: _number(checkpoint.best_model_score)},
        "val_accuracy": val_accuracy,
        "train_images": len(train_set),
        "val_images": len(splits["val"]),
        "train_seconds": train_seconds,
        "device": trainer.strategy.root_device.type,
        "devices": trainer.num_devices,
    }
    # The model files change only once the run is logged: a failure keeps the previous model.
    with replaced_on_success(model_dir) as staged:
        torch.save(network.state_dict(), staged / WEIGHTS_FILE)
        (staged / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        export_model(network, spec, splits["test"].paths, staged)
        record = log_model(config, logger.run_id, uri, network, spec, len(classes), meta, staged)
        tracking.save_run_record(record, staged / RUN_FILE)
        save_example_image(staged)
    print(f"train: {stopping.sentence()}")
    print(
        f"train: {config.train.model.arch}, {trainer.current_epoch} epochs, validation accuracy "
        f"{val_accuracy:.4f}; model in {model_dir}/, MLflow run {record.run_id} in "
        f"{tracking.public_uri(uri)} ({record.registered_model} v{record.model_version})"
    )
    return record


def save_example_image(model_dir: Path) -> Path:
    """Copy the first held-out image beside the model: the upload /docs and the README show."""
    test = [row for row in read_splits() if row["split"] == "test"]
    return Path(shutil.copy(IMAGES_DIR / test[0]["path"], model_dir / IMAGE_FILE))


def accuracy(network: Any, dataset: Any, batch_size: int) -> float:
    """Share of a dataset the network classifies correctly."""
    import torch
    from torch.utils.data import DataLoader

    correct = 0
    with torch.inference_mode():
        for images, targets in DataLoader(dataset, batch_size=batch_size):
            correct += int((network(images).argmax(dim=1) == targets).sum())
    return correct / len(dataset)


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


def log_model(
    config: Config,
    run_id: str,
    uri: str,
    network: Any,
    spec: ImageSpec,
    num_classes: int,
    meta: dict[str, Any],
    model_dir: Path,
) -> tracking.RunRecord:
    """Add the model to the run Lightning logged, and register it under mlflow.registered_model."""
    import mlflow
    import mlflow.pytorch
    import numpy as np
    from mlflow.models import infer_signature

    example = np.zeros((1, spec.channels, spec.size, spec.size), dtype=np.float32)
    signature = infer_signature(example, np.zeros((1, num_classes), dtype=np.float32))
    # MLflow warns about pickled models; the API never unpickles: it loads models/model.pt with
    # weights_only=True. The registry copy is for `mlflow.pytorch.load_model` in trusted hands.
    logging.getLogger("mlflow.pytorch").setLevel(logging.ERROR)
    with mlflow.start_run(run_id=run_id):
        mlflow.log_metric("best_val_acc", meta["val_accuracy"])
        mlflow.log_artifact(str(model_dir / META_FILE))
        info = mlflow.pytorch.log_model(
            network,
            name="model",
            signature=signature,
            registered_model_name=config.mlflow.registered_model,
            serialization_format="pickle",  # the network's class comes along in code_paths
            code_paths=[str(Path(__file__).parent)],
            # Named, not inferred: inference re-imports everything in a subprocess (~10 s).
            pip_requirements=mlflow.pytorch.get_default_pip_requirements(),
        )
    return tracking.RunRecord(
        run_id=run_id,
        experiment=config.mlflow.experiment,
        tracking_uri=uri,
        registered_model=config.mlflow.registered_model,
        model_version=str(info.registered_model_version),
    )


def main() -> None:
    train(load_config())


if __name__ == "__main__":
    run_stage(main)
