"""Time `make setup` in a freshly generated project and measure the `.venv` it leaves.

    python benchmarks/bench_setup.py image-cnn          # the CPU-wheel path make setup picks here
    python benchmarks/bench_setup.py image-cnn --cuda   # the CUDA path, as on a machine with a GPU

`--cuda` runs `make setup TORCH=cuda`: PyPI's CUDA build, what a machine with a GPU gets (and what
every machine got before the CPU index was used). The CPU path needs the PyTorch CPU index
(download.pytorch.org); where it cannot be reached, the script says so and measures nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# mlport from this checkout, whether or not it is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe  # noqa: E402

from mlport.api import create_project  # noqa: E402
from mlport.registry import get_template  # noqa: E402

CPU_INDEX = "https://download.pytorch.org/whl/cpu/torch/"


def reachable(url: str, timeout: float = 8) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status < 400
    except OSError:
        return False


def folder_bytes(path: Path) -> int:
    return sum(
        entry.stat().st_size
        for entry in path.rglob("*")
        if entry.is_file() and not entry.is_symlink()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", nargs="?", default="image-cnn")
    parser.add_argument("--cuda", action="store_true", help="take the GPU branch (CUDA wheels)")
    parser.add_argument("--keep", action="store_true", help="keep the project and its .venv")
    args = parser.parse_args()

    uses_torch = "pytorch" in get_template(args.template).context.get("_topics", [])
    if uses_torch and not args.cuda and not reachable(CPU_INDEX):
        print(
            f"The PyTorch CPU index ({CPU_INDEX}) cannot be reached from this machine, so the CPU "
            f"path of `make setup` for {args.template} cannot be measured here. Nothing was "
            "installed. Run this where the index is reachable (or pass --cuda for the CUDA path)."
        )
        return 2

    work = Path(tempfile.mkdtemp(prefix="bench-setup-"))
    try:
        project = create_project(args.template, work, git=True)
        env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
        subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=project, check=True)
        venv_bin = project / ".venv" / "bin"
        env["PATH"] = f"{venv_bin}{os.pathsep}{env['PATH']}"
        env["VIRTUAL_ENV"] = str(project / ".venv")
        started = time.perf_counter()
        choice = ["TORCH=cuda"] if args.cuda and uses_torch else []
        setup = subprocess.run(
            ["make", "setup", *choice], cwd=project, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if setup.returncode != 0:
            print(setup.stdout[-3000:], setup.stderr[-3000:], sep="\n")
            print(f"`make setup` failed after {seconds:.0f} s (exit {setup.returncode})")
            return 1
        chosen = [line for line in setup.stdout.splitlines() if line.startswith("PyTorch:")]
        size = folder_bytes(project / ".venv")
        nvidia = subprocess.run(
            [str(venv_bin / "python"), "-m", "pip", "list"], capture_output=True, text=True
        ).stdout.count("nvidia-")
        print(f"machine: {describe()}")
        print(f"template: {args.template}  ({chosen[0] if chosen else 'no PyTorch'})")
        print(f"make setup: {seconds:.1f} s")
        print(f".venv: {size / 2**30:.2f} GiB, {nvidia} nvidia-* packages")
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
