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

from .classifier.classification import confusion_matrix_figure
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
from .core import tracking
from .core.errors import DataError, ModelNotFoundError
from .core.stage import run_stage, write_atomically
from .data import read_splits
from .figures import best_epoch, plot_curves, plot_grid
from .images import open_image, prepare
from .metrics import classification_metrics
from .predict import load_predictor
from .reporting import evaluation
from .reporting.evidence import EVALUATION_JSON

FIGURES = {
    "confusion_matrix": "confusion_matrix.png",
    "learning_curves": "learning_curves.png",
    "samples": "sample_predictions.png",
    "mistakes": "worst_mistakes.png",
}
FIGURES_PATHS = {key: FIGURES_DIR / name for key, name in FIGURES.items()}
CURVES = ("train_loss", "val_loss", "train_acc", "val_acc")


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
    predictor = load_predictor(model_dir, runtime="native")  # the model as trained
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
    spec = predictor.spec
    shown = [prepare(im, size=spec.size, channels=spec.channels, fit=spec.fit) for im in images]
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    confusion_matrix_figure(
        y_true,
        y_pred,
        range(len(predictor.classes)),
        FIGURES_DIR / FIGURES["confusion_matrix"],
        title="Confusion matrix (test set)",
        names=predictor.classes,
    )
    saved = {"test, saved model (the table)": metrics["accuracy"]}
    if predictor.meta.get("val_accuracy") is not None:
        saved = {"validation, saved model": predictor.meta["val_accuracy"]} | saved
    epoch = best_epoch(history, predictor.meta.get("best_epoch_score") or {})
    plot_curves(history, FIGURES_DIR / FIGURES["learning_curves"], saved=saved, epoch=epoch)
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
    mistakes = evaluation.Mistakes(shown=len(worst), total=len(wrong), images=len(rows))
    plot_grid(
        shown,
        worst,
        y_true,
        probabilities,
        predictor,
        mistakes.title(),
        FIGURES_DIR / FIGURES["mistakes"],
    )
    evaluation.write(
        y_true=y_true,
        y_pred=y_pred,
        classes=predictor.classes,
        metrics=metrics,
        baselines=baselines(predictor, shown, y_true, config.seed),
        figures=evaluation.captions(FIGURES_PATHS, metrics, history, saved, mistakes),
        seed=config.seed,
    )

    # Flat numbers in metrics.json keep `dvc metrics show` readable; per class in a file of its own.
    flat = {key: value for key, value in metrics.items() if key != "per_class"}
    write_atomically(METRICS_JSON, json.dumps(flat, indent=2) + "\n")
    write_atomically(PER_CLASS_JSON, json.dumps(metrics["per_class"], indent=2) + "\n")
    # val_accuracy and epochs_trained come from training: already in the run.
    tested = {key: value for key, value in flat.items() if key not in TRAINING_NUMBERS}
    tracking.log_to_training_run(
        record,
        tested,
        [
            (METRICS_JSON, None),
            (PER_CLASS_JSON, None),
            (EVALUATION_JSON, None),
            (FIGURES_DIR, "figures"),
        ],
    )
    return metrics


def pixels(images: list[Any]) -> np.ndarray:
    """Images as rows of pixel values scaled to 0-1, for the linear baseline."""
    return np.stack([np.asarray(image, dtype=np.float32).ravel() / 255.0 for image in images])


def baselines(
    predictor: Any, shown: list[Any], y_true: np.ndarray, seed: int
) -> list[evaluation.Answered]:
    """The majority class and a linear model on the pixels, answering the same test images."""
    spec = predictor.spec
    train = [row for row in read_splits() if row["split"] == "train"]
    known = {label: index for index, label in enumerate(predictor.classes)}
    train = [row for row in train if row["label"] in known]
    y_train = np.array([known[row["label"]] for row in train])
    x_train = pixels(
        [
            prepare(
                open_image(IMAGES_DIR / row["path"]),
                size=spec.size,
                channels=spec.channels,
                fit=spec.fit,
            )
            for row in train
        ]
    )
    classes = predictor.classes
    return [
        evaluation.majority_baseline(y_train, y_true, classes),
        evaluation.linear_baseline(x_train, y_train, pixels(shown), y_true, classes, seed),
    ]


def main() -> None:
    metrics = evaluate(load_config())
    print(
        f"evaluate: accuracy {metrics['accuracy']:.4f}, macro F1 {metrics['macro_f1']:.4f} on "
        f"{metrics['test_images']} test images -> {METRICS_JSON}, {FIGURES_DIR}/"
    )


if __name__ == "__main__":
    run_stage(main)
