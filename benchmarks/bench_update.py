"""Time `mlport update` as a learner types it: --check when up to date, --check with a template
change waiting, and the update that merges it; and `mlport new`, which now also makes the
template branch and a second commit.

Usage: python benchmarks/bench_update.py [--runs 7] [--template NAME]
Prints the machine and the median wall time of each command (each a fresh process).
"""

from __future__ import annotations

import argparse
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
LEARNER = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]


def mlport(*args: str, cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    """Run `python -m mlport ARGS` from this checkout; its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mlport", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    assert done.returncode in ok, f"mlport {' '.join(args)}: {done.returncode} {done.stderr}"
    return seconds


def one_round(template: str, scratch: Path, env: dict[str, str]) -> dict[str, float]:
    templates = scratch / "templates"
    shutil.copytree(ROOT / "templates" / template, templates / template)
    env = {**env, "MLPORT_TEMPLATES_DIR": str(templates)}
    times = {
        "mlport new": mlport(
            "new", template, "--no-input", "-o", str(scratch), cwd=scratch, env=env
        )
    }
    project = next(path for path in scratch.iterdir() if path.name != "templates")
    times["update --check (up to date)"] = mlport("update", "--check", cwd=project, env=env)
    makefile = templates / template / "{{cookiecutter.project_slug}}" / "Makefile"
    makefile.write_text(makefile.read_text() + "\n# a template improvement\n")
    times["update --check (update waits)"] = mlport(
        "update", "--check", cwd=project, env=env, ok=(3,)
    )
    times["update (merge)"] = mlport("update", cwd=project, env=env)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--template", default="tabular-classifier")
    args = parser.parse_args()
    env = checkout_env(ROOT)
    rounds = []
    for _ in range(args.runs):
        scratch = Path(tempfile.mkdtemp(prefix="bench-update-"))
        try:
            rounds.append(one_round(args.template, scratch, env))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"machine: {describe()}")
    print(f"{args.template}, median of {args.runs} runs, seconds (each a fresh process)\n")
    for name in rounds[0]:
        values = [times[name] for times in rounds]
        print(f"{name:<32}{statistics.median(values):>8.3f}  (min {min(values):.3f})")


if __name__ == "__main__":
    main()
