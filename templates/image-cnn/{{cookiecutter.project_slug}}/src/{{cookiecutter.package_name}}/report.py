"""Stage `report`: write the results of the run into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import (
    DATASET_JSON,
    META_FILE,
    METRICS_JSON,
    MODEL_DIR,
    PER_CLASS_JSON,
    RUN_FILE,
    Config,
    load_config,
)
from .core.errors import ProjectError
from .core.stage import run_stage
from .core.tracking import load_run_record
from .reporting.markdown import literal
from .reporting.page import Identity, Page, write_documents
from .reporting.report_blocks import markdown_table, provenance

COUNTS = ("test_images", "num_classes", "epochs_trained")  # in metrics.json, not scores
CAPTIONS = {
    "confusion_matrix": "Confusion matrix on the held-out images",
    "learning_curves": "Loss and accuracy per epoch",
    "samples": "Sample test predictions",
    "mistakes": "The most confident mistakes on the test set",
}


def _read_json(path: Path, stage: str) -> dict[str, Any]:
    if not path.is_file():
        raise ProjectError(f"{path} not found: run the {stage} stage first (`dvc repro`)")
    return json.loads(path.read_text(encoding="utf-8"))


def data_facts(dataset: dict[str, Any]) -> list[str]:
    """What the images used hold, from data/dataset.json (written by the data stage)."""
    splits = dataset.get("splits", {})
    per_class = dataset.get("per_class", {})
    colour = "grayscale" if dataset.get("channels") == 1 else "RGB"
    classes = ", ".join(f"{literal(name)} ({count})" for name, count in per_class.items())
    size = dataset.get("image_size")
    typical = dataset.get("typical_size")
    kind = dataset.get("kind", "") + (
        f" (typically {typical[0]}x{typical[1]} px)" if typical else ""
    )
    return [
        f"The images used ({literal(dataset.get('source', '?'))}): {dataset.get('images', '?')} in "
        f"{len(per_class)} classes: {classes}.",
        (f"They are {kind}. " if dataset.get("kind") else "")
        + f"Each is fed to the network as {size}x{size} {colour}. Every class is split with a "
        f"fixed seed into {splits.get('train', '?')} "
        f"training, {splits.get('val', '?')} validation (early stopping, best epoch) and "
        f"{splits.get('test', '?')} test images, used once, for the numbers above.",
    ]


def describe_network(meta: dict[str, Any]) -> str:
    """The network actually trained, from models/model.json: what it is and where it started."""
    widths = ", ".join(str(width) for width in meta.get("widths", []))
    pretrained = f"fine-tuned from ImageNet weights ({meta.get('weights_url')})"
    start = pretrained if meta.get("pretrained") else "trained from scratch"
    return (
        literal(meta["arch"])
        + (f" (widths {widths})" if widths and meta["arch"] == "small-cnn" else "")
        + f", {start}, {meta['parameters']:,} parameters, dropout {meta.get('dropout')}, best of "
        f"{meta['epochs_trained']} epochs"
    )


def per_class_table(per_class: dict[str, dict[str, Any]]) -> str:
    """Precision, recall and F1 of every class, collapsed."""
    table = markdown_table(
        ["class", "precision", "recall", "F1", "support"],
        [
            (literal(name), row["precision"], row["recall"], row["f1"], row["support"])
            for name, row in per_class.items()
        ],
    )
    return (
        f"<details><summary>Per-class precision, recall and F1</summary>\n\n{table}\n\n</details>"
    )


def build_page(config: Config) -> tuple[Page, Identity]:
    """Everything the README and model card show, from the files the earlier stages wrote."""
    metrics = _read_json(METRICS_JSON, "evaluate")
    per_class = _read_json(PER_CLASS_JSON, "evaluate")
    meta = _read_json(MODEL_DIR / META_FILE, "train")
    dataset = _read_json(DATASET_JSON, "data")
    run = load_run_record(MODEL_DIR / RUN_FILE)
    seconds = meta.get("train_seconds")
    devices = meta.get("devices", 1)
    compute = (
        f"{meta.get('device', 'cpu').upper()} ({devices} device{'s' if devices > 1 else ''}), "
        f"{seconds:.1f} s of fitting"
        if seconds is not None
        else "wall time and device not recorded by this run"
    )
    page = Page(
        metrics={key: value for key, value in metrics.items() if key not in COUNTS},
        about=config.data.about,
        data_facts=data_facts(dataset),
        model=describe_network(meta),
        provenance=provenance(run.run_id if run else None, run.tracking_uri if run else None),
        compute=compute,
        details=[per_class_table(per_class)],
    )
    identity = Identity.of(
        config.mlflow, "image-classification", config.data.source, run.run_id if run else None
    )
    return page, identity


def write_report() -> str:
    """Fill the results blocks of README.md and MODEL_CARD.md; return the README's block."""
    return write_documents(*build_page(load_config()))


def main() -> None:
    """`python -m ...report`: write the results into README.md and MODEL_CARD.md."""
    write_report()


if __name__ == "__main__":
    run_stage(main)
