"""image-cnn on a learner's own folder: `dvc repro` wall time and held-out accuracy, defaults only.

Usage: python benchmarks/bench_own_data.py [--runs 3] [--per-class 150] [--set key=value ...]
Writes the realistic digit folder of tests/slow/own_images.py (28x28 grayscale scans), points a
fresh image-cnn project's `data.source: folder` at it, runs `dvc repro` `--runs` times (each in a
fresh copy, so every run trains) and prints each run, then the medians. The target is held-out
accuracy >= 0.95 and `dvc repro` under 90 s on 2 CPU cores; the load average is printed beside each
run, since a shared machine slows it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, generate  # noqa: E402
from tests.slow.own_images import write_digit_folder  # noqa: E402

STOPPED = re.compile(r"^train: ((?:stopped|ran) .*)$", re.MULTILINE)


def one_run(template: Project, folder: Path, workdir: Path, index: int, sets: list[str]) -> dict:
    project = template.copy_to(workdir / f"run{index}")
    project.set_params(data={"source": "folder", "folder": str(folder)})
    for assignment in sets:
        _set_param(project, assignment)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = project.dvc("repro", timeout=3600)
    seconds = time.perf_counter() - started
    stopped = STOPPED.search(result.stdout)
    return {
        "seconds": seconds,
        "accuracy": project.metrics()["accuracy"],
        "load": (load_before + os.getloadavg()[0]) / 2,
        "stopping": stopped.group(1) if stopped else "(no stopping line in the output)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-class", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--set", action="append", default=[], help="key=value in params.yaml, e.g. train.epochs=5"
    )
    args = parser.parse_args()

    print(f"machine: {describe()}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-own-data-"))
    folder = workdir / "digits"
    counts = write_digit_folder(folder, args.per_class, args.seed)
    print(f"data: {sum(counts.values())} PNGs (28x28 grayscale, {len(counts)} classes) in {folder}")
    template = generate("image-cnn", workdir / "template")
    runs = []
    for index in range(args.runs):
        run = one_run(template, folder, workdir, index, args.set)
        runs.append(run)
        print(
            f"run {index + 1}: dvc repro {run['seconds']:.1f} s, held-out accuracy "
            f"{run['accuracy']:.4f}, load average {run['load']:.1f}; {run['stopping']}",
            flush=True,
        )
    seconds = statistics.median(run["seconds"] for run in runs)
    accuracy = statistics.median(run["accuracy"] for run in runs)
    print(
        f"median of {len(runs)}: dvc repro {seconds:.1f} s (target < 90 s on 2 cores), held-out "
        f"accuracy {accuracy:.4f} (target >= 0.95)"
    )
    print(json.dumps({"runs": runs, "median_seconds": seconds, "median_accuracy": accuracy}))


def _set_param(project: Project, assignment: str) -> None:
    dotted, _, raw = assignment.partition("=")
    section, *rest = dotted.split(".")
    import yaml

    value = yaml.safe_load(raw)
    for key in reversed(rest[1:]):
        value = {key: value}
    project.set_params(**{section: {rest[0]: value}})


if __name__ == "__main__":
    main()
