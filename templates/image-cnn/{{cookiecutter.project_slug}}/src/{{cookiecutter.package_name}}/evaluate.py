"""Stage `evaluate`: score the saved model on the held-out test images, the way the API loads it.

Output: reports/metrics.json (flat numbers for `dvc metrics show`), reports/per_class.json
(precision, recall, F1 and support of each class) and reports/figures/*.png; all are added to the
training's MLflow run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from . import tracking
from .config import (
    FIGURES_DIR,
    IMAGES_DIR,
    METRICS_JSON,
    MODEL_DIR,
    PER_CLASS_JSON,
    RUN_FILE,
    Config,
    load_config,
)
from .data import read_splits
from .errors import DataError, ModelNotFoundError
from .images import open_image, prepare
from .predict import Predictor, load_predictor
from .stage import run_stage

FIGURES = {
    "confusion_matrix": "confusion_matrix.png",
    "learning_curves": "learning_curves.png",
    "samples": "sample_predictions.png",
    "mistakes": "worst_mistakes.png",
}
CURVES = ("train_loss", "val_loss", "train_acc", "val_acc")
# Inches; a grid of one or two images is no narrower, so its title is never cut.
MIN_GRID_WIDTH = 4.5


def classification_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, classes: list[str]
) -> dict[str, Any]:
    """Accuracy, macro averages and per-class precision, recall, F1 and support."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = list(range(len(classes)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 6),
        "macro_precision": round(float(precision.mean()), 6),
        "macro_recall": round(float(recall.mean()), 6),
        "macro_f1": round(float(f1.mean()), 6),
        "test_images": len(y_true),
        "num_classes": len(classes),
        "per_class": {
            name: {
                "precision": round(float(precision[i]), 6),
                "recall": round(float(recall[i]), 6),
                "f1": round(float(f1[i]), 6),
                "support": int(support[i]),
            }
            for i, name in enumerate(classes)
        },
    }


TRAINING_NUMBERS = ("val_accuracy", "epochs_trained")


def metric_history(run_id: str | None) -> dict[str, list[float]]:
    """The per-epoch curves Lightning logged to the run, in epoch order."""
    if not run_id:
        return {}
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    history = {}
    for key in CURVES:
        points = sorted(client.get_metric_history(run_id, key), key=lambda m: (m.step, m.timestamp))
        history[key] = [point.value for point in points]
    return history


def evaluate(config: Config, model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """Write reports/metrics.json, per_class.json and the figures; log them to the run."""
    predictor = load_predictor(model_dir)
    record = tracking.load_run_record(model_dir / RUN_FILE)
    if record is None:
        raise ModelNotFoundError(f"{model_dir / RUN_FILE} not found: run the train stage first")
    tracking.connect()  # the store every stage uses, reached (or refused) before any work
    rows = [row for row in read_splits() if row["split"] == "test"]
    unknown = sorted({row["label"] for row in rows} - set(predictor.classes))
    if unknown:
        raise DataError(
            f"test classes {unknown} are unknown to the model: the data changed since training; "
            "run `dvc repro`"
        )
    images = [open_image(IMAGES_DIR / row["path"]) for row in rows]
    probabilities = predictor.predict_proba(images, batch_size=config.evaluate.batch_size)
    y_true = np.array([predictor.classes.index(row["label"]) for row in rows])
    y_pred = probabilities.argmax(axis=1)
    metrics = classification_metrics(y_true, y_pred, predictor.classes)
    metrics["val_accuracy"] = predictor.meta.get("val_accuracy")
    metrics["epochs_trained"] = predictor.meta.get("epochs_trained")

    history = metric_history(record.run_id)
    shown = [
        prepare(
            im, size=predictor.spec.size, channels=predictor.spec.channels, fit=predictor.spec.fit
        )
        for im in images
    ]
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    plot_confusion(y_true, y_pred, predictor.classes, FIGURES_DIR / FIGURES["confusion_matrix"])
    plot_curves(history, FIGURES_DIR / FIGURES["learning_curves"])
    rng = np.random.default_rng(config.seed)
    sample = rng.choice(len(rows), size=min(config.evaluate.grid_size, len(rows)), replace=False)
    plot_grid(
        shown,
        sample,
        y_true,
        probabilities,
        predictor,
        "Sample test predictions",
        FIGURES_DIR / FIGURES["samples"],
    )
    wrong = np.flatnonzero(y_pred != y_true)
    worst = wrong[np.argsort(-probabilities[wrong, y_pred[wrong]], kind="stable")][
        : config.evaluate.grid_size
    ]
    plot_grid(
        shown,
        worst,
        y_true,
        probabilities,
        predictor,
        "Most confident mistakes",
        FIGURES_DIR / FIGURES["mistakes"],
    )

    # Flat numbers in metrics.json keep `dvc metrics show` readable; per class in a file of its own.
    flat = {key: value for key, value in metrics.items() if key != "per_class"}
    METRICS_JSON.parent.mkdir(parents=True, exist_ok=True)
    METRICS_JSON.write_text(json.dumps(flat, indent=2) + "\n", encoding="utf-8")
    PER_CLASS_JSON.write_text(json.dumps(metrics["per_class"], indent=2) + "\n", encoding="utf-8")
    # val_accuracy and epochs_trained come from training: already in the run.
    tested = {key: value for key, value in flat.items() if key not in TRAINING_NUMBERS}
    tracking.log_to_training_run(
        record, tested, [(METRICS_JSON, None), (PER_CLASS_JSON, None), (FIGURES_DIR, "figures")]
    )
    return metrics


# --- figures -------------------------------------------------------------------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(y_true: np.ndarray, y_pred: np.ndarray, classes: list[str], path: Path) -> None:
    """Counts of true class (rows) against predicted class (columns)."""
    from sklearn.metrics import confusion_matrix

    plt = _pyplot()
    matrix = confusion_matrix(y_true, y_pred, labels=list(range(len(classes))))
    side = max(4.0, 0.45 * len(classes) + 2)
    fig, ax = plt.subplots(figsize=(side + 1, side))
    shown = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(shown, ax=ax, fraction=0.046)
    ax.set_xticks(range(len(classes)), classes, rotation=45 if len(classes) > 10 else 0, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    if len(classes) <= 20:
        for (i, j), count in np.ndenumerate(matrix):
            color = "white" if count > matrix.max() / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", color=color, fontsize=8)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (test set)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_curves(history: dict[str, list[float]], path: Path) -> None:
    """Loss and accuracy per epoch, training against validation, from the MLflow run."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, kind in zip(axes, ("loss", "acc"), strict=True):
        for split in ("train", "val"):
            values = history.get(f"{split}_{kind}", [])
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(
                    epochs,
                    values,
                    marker="o",
                    markersize=3,
                    label="training" if split == "train" else "validation",
                )
        ax.set(xlabel="epoch", ylabel="accuracy" if kind == "acc" else "cross-entropy loss")
        ax.set_title("Accuracy" if kind == "acc" else "Loss")
        ax.grid(alpha=0.3)
        if ax.has_data():
            ax.legend()
        else:
            ax.text(0.5, 0.5, "no history logged", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_grid(
    images: list[Any],
    chosen: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    predictor: Predictor,
    title: str,
    path: Path,
) -> None:
    """Images titled `predicted (probability)`, green when right, red with the truth when wrong."""
    plt = _pyplot()
    columns = 8 if len(chosen) > 8 else max(len(chosen), 1)
    lines = max(1, -(-len(chosen) // columns))
    width = max(1.5 * columns, MIN_GRID_WIDTH)
    fig, axes = plt.subplots(lines, columns, figsize=(width, 1.75 * lines + 0.5), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, chosen, strict=False):
        predicted = int(probabilities[index].argmax())
        right = predicted == y_true[index]
        image = np.asarray(images[index])
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
        label = f"{predictor.classes[predicted]} ({probabilities[index, predicted]:.2f})"
        if not right:
            label += f"\ntrue: {predictor.classes[y_true[index]]}"
        ax.set_title(label, fontsize=8, color="green" if right else "red")
    if len(chosen) == 0:
        axes[0, 0].text(0.5, 0.5, "no mistakes on the test set", ha="center", va="center")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    metrics = evaluate(load_config())
    print(
        f"evaluate: accuracy {metrics['accuracy']:.4f}, macro F1 {metrics['macro_f1']:.4f} on "
        f"{metrics['test_images']} test images -> {METRICS_JSON}, {FIGURES_DIR}/"
    )


if __name__ == "__main__":
    run_stage(main)
