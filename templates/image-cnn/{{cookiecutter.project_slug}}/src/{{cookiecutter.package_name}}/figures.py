"""The evaluation figures besides the confusion matrix: learning curves and image grids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .reporting.plotting import save_figure

if TYPE_CHECKING:
    from .predict import Predictor

# Inches; a grid of one or two images is no narrower, so its title is never cut.
MIN_GRID_WIDTH = 6.0
GRID_COLUMNS = 4  # wide cells: class names stay readable under each image
CELL_INCHES = 2.2


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def best_epoch(history: dict[str, list[float]], score: dict[str, float | None]) -> int | None:
    """The 1-based epoch whose logged monitor value is the checkpoint's best score."""
    for key, value in score.items():
        values = history.get(key) or []
        if value is not None and values:
            return int(np.argmin(np.abs(np.asarray(values) - value))) + 1
    return None


def plot_curves(
    history: dict[str, list[float]],
    path: Path,
    *,
    saved: dict[str, float] | None = None,
    epoch: int | None = None,
) -> None:
    """Loss and accuracy per epoch from the MLflow run; `saved` marks the saved model's accuracy.

    `saved` maps a name (e.g. "validation, saved model") to the accuracy the tables report, drawn
    at `epoch`, the kept epoch, so a gap between the curve and the tables shows.
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    for ax, kind in zip(axes, ("loss", "acc"), strict=True):
        for split in ("train", "val"):
            values = history.get(f"{split}_{kind}", [])
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(
                    epochs,
                    values,
                    marker="o",
                    markersize=4,
                    label="training (logged)" if split == "train" else "validation (logged)",
                )
        ax.set(xlabel="epoch", ylabel="accuracy" if kind == "acc" else "cross-entropy loss")
        ax.set_title("Accuracy" if kind == "acc" else "Loss")
        ax.grid(alpha=0.3)
    accuracy = axes[1]
    where = epoch or len(history.get("val_acc") or [1])
    # Side by side at the kept epoch, so neither marker hides the other.
    for offset, (name, value), marker in zip(
        (0, 0.4), (saved or {}).items(), ("*", "D"), strict=False
    ):
        accuracy.plot(
            [where + offset],
            [value],
            marker=marker,
            markersize=12,
            linestyle="none",
            label=f"{name}: {value:.4f}",
        )
    for ax in axes:
        if ax.has_data():
            ax.legend(loc="best")
        else:
            ax.text(0.5, 0.5, "no history logged", ha="center", va="center", transform=ax.transAxes)
    save_figure(fig, path)
    plt.close(fig)


def cell_label(classes: list[str], true: int, predicted: int, probability: float) -> str:
    """A grid cell's title: `predicted (probability)`, and the true class first when wrong."""
    guess = f"{classes[predicted]} ({probability:.2f})"
    if predicted == true:
        return guess
    return f"true: {classes[true]}\npredicted: {guess}"


def plot_grid(
    images: list[Any],
    chosen: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    predictor: Predictor,
    title: str,
    path: Path,
) -> None:
    """Images titled by `cell_label`, green when right, red when wrong.

    Pixels are shown as blocks (nearest neighbour), never blurred.
    """
    plt = _pyplot()
    columns = min(GRID_COLUMNS, max(len(chosen), 1))
    lines = max(1, -(-len(chosen) // columns))
    width = max(CELL_INCHES * columns, MIN_GRID_WIDTH)
    fig, axes = plt.subplots(
        lines, columns, figsize=(width, (CELL_INCHES + 0.5) * lines + 0.6), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, chosen, strict=False):
        predicted = int(probabilities[index].argmax())
        right = predicted == y_true[index]
        image = np.asarray(images[index])
        ax.imshow(
            image,
            cmap="gray" if image.ndim == 2 else None,
            vmin=0,
            vmax=255,
            interpolation="nearest",
        )
        label = cell_label(
            predictor.classes, int(y_true[index]), predicted, probabilities[index, predicted]
        )
        ax.set_title(label, color="green" if right else "red")
    if len(chosen) == 0:
        axes[0, 0].text(0.5, 0.5, "no mistakes on the test set", ha="center", va="center")
    fig.suptitle(title)
    save_figure(fig, path)
    plt.close(fig)
