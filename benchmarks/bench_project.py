"""Generate a project, time its `dvc repro`, then measure /predict on a real uvicorn server.

Usage: python benchmarks/bench_project.py TEMPLATE [--requests 2000] [--set key=value ...]
Prints the machine, the pipeline's wall time and metrics, and /predict latency (p50, p99) and
requests/s over one keep-alive connection, the way a single client calls it.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, generate, served  # noqa: E402


def _example_from_openapi(spec: dict) -> tuple[str, object]:
    """The content type and a working example body of POST /predict, from the API's own docs."""
    body = spec["paths"]["/predict"]["post"]["requestBody"]["content"]
    if "multipart/form-data" in body:
        return "multipart/form-data", None
    media = body["application/json"]
    if "example" in media:
        return "application/json", media["example"]
    if "examples" in media:
        return "application/json", next(iter(media["examples"].values()))["value"]
    schema = media["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "example" in schema:
        return "application/json", schema["example"]
    return "application/json", schema["examples"][0]


def _digit_png(size: int = 32) -> bytes:
    """scikit-learn's first 8x8 digit, scaled to size x size pixels, as a grayscale PNG."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digit = load_digits().images[0]
    image = Image.fromarray((digit * 255 / 16).astype("uint8")).resize((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def measure_predict(url: str, requests: int) -> dict[str, float]:
    with httpx.Client(base_url=url, timeout=30) as client:
        kind, example = _example_from_openapi(client.get("/openapi.json").json())
        if kind == "multipart/form-data":
            png = _digit_png()

            def send() -> httpx.Response:
                return client.post("/predict", files={"file": ("digit.png", png, "image/png")})
        else:

            def send() -> httpx.Response:
                return client.post("/predict", json=example)

        first = send()
        first.raise_for_status()
        for _ in range(min(100, requests // 10)):
            send()
        latencies = []
        started = time.perf_counter()
        for _ in range(requests):
            begin = time.perf_counter()
            send().raise_for_status()
            latencies.append((time.perf_counter() - begin) * 1000)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "requests_per_s": requests / elapsed,
        "example_answer": first.json(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--set", action="append", default=[], help="key=value in params.yaml, e.g. train.epochs=5"
    )
    args = parser.parse_args()

    print(f"machine: {describe()}")
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{args.template}-"))
    project: Project = generate(args.template, workdir)
    for assignment in args.set:
        _set_param(project.path / "params.yaml", assignment)
    print(f"project: {project.path}")

    started = time.perf_counter()
    project.dvc("repro", timeout=3600)
    repro_seconds = time.perf_counter() - started
    print(f"dvc repro (fresh project, all stages): {repro_seconds:.1f} s")
    print(f"metrics: {json.dumps(project.metrics())}")

    with served(project) as url:
        figures = measure_predict(url, args.requests)
    print(f"/predict answer: {json.dumps(figures.pop('example_answer'))[:200]}")
    print(
        f"/predict over {args.requests} sequential requests, one connection: "
        f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms, "
        f"{figures['requests_per_s']:.0f} requests/s"
    )


def _set_param(params_path: Path, assignment: str) -> None:
    import yaml

    dotted, _, raw = assignment.partition("=")
    params = yaml.safe_load(params_path.read_text())
    *parents, leaf = dotted.split(".")
    node = params
    for key in parents:
        node = node[key]
    node[leaf] = yaml.safe_load(raw)
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))


if __name__ == "__main__":
    main()
