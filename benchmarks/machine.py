"""Describe the machine a benchmark ran on, so its figures can be read in context."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kib = int(meminfo.read_text().split()[1])
        return f"{kib / 2**20:.1f} GiB"
    return "unknown"


def describe() -> str:
    """One line: OS, CPU, cores, memory, Python."""
    return (
        f"{platform.system()} {platform.release()} | {_cpu_model()} | {os.cpu_count()} cores | "
        f"{_memory_gib()} RAM | Python {sys.version.split()[0]}"
    )
