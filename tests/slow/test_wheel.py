"""The built wheel, installed in a fresh venv outside the source tree, generates a project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Read before the tests point HOME elsewhere: the fresh venv reuses pip's cache of wheels.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")


def test_wheel_generates_a_project_from_a_fresh_venv(tmp_path: Path, git_user: None) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("mlport-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # The fresh venv alone: a PYTHONPATH pointing at the source tree would import mlport from it.
    outside = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env = {**outside, "PIP_CACHE_DIR": PIP_CACHE, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            str(venv / "bin" / "mlport"),
            "new",
            "tabular-classifier",
            "--no-input",
            "--name",
            "From Wheel",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    project = elsewhere / "from-wheel"
    assert (project / "dvc.yaml").is_file()
    assert (project / "src" / "from_wheel" / "api" / "app.py").is_file()
    assert (project / ".dvc" / "config").is_file(), "DVC comes with the wheel's dependencies"
    located = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import mlport.registry as r; print(r.templates_root())",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=elsewhere,
        env=env,
    )
    assert located.stdout.strip().startswith(str(venv)), "templates must come from inside the wheel"
