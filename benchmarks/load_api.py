"""wrk against each template's POST /predict on a real uvicorn: rate, latency, non-2xx answers,
and the server's peak memory.

Usage: python benchmarks/load_api.py [--duration 30] [--runs 3] [--connections 8] [--work DIR]
                                     [TEMPLATE ...]
Each figure is the median over --runs wrk runs of --duration seconds. One uvicorn worker per
API; each request's body is the example its OpenAPI document shows (a 32x32 digit PNG for
image-cnn). wrk and the server share the machine printed first. The bar: zero non-2xx answers
(exits 1 otherwise). Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psutil
from bench_project import _digit_png, _example_from_openapi
from trained_projects import TEMPLATES, served_projects

BOUNDARY = "wrk-load-boundary"
MEDIANS = ("requests", "requests_per_s", "p50_ms", "p90_ms", "p99_ms")
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def request_body(url: str) -> tuple[str, bytes]:
    """The content type and body of one POST /predict, from the API's own OpenAPI example."""
    kind, example = _example_from_openapi(httpx.get(f"{url}/openapi.json").json())
    if kind == "multipart/form-data":
        return multipart_png(_digit_png())
    return "application/json", json.dumps(example).encode()


def multipart_png(png: bytes) -> tuple[str, bytes]:
    """The content type and body of a form upload of `png` as the field `file`."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        'filename="digit.png"\r\nContent-Type: image/png\r\n\r\n'
    )
    body = head.encode() + png + f"\r\n--{BOUNDARY}--\r\n".encode()
    return f"multipart/form-data; boundary={BOUNDARY}", body


def lua_string(data: bytes) -> str:
    """`data` as a Lua string literal (decimal escapes for everything but plain characters)."""
    plain = {ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "}
    return '"' + "".join(chr(b) if b in plain else f"\\{b:03d}" for b in data) + '"'


def server_process(url: str) -> psutil.Process:
    """The process listening on the URL's port (the uvicorn worker)."""
    port = urlparse(url).port
    for connection in psutil.net_connections(kind="tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return psutil.Process(connection.pid)
    raise RuntimeError(f"no process listens on port {port}")


def peak_rss_mib(process: psutil.Process) -> float:
    """The most resident memory the process has had (VmHWM), in MiB."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return process.memory_info().rss / 2**20


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS_MS[unit]


def run_wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    content_type, body = request_body(url)
    check = httpx.post(f"{url}/predict", content=body, headers={"Content-Type": content_type})
    check.raise_for_status()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "{content_type}"\n'
            f"wrk.body = {lua_string(body)}\n"
        )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    result = subprocess.run(
        [*command, "-s", script.name, f"{url}/predict"],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    Path(script.name).unlink()
    out = result.stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "requests": requests,
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p90_ms": to_ms(percentiles["90"]),
        "p99_ms": to_ms(percentiles["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=list(TEMPLATES))
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per API")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per API (medians shown)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--work", type=Path, default=None, help="keep the trained projects here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2

    failed = False
    for template, url in served_projects(args.templates, args.work, "load-api-"):
        server = server_process(url)
        idle = server.memory_info().rss / 2**20
        runs = [run_wrk(url, args.duration, args.connections) for _ in range(args.runs)]
        peak = peak_rss_mib(server)
        figures = {key: statistics.median(run[key] for run in runs) for key in MEDIANS}
        figures["non_2xx"] = sum(run["non_2xx"] for run in runs)
        figures["socket_errors"] = "; ".join(sorted({run["socket_errors"] for run in runs}))
        failed |= figures["non_2xx"] > 0
        print(
            f"{template}: {args.runs} x {args.duration} s of wrk (1 thread, {args.connections} "
            f"connections), medians: {figures['requests']:.0f} requests, "
            f"{figures['requests_per_s']:.0f}/s, "
            f"latency p50 {figures['p50_ms']:.2f} ms, p90 {figures['p90_ms']:.2f} ms, "
            f"p99 {figures['p99_ms']:.2f} ms; non-2xx {figures['non_2xx']} in all, "
            f"socket errors {figures['socket_errors']}; server memory {idle:.0f} MiB at start, "
            f"peak {peak:.0f} MiB",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
