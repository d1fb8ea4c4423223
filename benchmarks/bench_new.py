"""Time `mlport new` against plain cookiecutter, with and without the git/DVC steps mlport adds.

Usage: python benchmarks/bench_new.py [--runs 7] [--template NAME ...]
Prints the machine, the median wall time of each way for each template, and the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from machine import describe

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
GIT_IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]


def run(*command: str, cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)


def mlport_new(template: str, out: Path, git: bool) -> None:
    run(
        str(BIN / "mlport"),
        "new",
        template,
        "--no-input",
        "-o",
        str(out),
        *([] if git else ["--no-git"]),
        cwd=out,
    )


def cookiecutter_only(template: str, out: Path) -> Path:
    run(
        str(BIN / "cookiecutter"),
        str(ROOT / "templates" / template),
        "--no-input",
        "-o",
        str(out),
        cwd=out,
    )
    return next(path for path in out.iterdir() if path.is_dir())


def cookiecutter_then_git_and_dvc(template: str, out: Path) -> None:
    project = cookiecutter_only(template, out)
    run("git", "init", "-q", "-b", "main", cwd=project)
    run(sys.executable, "-m", "dvc", "init", "-q", cwd=project)
    run("git", "add", "-A", cwd=project)
    run("git", *GIT_IDENTITY, "commit", "-q", "-m", "init", cwd=project)


def median_seconds(action: Callable[[Path], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="bench-new-"))
        try:
            start = time.perf_counter()
            action(out)
            times.append(time.perf_counter() - start)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--template", action="append")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from mlport.registry import available_templates

    templates = args.template or [template.name for template in available_templates()]
    print(f"machine: {describe()}")
    print(f"median of {args.runs} runs, seconds (each a fresh process, as a user types it)\n")
    header = (
        f"{'template':<20}{'mlport new':>12}{'cc+git+dvc':>12}{'ratio':>8}"
        f"{'--no-git':>11}{'cc only':>10}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for template in templates:
        full = median_seconds(lambda out, t=template: mlport_new(t, out, git=True), args.runs)
        baseline = median_seconds(
            lambda out, t=template: cookiecutter_then_git_and_dvc(t, out), args.runs
        )
        bare = median_seconds(lambda out, t=template: mlport_new(t, out, git=False), args.runs)
        plain = median_seconds(lambda out, t=template: cookiecutter_only(t, out), args.runs)
        print(
            f"{template:<20}{full:>12.3f}{baseline:>12.3f}{full / baseline:>8.2f}"
            f"{bare:>11.3f}{plain:>10.3f}{bare / plain:>8.2f}"
        )


if __name__ == "__main__":
    main()
