"""Stage `train`: fit the network with Lightning, log the run to MLflow, save the model for serving.

Output in models/: model.pt (the network's weights), model.onnx (the same network for
onnxruntime, checked against it on the test images), model.json (classes, preprocessing,
architecture), run.json (the MLflow run) and checkpoints/best.ckpt (the Lightning checkpoint).
Under DDP every process runs this module; only the first one (rank 0) saves and logs.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import (
    AUTO,
    CHECKPOINT_DIR,
    IMAGES_DIR,
    META_FILE,
    MODEL_DIR,
    PARAMS_PATH,
    RUN_FILE,
    WEIGHTS_FILE,
    Config,
    ModelConfig,
    load_config,
)
from .core import tracking
from .core.mlflow_model import log_model
from .core.onnx_export import export_model
from .core.settings import read_params
from .core.stage import check_writable, drop_log_messages, replaced_on_success, run_stage
from .data import read_dataset, read_splits
from .images import ImageSpec
from .reporting.example_files import IMAGE_FILE

# Noise that is expected here: small in-memory data needs no loader workers.
QUIET = (
    r".*does not have many workers.*",
    r".*Checkpoint directory .* exists and is not empty.*",
    # Lightning 2.6 builds torch's deprecated LeafSpec itself: nothing here to change.
    r"`isinstance\(treespec, LeafSpec\)` is deprecated",
)
# Lightning's tips advertise its cloud services on every run.
LIGHTNING_TIPS = ("lightning.pytorch.utilities.rank_zero", "💡 Tip:")


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


@dataclass(frozen=True)
class Choice:
    """The network actually trained, once every `auto` is decided."""

    arch: str
    weights: dict[str, Any] | None  # ImageNet weights to start from; None: from scratch
    weights_url: str | None

    def sentence(self) -> str:
        if self.weights is None:
            return f"{self.arch} trained from scratch"
        return f"{self.arch} fine-tuned from ImageNet weights"


def choose_network(model: ModelConfig, photos: bool) -> Choice:
    """Resolve `auto`: colour photographs get ResNet-18 from ImageNet weights when they can be
    fetched, and the small CNN from scratch when they cannot; anything else the small CNN."""
    from .core.weights import WeightsUnavailableError, fetch_imagenet_weights

    wanted = photos if model.pretrained == AUTO else model.pretrained
    arch = model.arch
    if arch == AUTO:
        arch = "resnet18" if wanted else "small-cnn"
    if not wanted or arch != "resnet18":
        return Choice(arch, None, None)
    try:
        return Choice(arch, fetch_imagenet_weights(model.weights_url), model.weights_url)
    except WeightsUnavailableError as error:
        if model.pretrained is True:
            raise WeightsUnavailableError(
                f"{error}. Set train.model.pretrained: auto to fall back to training from "
                "scratch, or run once with network access (the file is then cached)"
            ) from error
        fallback = "small-cnn" if model.arch == AUTO else arch
        print(f"train: {error}; training {fallback} from scratch instead")
        return Choice(fallback, None, None)


def train(config: Config, model_dir: Path = MODEL_DIR) -> tracking.RunRecord | None:
    """Train, then (on rank 0) save the model and log it; return the MLflow run record."""
    import lightning as L

    from .schedule import stop_report

    for pattern in QUIET:
        warnings.filterwarnings("ignore", message=pattern)
    drop_log_messages(*LIGHTNING_TIPS)
    L.seed_everything(config.seed, workers=True, verbose=False)
    check_writable(model_dir)  # a read-only models/ fails now, before any training or run
    dataset = read_dataset()
    choice = choose_network(config.train.model, dataset.get("photos", False))
    print(f"train: {choice.sentence()} on {dataset.get('description', 'the images')}")
    classes, splits, spec = load_data(config, dataset, choice)
    module = build_module(config, len(classes), spec, choice)
    uri = tracking.configure(config.mlflow.experiment)
    logger = mlflow_logger(config, uri)
    logger.log_hyperparams(chosen(choice, spec))  # what each `auto` became
    trainer, checkpoint, stopper = build_trainer(config, logger, model_dir / CHECKPOINT_DIR)
    tune_for_hardware(config, trainer, module, len(splits["train"]), spec.size)
    train_seconds = fit(config, trainer, module, splits)
    if not trainer.is_global_zero:
        return None  # under DDP, only the first process saves and logs
    network = best_network(module, checkpoint)
    stopping = stop_report(trainer, stopper, config.train.checkpoint.monitor)
    meta = describe_model(
        config, choice, classes, spec, network, trainer, checkpoint, stopping, splits, train_seconds
    )
    record = save_model(config, logger.run_id, uri, network, spec, splits, meta, model_dir)
    print(f"train: {stopping.sentence()}")
    print(
        f"train: {choice.sentence()}, {trainer.current_epoch} epochs, validation accuracy "
        f"{meta['val_accuracy']:.4f}; model in {model_dir}/, MLflow run {record.run_id} in "
        f"{tracking.public_uri(uri)} ({record.registered_model} v{record.model_version})"
    )
    return record


def load_data(
    config: Config, dataset: dict[str, Any], choice: Choice
) -> tuple[list[str], dict[str, Any], ImageSpec]:
    """The class names, the three splits and the preprocessing, normalised for this data."""
    from .datasets import load_splits, make_augment
    from .images import channel_stats
    from .networks import IMAGENET_MEAN, IMAGENET_STD

    # Size and channels as the data stage wrote the images (it decides `auto`).
    size, channels, fit = int(dataset["image_size"]), int(dataset["channels"]), config.data.fit
    spec = ImageSpec(size, channels, fit, (0.0,) * channels, (1.0,) * channels)
    augment = make_augment(config.train.augment, photos=dataset.get("photos", False), size=size)
    classes, splits = load_splits(spec, augment=augment, cache=config.train.cache_images)
    # Normalisation: the training images' own statistics, or ImageNet's for pretrained RGB weights.
    train_set = splits["train"]
    if choice.weights is not None and channels == 3:
        mean, std = IMAGENET_MEAN, IMAGENET_STD
    else:
        mean, std = channel_stats(train_set.pixels(i) for i in range(len(train_set)))
    spec = ImageSpec(size, channels, fit, tuple(mean), tuple(std))
    for split in splits.values():
        split.spec = spec
    return classes, splits, spec


def build_module(config: Config, num_classes: int, spec: ImageSpec, choice: Choice) -> Any:
    """The LightningModule: the chosen network, its loss and optimiser settings."""
    from .module import ImageClassifier

    settings, model = config.train, config.train.model
    module = ImageClassifier(
        arch=choice.arch,
        num_classes=num_classes,
        in_channels=spec.channels,
        widths=list(model.widths),
        dropout=model.dropout,
        lr=settings.lr,
        weight_decay=settings.weight_decay,
        label_smoothing=settings.label_smoothing,
    )
    if choice.weights is not None:
        module.net.load_imagenet_weights(choice.weights)
    return module


def chosen(choice: Choice, spec: ImageSpec) -> dict[str, Any]:
    """The settings actually used where params.yaml says `auto`, as MLflow parameters."""
    return {
        "chosen.arch": choice.arch,
        "chosen.pretrained": choice.weights is not None,
        "chosen.image_size": spec.size,
        "chosen.channels": spec.channels,
    }


def mlflow_logger(config: Config, uri: str) -> Any:
    """Lightning's MLflow logger on the project's store, with every parameter of params.yaml."""
    from lightning.pytorch.loggers import MLFlowLogger

    logger = MLFlowLogger(
        experiment_name=config.mlflow.experiment,
        run_name="train",
        tracking_uri=tracking.store_uri(uri),
        log_model=False,
    )
    logger.log_hyperparams(flatten(read_params(PARAMS_PATH)))  # rank 0 only, like all logging
    return logger


def build_trainer(config: Config, logger: Any, checkpoints: Path) -> tuple[Any, Any, Any]:
    """The Trainer on `train.accelerator`/`devices`/`strategy`, keeping the best checkpoint."""
    import lightning as L
    from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint
    from lightning.pytorch.utilities import rank_zero_only

    from .schedule import EarlyStoppingAfterWarmup

    settings = config.train
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
    return trainer, checkpoint, stopper


def tune_for_hardware(
    config: Config, trainer: Any, module: Any, train_images: int, image_size: int
) -> None:
    """BatchNorm's momentum for the number of steps per epoch; CPU threads per process."""
    import torch

    from .networks import batch_norm_momentum, set_batch_norm_momentum

    settings = config.train
    steps_per_epoch = math.ceil(train_images / (settings.batch_size * trainer.num_devices))
    set_batch_norm_momentum(module.net, batch_norm_momentum(steps_per_epoch))
    torch.set_num_threads(settings.num_threads or default_threads(image_size, trainer.num_devices))


def fit(config: Config, trainer: Any, module: Any, splits: dict[str, Any]) -> float:
    """Fit on the training split, validating each epoch; return the wall time in seconds."""
    from torch.utils.data import DataLoader

    settings = config.train
    loader_options = {
        "batch_size": settings.batch_size,
        "num_workers": settings.num_workers,
        "persistent_workers": settings.num_workers > 0,
    }
    started = time.perf_counter()  # the model card's compute: wall time of fitting
    trainer.fit(
        module,
        DataLoader(splits["train"], shuffle=True, **loader_options),
        DataLoader(splits["val"], shuffle=False, **loader_options),
    )
    return round(time.perf_counter() - started, 2)


def best_network(module: Any, checkpoint: Any) -> Any:
    """The network of the best checkpoint, on the CPU, ready to evaluate and export."""
    from .module import ImageClassifier

    if checkpoint.best_model_path:
        module = ImageClassifier.load_from_checkpoint(
            checkpoint.best_model_path, map_location="cpu"
        )
    # BatchNorm's running statistics are the ones the validation curve was measured with
    # (networks.batch_norm_momentum), so the saved model scores what the curve says.
    return module.net.cpu().eval()


def describe_model(
    config: Config,
    choice: Choice,
    classes: list[str],
    spec: ImageSpec,
    network: Any,
    trainer: Any,
    checkpoint: Any,
    stopping: Any,
    splits: dict[str, Any],
    train_seconds: float,
) -> dict[str, Any]:
    """models/model.json: what the API rebuilds the network from, and how training went."""
    settings = config.train
    return {
        "arch": choice.arch,
        "widths": list(settings.model.widths) if choice.arch == "small-cnn" else [],
        "pretrained": choice.weights is not None,
        "weights_url": tracking.public_uri(choice.weights_url),
        "dropout": settings.model.dropout,
        "classes": classes,
        "preprocessing": spec.to_dict(),
        "parameters": sum(p.numel() for p in network.parameters()),
        "epochs_trained": trainer.current_epoch,
        "stopping": stopping.to_dict(),
        "best_epoch_score": {settings.checkpoint.monitor: _number(checkpoint.best_model_score)},
        "val_accuracy": accuracy(network, splits["val"], settings.batch_size),
        "train_images": len(splits["train"]),
        "val_images": len(splits["val"]),
        "train_seconds": train_seconds,
        "device": trainer.strategy.root_device.type,
        "devices": trainer.num_devices,
    }


def save_model(
    config: Config,
    run_id: str,
    uri: str,
    network: Any,
    spec: ImageSpec,
    splits: dict[str, Any],
    meta: dict[str, Any],
    model_dir: Path,
) -> tracking.RunRecord:
    """Weights, model.json, the checked ONNX export, the MLflow model and the example image."""
    import torch

    # The model files change only once the run is logged: a failure keeps the previous model.
    with replaced_on_success(model_dir) as staged:
        torch.save(network.state_dict(), staged / WEIGHTS_FILE)
        (staged / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        export_model(network, spec, splits["test"].paths, staged)
        classes = len(meta["classes"])
        record = log_model(config, run_id, uri, network, spec, classes, meta, staged)
        tracking.save_run_record(record, staged / RUN_FILE)
        save_example_image(staged)
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


def main() -> None:
    train(load_config())


if __name__ == "__main__":
    run_stage(main)
