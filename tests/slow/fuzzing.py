"""Run Schemathesis, with all its checks, against a served API and read its JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
HOOKS = "tests.slow.schemathesis_hooks"


@dataclass(frozen=True)
class FuzzResult:
    """What one Schemathesis run generated and found."""

    generated: int
    failures: int  # unique failures
    errors: int
    seconds: float
    output: str  # the run's own summary, to show when something failed

    @property
    def clean(self) -> bool:
        return self.generated > 0 and self.failures == 0 and self.errors == 0


def fuzz(
    url: str, *, examples: int, max_time: int | None = None, seed: int | None = None
) -> FuzzResult:
    """Every check on every operation; `examples` per operation, or repeated for `max_time` s."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            str(SCHEMATHESIS),
            "run",
            f"{url}/openapi.json",
            "--checks=all",
            f"--max-examples={examples}",
            "--workers=1",
            "--no-color",
            "--generation-database=none",
            "--report=json",
            f"--report-json-path={report}",
        ]
        command += [f"--max-time={max_time}"] if max_time else []
        command += [f"--seed={seed}"] if seed is not None else []
        env = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            command,
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=(max_time or 300) + 120,
        )
        output = result.stdout + result.stderr
        if not report.is_file():
            raise AssertionError(f"schemathesis wrote no report:\n{output[-4000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return FuzzResult(
        generated=data["test_cases"]["generated"],
        failures=data["test_cases"]["unique_failures"],
        errors=len(data["errors"]),
        seconds=data["running_time"],
        output=output,
    )
