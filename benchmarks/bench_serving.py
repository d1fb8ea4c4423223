"""Serving speed per template, native model against its ONNX export, beside the server's floor.

Usage: python benchmarks/bench_serving.py [--duration 5] [--runs 3] [--work DIR] [TEMPLATE ...]
For each template, its trained project (benchmarks/trained_projects.py) is served by one
uvicorn worker on 127.0.0.1, once per runtime (SERVE_RUNTIME=native, then onnx). For each
server, wrk measures GET /health and POST /predict (the example its OpenAPI document shows; for
image-cnn one 28x28 digit PNG, the upload issue 13's target is stated for): p50 and p99 latency
over one connection, requests per second over 16. The in-process floor is Predictor.predict on
that one input, in the project's own Python, no HTTP. Every figure is the median of --runs; the
load average before and after each template is printed, as the machine may be shared. A runtime
a template cannot serve is reported, not measured. Falls back to a Python client when wrk is
not installed (slower: its own cost counts).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from bench_project import _digit_png, _example_from_openapi
from load_api import lua_string, multipart_png, to_ms
from machine import describe
from trained_projects import TEMPLATES, trained_project

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, free_port, serving  # noqa: E402

RUNTIMES = ("native", "onnx")
UPLOAD_SIZE = 28  # pixels a side of image-cnn's upload
# How each template's POST /predict body becomes one input of its Predictor.predict.
FLOOR_INPUT = {
    "tabular-classifier": "example",
    "tabular-regressor": "example",
    "nlp-sentiment": "example['text']",
    "rl-agent": "example['observation']",
    "clustering": "example",
    "image-cnn": "__import__(package + '.images', fromlist=['open_image']).open_image(png)",
}


# A model worth measuring besides the one the pipeline selected: nlp-sentiment's neural model
# is its only one with an ONNX export, and the baseline is usually selected.
ALSO = {"nlp-sentiment": "neural"}


def models_serving(project: Project, name: str) -> Path:
    """A copy of the project's models/ that serves `name` (its best.json rewritten)."""
    copy = project.path / f"models-{name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project.path / "models", copy)
    best = json.loads((copy / "best.json").read_text(encoding="utf-8"))
    (copy / "best.json").write_text(json.dumps(best | {"best_model": name}), encoding="utf-8")
    return copy


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    content_type: str | None = None
    body: bytes = b""


def predict_request(url: str) -> tuple[Request, object, bytes]:
    """POST /predict with the API's own OpenAPI example; that example and the PNG used."""
    kind, example = _example_from_openapi(httpx.get(f"{url}/openapi.json").json())
    png = b""
    if kind == "multipart/form-data":
        png = _digit_png(UPLOAD_SIZE)
        request = Request("POST", "/predict", *multipart_png(png))
    else:
        request = Request("POST", "/predict", "application/json", json.dumps(example).encode())
    return request, example, png


def wrk(url: str, request: Request, connections: int, duration: int) -> dict[str, float]:
    """One wrk run: requests/s and latency percentiles (ms); non-2xx answers counted."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    script = None
    if request.method == "POST":
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(
                f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "{request.content_type}"\n'
                f"wrk.body = {lua_string(request.body)}\n"
            )
        script = handle.name
        command += ["-s", script]
    try:
        out = subprocess.run(
            [*command, url + request.path],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    finally:
        if script:
            Path(script).unlink()
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if set(percentiles) != {"50", "99"}:  # no latency distribution: say what wrk printed
        raise RuntimeError(f"wrk printed no latency percentiles:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(percentiles["50"]),
        "p99": to_ms(percentiles["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def python_client(url: str, request: Request, connections: int, duration: int) -> dict[str, float]:
    """wrk's figures from threads of httpx clients (a fallback: the client's cost counts)."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def load() -> None:
        nonlocal failures
        headers = {"Content-Type": request.content_type} if request.content_type else {}
        with httpx.Client(base_url=url) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = client.request(
                    request.method, request.path, content=request.body or None, headers=headers
                )
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    failures += answer.status_code >= 300

    threads = [threading.Thread(target=load) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rate": len(latencies) / duration,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "non_2xx": failures,
    }


def floor_us(
    project: Project, runtime: str, template: str, example: object, png: bytes, models: str
) -> float:
    """Median microseconds of Predictor.predict on one input, in the project's Python."""
    code = f"""
import json, sys, time
package = {project.package!r}
example, png = json.loads({json.dumps(json.dumps(example))}), bytes.fromhex({png.hex()!r})
predict = __import__(package + ".predict", fromlist=["load_predictor"])
from pathlib import Path
predictor = predict.load_predictor(Path({models!r}), runtime={runtime!r})
one = [{FLOOR_INPUT[template]}]
for _ in range(50):
    predictor.predict(one)
timings, deadline = [], time.perf_counter() + 3
while time.perf_counter() < deadline and len(timings) < 20000:
    started = time.perf_counter()
    predictor.predict(one)
    timings.append(time.perf_counter() - started)
timings.sort()
print(timings[len(timings) // 2] * 1e6)
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project.path,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return float(done.stdout.split()[-1])


@contextmanager
def served(project: Project, runtime: str, models: str) -> Iterator[str]:
    """One uvicorn worker on 127.0.0.1 serving `project` with SERVE_RUNTIME=runtime."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", f"{project.package}.api.app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-access-log"]
    with serving(
        command,
        cwd=project.path,
        env=project.env({"SERVE_RUNTIME": runtime, "MODEL_DIR": models}),
        url=f"http://127.0.0.1:{port}",
        log=project.path / f"uvicorn-{runtime}.log",
        startup_timeout=120,
    ) as url:
        yield url


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(
    project: Project,
    template: str,
    runtime: str,
    args: argparse.Namespace,
    client,
    models: str = "models",
) -> dict[str, object] | str:
    """The figures of one runtime of one template, or why it could not be served."""
    with served(project, runtime, models) as url:
        info = httpx.get(f"{url}/model-info", timeout=30)
        if info.status_code != 200:
            return info.json().get("detail", info.text)[:160]
        request, example, png = predict_request(url)
        health = Request("GET", "/health")
        check = httpx.request(
            "POST",
            url + "/predict",
            content=request.body,
            headers={"Content-Type": request.content_type},
            timeout=30,
        )
        check.raise_for_status()
        figures: dict[str, object] = {"answer": check.json()}
        for name, target in (("health", health), ("predict", request)):
            one = median_of([client(url, target, 1, args.duration) for _ in range(args.runs)])
            many = median_of([client(url, target, 16, args.duration) for _ in range(args.runs)])
            figures[name] = {
                "p50": one["p50"],
                "p99": one["p99"],
                "rate": many["rate"],
                "non_2xx": one["non_2xx"] + many["non_2xx"],
            }
    figures["floor_us"] = statistics.median(
        floor_us(project, runtime, template, example, png, models) for _ in range(args.runs)
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=list(TEMPLATES))
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (medians shown)")
    parser.add_argument("--work", type=Path, default=None, help="keep the trained projects here")
    args = parser.parse_args()
    client = wrk if shutil.which("wrk") else python_client
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-serving-"))
    print(f"machine: {describe()}")
    print(
        f"client: {'wrk 1 thread' if client is wrk else 'Python httpx threads (no wrk)'}; "
        f"{args.runs} runs of {args.duration} s per figure, medians; projects in {work}"
    )
    rows = []
    for template in args.templates:
        project = trained_project(template, work)
        before = load_average()
        variants = [(template, "models")]
        if template in ALSO:
            name = ALSO[template]
            variants.append((f"{template} ({name})", str(models_serving(project, name))))
        for label, models in variants:
            for runtime in RUNTIMES:
                result = measure(project, template, runtime, args, client, models)
                rows.append((label, runtime, result))
                if isinstance(result, str):
                    print(f"{label} {runtime}: not served: {result}", flush=True)
                else:
                    print(f"{label} {runtime}: {json.dumps(result)}", flush=True)
        print(f"{template}: load average {before} before, {load_average()} after", flush=True)
    print()
    print(
        "| template | runtime | /health p50 / p99 ms | /health req/s | /predict p50 / p99 ms "
        "| /predict req/s | /predict ÷ /health | in-process predict (1) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for template, runtime, result in rows:
        if isinstance(result, str):
            print(f"| {template} | {runtime} | not served: {result} | | | | | |")
            continue
        health, predict = result["health"], result["predict"]
        print(
            f"| {template} | {runtime} | {health['p50']:.2f} / {health['p99']:.2f} "
            f"| {health['rate']:,.0f} | {predict['p50']:.2f} / {predict['p99']:.2f} "
            f"| {predict['rate']:,.0f} | {predict['rate'] / health['rate']:.0%} "
            f"| {result['floor_us']:,.0f} µs |"
        )
    failed = any(
        not isinstance(r, str) and (r["health"]["non_2xx"] or r["predict"]["non_2xx"])
        for _, _, r in rows
    )
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
