"""What one training epoch of image-cnn costs on colour photographs, per network and image size.

Usage: python benchmarks/bench_photo_epochs.py FOLDER [--epochs 3]
FOLDER holds one sub-folder of photos per class (e.g. PyTorch's ants-and-bees photos). For each
choice that the generated project's docs/own-data.md prices, a fresh image-cnn project points
`data.folder` at FOLDER and runs its data stage once, then its train stage twice: for 1 epoch and
for `--epochs` (early stopping off). The difference of their fitting times (models/model.json),
divided by the extra epochs, is one epoch without the start-up both runs share. ResNet-18 starts
from random weights here: ImageNet weights change where training starts, not what an epoch
costs. Prints the machine, the load average before and after each choice, seconds per epoch, the
ratio to the first choice and the parameters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, generate  # noqa: E402

SMALL = {"arch": "small-cnn", "pretrained": False}
CHOICES = {
    "small CNN, 16x16 grayscale": ({"image_size": 16, "channels": 1}, SMALL),
    "small CNN, 128x128 RGB": ({"image_size": 128, "channels": 3}, SMALL),
    "ResNet-18, 128x128 RGB": (
        {"image_size": 128, "channels": 3},
        {"arch": "resnet18", "pretrained": False},
    ),
}


def train_seconds(project: Project, epochs: int) -> float:
    """The train stage's own fitting time (models/model.json) for `epochs` epochs, early
    stopping off: without the imports and data loading of the process around it."""
    project.set_params(train={"epochs": epochs, "early_stopping": {"enabled": False}})
    project.python("-m", f"{project.package}.train", timeout=7200)
    return model_card(project)["train_seconds"]


def model_card(project: Project) -> dict:
    return json.loads((project.path / "models/model.json").read_text(encoding="utf-8"))


def one_choice(template: Project, folder: Path, workdir: Path, index: int, epochs: int) -> dict:
    name = list(CHOICES)[index]
    data, model = CHOICES[name]
    project = template.copy_to(workdir / f"choice{index}")
    project.set_params(data={"source": "folder", "folder": str(folder), **data})
    project.set_params(train={"model": model})
    project.python("-m", f"{project.package}.data", timeout=1800)
    load_before = os.getloadavg()[0]
    once = train_seconds(project, 1)
    more = train_seconds(project, epochs)
    meta = model_card(project)
    return {
        "name": name,
        "epoch_seconds": (more - once) / (epochs - 1),
        "parameters": meta["parameters"],
        "trained": meta["arch"],
        "train_images": meta["train_images"],
        "load": (load_before, os.getloadavg()[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: one epoch is subtracted as start-up")

    print(f"machine: {describe()}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-photo-epochs-"))
    template = generate("image-cnn", workdir / "template")
    results = []
    for index, name in enumerate(CHOICES):
        found = one_choice(template, args.folder.resolve(), workdir, index, args.epochs)
        results.append(found)
        first = results[0]["epoch_seconds"]
        print(
            f"{name}: {found['epoch_seconds']:.1f} s per epoch of {found['train_images']} training "
            f"images ({found['epoch_seconds'] / first:.1f}x the first), "
            f"{found['parameters']:,} parameters ({found['trained']}); load average "
            f"{found['load'][0]:.1f} -> {found['load'][1]:.1f}",
            flush=True,
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
