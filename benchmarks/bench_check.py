"""Time `mlport check` on a freshly generated project, its secrets check and data names row alone.

Usage: python benchmarks/bench_check.py [--runs 9] [--template NAME]
Prints the machine, the median wall time of `mlport check` (each a fresh process), the
median time of the secrets check inside one process, and of the data names row in a fresh
process (it renders the template's defaults with Cookiecutter once per process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkout_env import checkout_env
from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed_check(project: Path, env: dict[str, str]) -> float:
    """Run `python -m mlport check` from this checkout; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mlport", "check", str(project)],
        env=env,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start


def timed_secrets(project: Path) -> float:
    """One run of the secrets check in this process, on a fresh view of the project."""
    from mlport.audit.checks import check_secrets
    from mlport.audit.facts import Project

    start = time.perf_counter()
    check_secrets(Project(project), False)
    return time.perf_counter() - start


# The data names row alone, timed inside a fresh process: its first call pays for Cookiecutter.
DATA_NAMES_ROW = """
import sys, time
from pathlib import Path
from mlport.audit.checks import check_data_names
from mlport.audit.facts import Project
start = time.perf_counter()
check_data_names(Project(Path(sys.argv[1])), False)
print(time.perf_counter() - start)
"""


def timed_data_names(project: Path, env: dict[str, str]) -> float:
    """The data names row's first run in a fresh process, in seconds."""
    done = subprocess.run(
        [sys.executable, "-c", DATA_NAMES_ROW, str(project)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--template", default="tabular-classifier")
    args = parser.parse_args()
    env = checkout_env(ROOT, NO_COLOR="1")
    os.environ.update(env)
    scratch = Path(tempfile.mkdtemp(prefix="bench-check-"))
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mlport",
                "new",
                args.template,
                "--no-input",
                "-o",
                str(scratch),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        project = next(scratch.iterdir())
        timed_secrets(project)  # imports and caches warm, as in the CLI after its first file
        whole = [timed_check(project, env) for _ in range(args.runs)]
        secrets = [timed_secrets(project) for _ in range(args.runs)]
        data_names = [timed_data_names(project, env) for _ in range(args.runs)]
        listed = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True)
        files = len(listed.stdout.splitlines())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"machine: {describe()}")
    print(f"{args.template} ({files} files in git), median of {args.runs} runs, seconds\n")
    for name, values in (
        ("mlport check (process)", whole),
        ("secrets check (in process)", secrets),
        ("data names row (new process)", data_names),
    ):
        print(f"{name:<30}{statistics.median(values):>8.3f}  (min {min(values):.3f})")


if __name__ == "__main__":
    main()
