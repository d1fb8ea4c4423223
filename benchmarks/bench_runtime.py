"""image-cnn and rl-agent served natively and from ONNX: /predict against /health, one worker.

Usage: python benchmarks/bench_runtime.py [--duration 10] [--runs 3] [--work DIR] [TEMPLATE ...]

For each template, a project is generated and trained once with a short budget (the served
network keeps the default architecture: small-cnn on 16x16 digits, SB3's MlpPolicy for PPO on
CartPole-v1; the budget changes its weights, not its cost). Then for each runtime
(SERVE_RUNTIME=native, then onnx) one uvicorn worker serves it on 127.0.0.1 and wrk measures, in
the same run, GET /health and POST /predict: p50 and p99 with 1 connection, requests per second
with 16. image-cnn's request is one 28x28 PNG upload, rl-agent's one CartPole observation. The
in-process floor is the predictor's own `predict` on that one input (median of 2,000 calls).
Each figure is the median of --runs wrk runs; the machine and its load average are printed,
since other work on the machine moves every figure. Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from load_api import lua_string, multipart_png, to_ms
from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slow.harness import Project, free_port, generate, serving  # noqa: E402

TEMPLATES = ("image-cnn", "rl-agent")
RUNTIMES = ("native", "onnx")
# Short budgets: serving cost depends on the architecture, which these leave at the default.
BUDGETS = {
    "image-cnn": {"train": {"epochs": 1, "progress_bar": False}},
    "rl-agent": {"train": {"total_timesteps": 4096, "eval_freq": 2048, "progress_bar": False}},
}
OBSERVATION = [0.012, -0.021, 0.034, 0.027]  # CartPole-v1: position, velocity, angle, spin


def upload_png() -> bytes:
    """A 28x28 grayscale PNG: a bright stroke on black, like a handwritten digit."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (28, 28), 0)
    ImageDraw.Draw(image).line((8, 4, 18, 24), fill=255, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def predict_request(template: str) -> tuple[str, bytes]:
    """The content type and body of one POST /predict."""
    if template == "image-cnn":
        return multipart_png(upload_png())
    return "application/json", json.dumps({"observation": OBSERVATION}).encode()


def trained(template: str, work: Path) -> Project:
    """The template's project under work/, trained once (reused by later runs)."""
    folder = work / template
    found = sorted(folder.glob("*/dvc.lock")) if folder.is_dir() else []
    if found:
        path = found[0].parent
        return Project(path=path, package=path.name.replace("-", "_"))
    folder.mkdir(parents=True, exist_ok=True)
    project = generate(template, folder)
    project.set_params(**BUDGETS[template])
    project.dvc("repro", "train", timeout=3600)
    return project


def wrk(url: str, path: str, connections: int, duration: int, request=None) -> dict[str, float]:
    """One wrk run: requests per second, p50 and p99 in ms."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    script = None
    if request is not None:
        content_type, body = request
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(
                f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "{content_type}"\n'
                f"wrk.body = {lua_string(body)}\n"
            )
        script = handle.name
        command += ["-s", script]
    done = subprocess.run(
        [*command, f"{url}{path}"], capture_output=True, text=True, timeout=duration + 60
    )
    if script:
        Path(script).unlink()
    out = done.stdout
    if "Non-2xx" in out or done.returncode:
        raise RuntimeError(f"wrk {path}: not every answer was 2xx\n{out}{done.stderr}")
    percentiles = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "99%"):
            percentiles[parts[0]] = to_ms(parts[1])
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return {
        "rps": float(rate.split()[1]),
        "p50": percentiles["50%"],
        "p99": percentiles["99%"],
    }


def endpoint(url: str, path: str, request, duration: int, runs: int) -> dict[str, float]:
    """Medians over `runs`: p50/p99 with one connection, requests per second with 16."""
    single = [wrk(url, path, 1, duration, request) for _ in range(runs)]
    loaded = [wrk(url, path, 16, duration, request) for _ in range(runs)]
    return {
        "p50": statistics.median(run["p50"] for run in single),
        "p99": statistics.median(run["p99"] for run in single),
        "rps": statistics.median(run["rps"] for run in loaded),
    }


FLOOR = """
import sys, time, statistics, io, json
from {package}.predict import load_predictor
predictor = load_predictor("models", runtime="{runtime}")
if "{template}" == "image-cnn":
    from PIL import Image
    item = Image.open(io.BytesIO(bytes.fromhex("{png}")))
    item.load()
else:
    item = {observation}
for _ in range(200):
    predictor.predict([item])
times = []
for _ in range(2000):
    start = time.perf_counter()
    predictor.predict([item])
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
"""


def in_process_ms(project: Project, template: str, runtime: str) -> float:
    """Median milliseconds of the predictor's own predict() on the one input."""
    code = FLOOR.format(
        package=project.package,
        runtime=runtime,
        template=template,
        png=upload_png().hex(),
        observation=OBSERVATION,
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project.path,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return float(done.stdout.split()[-1])


def serve(project: Project, runtime: str):
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", f"{project.package}.api.app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return serving(
        command,
        cwd=project.path,
        env=project.env({"SERVE_RUNTIME": runtime}),
        url=f"http://127.0.0.1:{port}",
        log=project.path / f"uvicorn-{runtime}.log",
        startup_timeout=120,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", default=list(TEMPLATES))
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per figure (medians shown)")
    parser.add_argument("--work", type=Path, default=None, help="keep the trained projects here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    print(f"machine: {describe()}")
    print(f"projects: {work}; wrk: {args.runs} runs x {args.duration} s per figure, 1 thread")
    for template in args.templates:
        project = trained(template, work)
        request = predict_request(template)
        for runtime in RUNTIMES:
            load = os.getloadavg()
            with serve(project, runtime) as url:
                health = endpoint(url, "/health", None, args.duration, args.runs)
                predict = endpoint(url, "/predict", request, args.duration, args.runs)
            floor = in_process_ms(project, template, runtime)
            print(
                f"{template} {runtime:>6}: /predict p50 {predict['p50']:.2f} ms, "
                f"p99 {predict['p99']:.2f} ms, {predict['rps']:,.0f} req/s "
                f"({predict['rps'] / health['rps']:.0%} of /health) | /health p50 "
                f"{health['p50']:.2f} ms, p99 {health['p99']:.2f} ms, {health['rps']:,.0f} req/s"
                f" | in-process predict {floor:.3f} ms | load average before "
                f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
