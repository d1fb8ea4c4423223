"""`make setup` picks CPU or CUDA wheels of PyTorch, and uv or pip, from what the machine has.

The PyTorch CPU index cannot be reached from the test machines, so these tests read the commands
`make -n setup` would run. `nvidia-smi` and `uv` are stand-in scripts on PATH (a GPU and uv are
not on these machines); make, the shell and grep are the real ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlport.api import create_project
from mlport.record import COMMAND_FILE, installed_command

ROOT = str(Path(__file__).resolve().parents[1])

CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
GPU_LINE = "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5b1c)"


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()


def planned_setup(project: Path, tools: Path) -> list[str]:
    """The commands `make -n setup` prints with only `tools` (and grep) on PATH."""
    tools.mkdir(exist_ok=True)
    os.symlink(shutil.which("grep"), tools / "grep")
    result = subprocess.run(
        [shutil.which("make"), "-n", "setup"],
        cwd=project,
        env={"PATH": str(tools), "HOME": os.environ["HOME"]},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("setup")
    return {
        name: create_project(name, root, git=False) for name in ("image-cnn", "tabular-classifier")
    }


def test_without_a_gpu_torch_comes_from_the_cpu_index_and_pip_is_upgraded_first(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    lines = planned_setup(projects["image-cnn"], tmp_path)
    assert lines[0] == "python -m pip install --upgrade pip"
    assert "CPU-only build" in lines[1] and lines[1].startswith('echo "PyTorch: installing')
    assert lines[2] == f"python -m pip install {CPU_INDEX} -e '.[dev]'"


def test_an_nvidia_gpu_keeps_the_default_cuda_wheels(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    stand_in(tmp_path, "nvidia-smi", f'echo "{GPU_LINE}"')
    lines = planned_setup(projects["image-cnn"], tmp_path)
    assert f"CUDA build (nvidia-smi found: {GPU_LINE})" in lines[1]
    assert "download.pytorch.org" not in "\n".join(lines)


def test_nvidia_smi_without_a_driver_counts_as_no_gpu(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    stand_in(
        tmp_path,
        "nvidia-smi",
        'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver."'
        "; exit 9",
    )
    assert CPU_INDEX in "\n".join(planned_setup(projects["image-cnn"], tmp_path))


def test_uv_is_used_when_installed(projects: dict[str, Path], tmp_path: Path) -> None:
    stand_in(tmp_path, "uv", 'echo "uv $*"')
    lines = planned_setup(projects["image-cnn"], tmp_path)
    assert "pip install --upgrade pip" not in "\n".join(lines)
    install = next(line for line in lines if "-e '.[dev]'" in line)
    assert install.startswith(f"uv pip install --python python {CPU_INDEX}")
    assert "--index-strategy unsafe-best-match" in install


def test_a_project_without_torch_carries_no_torch_index(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    makefile = (projects["tabular-classifier"] / "Makefile").read_text()
    assert "pytorch" not in makefile.lower() and "nvidia" not in makefile
    lines = planned_setup(projects["tabular-classifier"], tmp_path)
    assert lines[:2] == ["python -m pip install --upgrade pip", "python -m pip install -e '.[dev]'"]


def activated_venv(folder: Path) -> dict[str, str]:
    """The environment of a shell with a new virtual environment activated, no mlport on PATH."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    system = os.pathsep.join(
        {str(Path(shutil.which(tool)).parent) for tool in ("make", "bash", "cat", "ln")}
    )
    path = f"{folder / 'bin'}{os.pathsep}{system}"
    assert shutil.which("mlport", path=path) is None
    # PYTHONPATH: the linked mlport runs this checkout's code, not another installed copy.
    return {
        "PATH": path,
        "VIRTUAL_ENV": str(folder),
        "HOME": os.environ["HOME"],
        "PYTHONPATH": ROOT,
    }


def in_shell(command: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True
    )


def test_setup_links_the_mlport_that_made_the_project_into_the_environment(
    tmp_path: Path, git_user: None
) -> None:
    project = create_project("tabular-classifier", tmp_path / "projects")
    assert Path((project / COMMAND_FILE).read_text().strip()) == Path(installed_command())
    assert git(project, "status", "--porcelain") == "", "this machine's path is never committed"
    assert "command -v mlport" in "\n".join(planned_setup(project, tmp_path / "tools"))
    env = activated_venv(tmp_path / ".venv")
    assert in_shell("mlport --version", project, env).returncode == 127, "not found before"

    linked = in_shell("make mlport", project, env)
    checked = in_shell("mlport check .", project, env)

    assert linked.returncode == 0, linked.stderr
    assert f"mlport: linked {tmp_path / '.venv' / 'bin' / 'mlport'}" in linked.stdout
    assert checked.returncode in (0, 1), checked.stderr
    assert f"mlport check: {project.name}" in checked.stdout
    assert "mlport: " in in_shell("make mlport", project, env).stdout, "found, left alone"


def test_without_a_known_mlport_setup_says_how_to_get_it(tmp_path: Path) -> None:
    project = create_project("tabular-classifier", tmp_path / "projects", git=False)
    (project / COMMAND_FILE).unlink()
    env = activated_venv(tmp_path / ".venv")

    told = in_shell("make mlport", project, env)

    assert told.returncode == 0, "setup goes on without it"
    assert told.stdout == (
        "mlport is not installed in this environment: `pip install mlport` installs it\n"
    )
