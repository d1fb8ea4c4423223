"""Stage `report`: write the results of the run into README.md and MODEL_CARD.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import (
    DATASET_JSON,
    FIGURES_DIR,
    META_FILE,
    METRICS_JSON,
    MODEL_DIR,
    PER_CLASS_JSON,
    RUN_FILE,
)
from .errors import ProjectError
from .evaluate import FIGURES
from .report_blocks import image, markdown_table, provenance, replace_block
from .stage import run_stage
from .tracking import load_run_record

DOCUMENTS = (Path("README.md"), Path("MODEL_CARD.md"))
HEADLINE = (
    ("accuracy", "share of test images classified correctly"),
    ("macro_precision", "precision averaged over classes (each class counts the same)"),
    ("macro_recall", "recall averaged over classes"),
    ("macro_f1", "F1 averaged over classes"),
    ("val_accuracy", "accuracy on the validation images that chose the best epoch"),
)


def _read_json(path: Path, stage: str) -> dict[str, Any]:
    if not path.is_file():
        raise ProjectError(f"{path} not found: run the {stage} stage first (`dvc repro`)")
    return json.loads(path.read_text(encoding="utf-8"))


def results_markdown(
    metrics: dict[str, Any],
    per_class: dict[str, dict[str, Any]],
    meta: dict[str, Any],
    dataset: dict[str, Any],
    run_id: str | None,
    uri: str | None,
) -> str:
    """The results block: headline metrics, per-class table, figures, provenance."""
    spec = meta["preprocessing"]
    colour = "grayscale" if spec["channels"] == 1 else "RGB"
    splits = dataset.get("splits", {})
    summary = (
        f"**{metrics['accuracy']:.4f} accuracy** on {metrics['test_images']} held-out test images "
        f"of {metrics['num_classes']} classes (data: `{dataset.get('source', '?')}`, "
        f"{splits.get('train', '?')} training / {splits.get('val', '?')} validation images, "
        f"{spec['size']}x{spec['size']} {colour}). Model: `{meta['arch']}`, "
        f"{meta['parameters']:,} parameters, {meta['epochs_trained']} epochs."
    )
    headline = markdown_table(
        ["metric", "value", "meaning"],
        [(key, metrics[key], meaning) for key, meaning in HEADLINE if metrics.get(key) is not None],
    )
    per_class_table = markdown_table(
        ["class", "precision", "recall", "F1", "support"],
        [
            (name, row["precision"], row["recall"], row["f1"], row["support"])
            for name, row in per_class.items()
        ],
    )
    figure = {key: FIGURES_DIR / name for key, name in FIGURES.items()}
    return "\n\n".join(
        [
            summary,
            headline,
            "<details><summary>Per-class precision, recall and F1</summary>\n\n"
            f"{per_class_table}\n\n</details>",
            "| confusion matrix | learning curves |\n|---|---|\n"
            f"| {image(figure['confusion_matrix'], 'Confusion matrix', 380)} "
            f"| {image(figure['learning_curves'], 'Loss and accuracy per epoch', 480)} |",
            image(figure["samples"], "Sample test predictions"),
            image(figure["mistakes"], "The most confident mistakes on the test set"),
            provenance(run_id, uri),
        ]
    )


def write_report() -> str:
    """Fill the results block of README.md and MODEL_CARD.md; return the block."""
    metrics = _read_json(METRICS_JSON, "evaluate")
    per_class = _read_json(PER_CLASS_JSON, "evaluate")
    meta = _read_json(MODEL_DIR / META_FILE, "train")
    dataset = json.loads(DATASET_JSON.read_text(encoding="utf-8")) if DATASET_JSON.is_file() else {}
    record = load_run_record(MODEL_DIR / RUN_FILE)
    block = results_markdown(
        metrics,
        per_class,
        meta,
        dataset,
        record.run_id if record else None,
        record.tracking_uri if record else None,
    )
    for document in DOCUMENTS:
        replace_block(document, block)
    return block


def main() -> None:
    write_report()
    print(f"report: results written into {', '.join(map(str, DOCUMENTS))}")


if __name__ == "__main__":
    run_stage(main)
