"""`make mlflow-ui` stops on Ctrl-C: SIGINT to the terminal's process group ends every process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.slow.harness import free_port, generate

STARTUP_SECONDS = 120  # importing MLflow and creating the store's schema, on a loaded machine
STOP_SECONDS = 30


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_the_mlflow_ui(tmp_path: Path) -> None:
    project = generate("tabular-classifier", tmp_path)
    port = free_port()
    log = tmp_path / "mlflow-ui.log"
    with log.open("w") as output:
        # Its own session, as a terminal runs a foreground job: Ctrl-C signals the whole group.
        ui = subprocess.Popen(
            [shutil.which("make") or "make", "mlflow-ui", f"MLFLOW_PORT={port}"],
            cwd=project.path,
            env=project.env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert ui.poll() is None, f"make mlflow-ui exited:\n{log.read_text()}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"no answer:\n{log.read_text()}"
            time.sleep(0.5)

        os.killpg(ui.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        while group_alive(ui.pid) and time.monotonic() < deadline:
            ui.poll()  # reap make, so that a finished group does not linger as a zombie
            time.sleep(0.2)
        still = subprocess.run(
            ["ps", "-o", "pid,stat,cmd", "-g", str(ui.pid)], capture_output=True, text=True
        ).stdout
        assert not group_alive(ui.pid), f"still running {STOP_SECONDS} s after Ctrl-C:\n{still}"
    finally:
        if group_alive(ui.pid):
            os.killpg(ui.pid, signal.SIGKILL)
        ui.wait(timeout=10)
