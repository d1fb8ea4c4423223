"""Installed size of a generated project's serving environment against its training one.

Usage: python benchmarks/bench_env_size.py [--work DIR] [TEMPLATE ...]
For each template, a fresh project and two virtual environments built as the project builds
them: the serving one as its Dockerfile does (`pip install -r` the `serve` extra's list read
from pyproject.toml, then the package with `--no-deps`), the training one as `make setup` does
(`pip install -e '.[dev]'`, with PyTorch's CPU wheel index as an extra index). Prints `du -s`
of each, whether NVIDIA's CUDA libraries came in (pip picks PyPI's CUDA build of torch when a
version cap excludes the `+cpu` one), and the ratio. Downloads from PyPI (pip's cache helps).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mlport.api import create_project  # noqa: E402

TEMPLATES = (
    "tabular-classifier",
    "tabular-regressor",
    "nlp-sentiment",
    "image-cnn",
    "rl-agent",
    "clustering",
)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def run(command: list[str], cwd: Path) -> None:
    """Run `command`; on failure, exit with its last lines."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command[:4])} ... failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def venv(path: Path) -> Path:
    """A fresh virtual environment at `path` (pip upgraded); its python."""
    run([sys.executable, "-m", "venv", str(path)], cwd=path.parent)
    python = path / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], cwd=path.parent)
    return python


def serving_env(project: Path, path: Path) -> None:
    """As the Dockerfile's build stage: the serve extra's list, then the package alone."""
    python = venv(path)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = path.parent / f"{path.name}-serve.txt"
    requirements.write_text("\n".join(pyproject["project"]["optional-dependencies"]["serve"]))
    run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], cwd=project)
    run([str(python), "-m", "pip", "install", "-q", "--no-deps", "."], cwd=project)


def training_env(project: Path, path: Path, deep_learning: bool) -> None:
    """As `make setup` on a machine without an NVIDIA GPU."""
    python = venv(path)
    index = ["--extra-index-url", TORCH_CPU_INDEX] if deep_learning else []
    run([str(python), "-m", "pip", "install", "-q", *index, "-e", ".[dev]"], cwd=project)


def size_mib(path: Path) -> float:
    """`du -s` of `path`, in MiB."""
    done = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=["tabular-classifier"])
    parser.add_argument("--work", type=Path, default=None, help="keep projects and venvs here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="env-size-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {describe()}")
    print(f"work: {work}")
    for template in args.templates:
        folder = work / template
        folder.mkdir(exist_ok=True)
        project = create_project(template, folder, git=False)
        deep = template in ("image-cnn", "nlp-sentiment", "rl-agent")  # PyTorch
        sizes = {}
        for kind, build in (("serving", serving_env), ("training", training_env)):
            started = time.perf_counter()
            path = folder / f"venv-{kind}"
            if kind == "serving":
                build(project, path)
            else:
                build(project, path, deep)
            sizes[kind] = size_mib(path)
            cuda = any(path.glob("lib/python*/site-packages/nvidia"))
            print(
                f"{template}: {kind} environment {sizes[kind]:,.0f} MiB "
                f"(built in {time.perf_counter() - started:.0f} s"
                f"{', with NVIDIA CUDA libraries' if cuda else ''})",
                flush=True,
            )
        print(
            f"{template}: the serving environment is {sizes['training'] / sizes['serving']:.1f}x "
            "smaller than the training one",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
