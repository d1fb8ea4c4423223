"""The evaluation figures besides the confusion matrix: learning curves and image grids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .predict import Predictor

# Inches; a grid of one or two images is no narrower, so its title is never cut.
MIN_GRID_WIDTH = 4.5


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


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
