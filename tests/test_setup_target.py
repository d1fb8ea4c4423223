"""`make setup` picks CPU or CUDA wheels of PyTorch, asks the CPU index first, and says why.

`make setup` runs for real with only stand-ins on PATH: `python` is the real interpreter except
for `python -m pip`, which records its arguments instead of installing; `nvidia-smi` and `uv`
are scripts (a GPU and uv are not on these machines). The PyTorch CPU index is a server on
127.0.0.1: one that answers, a closed port, or one that accepts and never answers.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlport.api import create_project
from mlport.record import COMMAND_FILE, installed_command

ROOT = str(Path(__file__).resolve().parents[1])

GPU_LINE = "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5b1c)"
FAIL_FAST = "--timeout 15 --retries 1 --progress-bar on"
DEAD_INDEX_SECONDS = 30


@dataclass(frozen=True)
class Setup:
    """What one `make setup` did: its output, the pip (or uv) commands it ran, how long it took."""

    returncode: int
    output: str
    installs: list[str]
    seconds: float


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()


def run_setup(project: Path, tools: Path, *assignments: str) -> Setup:
    """`make setup` with only `tools`, grep and the pip-recording `python` on PATH."""
    log = tools / "installs.log"
    log.touch()
    os.symlink(shutil.which("grep"), tools / "grep")
    stand_in(
        tools,
        "python",
        f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then\n'
        f'  shift 2; echo "pip $*" >> "{log}"; exit 0\n'
        "fi\n"
        f'exec "{sys.executable}" "$@"',
    )
    started = time.perf_counter()
    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "setup", *assignments],
        cwd=project,
        env={"PATH": str(tools), "HOME": os.environ["HOME"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Setup(
        result.returncode,
        result.stdout + result.stderr,
        log.read_text().splitlines(),
        time.perf_counter() - started,
    )


class _Index(http.server.BaseHTTPRequestHandler):
    """A package index page for torch, as PyTorch's CPU index serves one."""

    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200 if self.path == "/whl/cpu/torch/" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cpu_index() -> Iterator[tuple[str, list[str]]]:
    """A CPU index on 127.0.0.1 that answers: its URL and the paths asked of it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    server.paths = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/whl/cpu", server.paths  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_index() -> Iterator[str]:
    """A port that accepts connections and never answers, like an index behind a dead proxy."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/whl/cpu"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("setup")
    return {
        name: create_project(name, root, git=False) for name in ("image-cnn", "tabular-classifier")
    }


def test_the_cpu_index_is_pytorchs_own_by_default(projects: dict[str, Path]) -> None:
    shown = subprocess.run(
        [shutil.which("make"), "-s", "--eval", "shown: ; @echo $(TORCH_INDEX)", "shown"],
        cwd=projects["image-cnn"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "https://download.pytorch.org/whl/cpu"


def test_without_a_gpu_torch_comes_from_the_cpu_index_once_it_answers(
    projects: dict[str, Path], tmp_path: Path, cpu_index: tuple[str, list[str]]
) -> None:
    url, asked = cpu_index
    setup = run_setup(projects["image-cnn"], tmp_path, f"TORCH_INDEX={url}")
    assert setup.returncode == 0, setup.output
    assert f"PyTorch: the CPU-only build from {url} (no NVIDIA GPU" in setup.output
    assert asked == ["/whl/cpu/torch/"]
    assert setup.installs == [
        "pip install --upgrade pip",
        f"pip install {FAIL_FAST} --extra-index-url {url} -e .[dev]",
    ]


@pytest.mark.parametrize("index", ["closed", "silent"])
def test_a_cpu_index_that_does_not_answer_stops_setup_at_once_with_the_two_choices(
    projects: dict[str, Path], tmp_path: Path, silent_index: str, index: str
) -> None:
    url = silent_index if index == "silent" else f"http://127.0.0.1:{closed_port()}/whl/cpu"
    setup = run_setup(projects["image-cnn"], tmp_path, f"TORCH_INDEX={url}")
    assert setup.returncode != 0
    assert setup.seconds < DEAD_INDEX_SECONDS
    errors = [line for line in setup.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"PyTorch's CPU index did not answer ({url}: " in errors[0]
    assert "nothing was installed" in errors[0]
    assert "make setup TORCH=cuda " in setup.output and "about 6 GB" in setup.output
    assert "make setup TORCH_INDEX=" in setup.output
    assert setup.installs == []


def test_an_nvidia_gpu_takes_pypis_cuda_build_and_says_its_size(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    stand_in(tmp_path, "nvidia-smi", f'echo "{GPU_LINE}"')
    dead = f"http://127.0.0.1:{closed_port()}/whl/cpu"
    setup = run_setup(projects["image-cnn"], tmp_path, f"TORCH_INDEX={dead}")
    assert setup.returncode == 0, setup.output
    assert "the CUDA build from PyPI: about 6 GB" in setup.output
    assert f"nvidia-smi found: {GPU_LINE}" in setup.output
    assert setup.installs[-1] == f"pip install {FAIL_FAST} -e .[dev]"


def test_cuda_chosen_without_a_gpu_says_so_and_its_size(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/whl/cpu"
    setup = run_setup(projects["image-cnn"], tmp_path, "TORCH=cuda", f"TORCH_INDEX={dead}")
    assert setup.returncode == 0, setup.output
    announced = next(line for line in setup.output.splitlines() if line.startswith("PyTorch:"))
    assert "CUDA build from PyPI: about 6 GB" in announced
    assert "no NVIDIA GPU" in announced and "it will run on the CPU" in announced
    assert setup.installs[-1] == f"pip install {FAIL_FAST} -e .[dev]"


def test_nvidia_smi_without_a_driver_counts_as_no_gpu(
    projects: dict[str, Path], tmp_path: Path, cpu_index: tuple[str, list[str]]
) -> None:
    stand_in(
        tmp_path,
        "nvidia-smi",
        'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver."'
        "; exit 9",
    )
    url, _ = cpu_index
    setup = run_setup(projects["image-cnn"], tmp_path, f"TORCH_INDEX={url}")
    assert f"--extra-index-url {url}" in setup.installs[-1]


def test_an_unknown_torch_choice_is_one_error(projects: dict[str, Path], tmp_path: Path) -> None:
    setup = run_setup(projects["image-cnn"], tmp_path, "TORCH=gpu")
    assert setup.returncode != 0
    assert 'TORCH is cpu or cuda; "gpu" is neither' in setup.output
    assert setup.installs == []


def test_uv_is_used_when_installed_and_gives_up_on_a_dead_server(
    projects: dict[str, Path], tmp_path: Path, cpu_index: tuple[str, list[str]]
) -> None:
    calls = tmp_path / "uv.log"
    stand_in(
        tmp_path, "uv", f'echo "timeout=$UV_HTTP_TIMEOUT retries=$UV_HTTP_RETRIES uv $*" >> {calls}'
    )
    url, _ = cpu_index
    setup = run_setup(projects["image-cnn"], tmp_path, f"TORCH_INDEX={url}")
    assert setup.returncode == 0, setup.output
    assert setup.installs == [], "pip is not upgraded or used when uv is there"
    (install,) = calls.read_text().splitlines()
    assert install.startswith(
        f"timeout=15 retries=1 uv pip install --python python --extra-index-url {url}"
    )
    assert "--index-strategy unsafe-best-match" in install


def test_a_project_without_torch_carries_no_torch_index(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    makefile = (projects["tabular-classifier"] / "Makefile").read_text()
    assert "pytorch" not in makefile.lower() and "nvidia" not in makefile
    setup = run_setup(projects["tabular-classifier"], tmp_path)
    assert setup.returncode == 0, setup.output
    assert setup.installs == [
        "pip install --upgrade pip",
        f"pip install {FAIL_FAST} -e .[dev]",
    ]


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
    assert "command -v mlport" in (project / "Makefile").read_text()
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
