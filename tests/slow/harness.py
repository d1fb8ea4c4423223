"""Run generated projects for real: their commands, their pipeline, their API under uvicorn."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from mlport.api import create_project
from mlport.identity import git_identity

BIN = Path(sys.executable).parent
RESULTS_BLOCK = re.compile(r"<!-- results:start -->(.*?)<!-- results:end -->", re.S)
EXP_RUN = re.compile(r"`dvc exp run((?: -S [\w.\-]+=[^`\s]+)+)`")


def _dvc_scratch(folder: str, names: list[str]) -> set[str]:
    return {"tmp"} if Path(folder).name == ".dvc" else set()


@dataclass(frozen=True)
class Project:
    """A generated project and the commands a learner would type in it."""

    path: Path
    package: str

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            # What `pip install -e .` gives a learner, without installing into the test venv.
            PYTHONPATH=str(self.path / "src"),
            DVC_NO_ANALYTICS="1",
            PYTHONHASHSEED="0",
        )
        env.update(TEST_IDENTITY)
        env.update(extra or {})
        return env

    def run(
        self,
        *command: str,
        timeout: float = 900,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project folder; on failure the assertion shows its output."""
        result = subprocess.run(
            list(command),
            cwd=self.path,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, (
                f"`{' '.join(command)}` exited {result.returncode}\n"
                f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
            )
        return result

    def python(self, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, *args, **kwargs)

    def dvc(self, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "dvc", *args, **kwargs)

    def metrics(self, path: str = "reports/metrics.json") -> dict:
        return json.loads((self.path / path).read_text(encoding="utf-8"))

    def set_params(self, **sections: dict) -> None:
        """Edit params.yaml the way a learner does: only the keys that change.

        A mapping given for a key that holds a mapping is merged into it, one level deep.
        """
        path = self.path / "params.yaml"
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section, values in sections.items():
            for key, value in values.items():
                if isinstance(value, dict) and isinstance(params[section].get(key), dict):
                    params[section][key].update(value)
                else:
                    params[section][key] = value
        path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")

    def copy_to(self, destination: Path) -> Project:
        """An independent copy (git, DVC cache, mlflow.db and all) for tests that change things.

        DVC's own scratch folder stays behind: another worker may hold a lock in it right now.
        """
        shutil.copytree(self.path, destination / self.path.name, symlinks=True, ignore=_dvc_scratch)
        return Project(path=destination / self.path.name, package=self.package)

    def readme_experiments(self) -> list[dict[str, str]]:
        """Every `dvc exp run -S key=value ...` example of the README, as its overrides."""
        readme = (self.path / "README.md").read_text(encoding="utf-8")
        examples = [
            dict(flag.split("=", 1) for flag in found.split(" -S ")[1:])
            for found in EXP_RUN.findall(readme)
        ]
        assert examples, "README.md shows no `dvc exp run -S ...` example"
        return examples

    def exp_run(self, overrides: Mapping[str, str], *budget: str) -> None:
        """`dvc exp run` with these overrides (and a smaller budget); each lands in params.yaml."""
        flags = [part for key, value in overrides.items() for part in ("-S", f"{key}={value}")]
        for extra in budget:
            flags += ["-S", extra]
        self.dvc("exp", "run", *flags)
        params = yaml.safe_load((self.path / "params.yaml").read_text(encoding="utf-8"))
        for key, value in overrides.items():
            held = params
            for part in key.split("."):
                held = held[part]
            assert held == yaml.safe_load(value), f"{key} is {held!r} after the experiment"

    def results_block(self, document: str = "README.md") -> str:
        """What the report stage wrote between the results markers."""
        found = RESULTS_BLOCK.search((self.path / document).read_text(encoding="utf-8"))
        assert found, f"{document} has no results block"
        return found.group(1)


TEST_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


@contextmanager
def git_identity_while_generating() -> Iterator[None]:
    """A git identity while generating: the configured one, else the tests' own.

    mlport makes no first commit without one, and the slow tests need the repository it makes.
    """
    saved = {key: os.environ.get(key) for key in TEST_IDENTITY}
    if git_identity() is None:
        os.environ.update(TEST_IDENTITY)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def generate(template: str, output_dir: Path, **context: str) -> Project:
    """Generate a project the way `mlport new TEMPLATE --no-input --set k=v` does."""
    with git_identity_while_generating():
        path = create_project(template, output_dir, context=context, no_input=True, git=True)
    return Project(path=path, package=path.name.replace("-", "_"))


# One italic question on its own line: how the README seeds each section only the learner writes.
SEED_QUESTION = re.compile(r"^_[^_\n].*\?_[ \t]*$", re.M)
LEARNER_PITCH = "Which rows does this model get wrong, and would a clinic trust it with the rest?"


LEARNER_ANSWERS = (
    "A screening team wants a second opinion on every sample, so that fewer real cases "
    "slip through while the usual workload stays the same.",
    "I kept the default split and the cross-validated model choice, then read the mistakes "
    "one by one before trusting the headline number.",
    "I would collect more of the rows the model misses and check whether a lower decision "
    "threshold buys recall without flooding the team.",
)


def write_learner_words(
    project: Project, pitch: str = LEARNER_PITCH, answers: Sequence[str] = LEARNER_ANSWERS
) -> None:
    """Write the pitch and the README's learner sections, as a learner does before publishing."""
    path = project.path / "README.md"
    readme = path.read_text(encoding="utf-8")
    top, sections = readme.split("\n## Problem\n", 1)
    lines = top.rstrip("\n").split("\n")
    lines[-1] = pitch  # the paragraph under the title and badge: the `problem` answer
    given = iter(answers)
    sections = SEED_QUESTION.sub(lambda _: next(given), sections, count=3)
    path.write_text("\n".join(lines) + "\n\n## Problem\n" + sections, encoding="utf-8")


@dataclass(frozen=True)
class Trained:
    """A project after its first `dvc repro`, with what that run printed and how long it took."""

    project: Project
    output: str
    seconds: float


def generate_and_repro(template: str, output_dir: Path) -> Trained:
    """Generate a project and run its whole pipeline once, timing it."""
    project = generate(template, output_dir)
    start = time.monotonic()
    result = project.dvc("repro")
    seconds = time.monotonic() - start
    print(f"\n{template}: first `dvc repro` took {seconds:.1f} s")
    return Trained(project, result.stdout + result.stderr, seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    command: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    url: str,
    log: Path,
    startup_timeout: float,
) -> Iterator[str]:
    """Start a server process, its output in `log`; yield `url` once its /health answers."""
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            assert server.poll() is None, f"{command[:3]} exited:\n{log.read_text()}"
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{command[:3]} did not answer:\n{log.read_text()}"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def served(project: Project, *, startup_timeout: float = 120) -> Iterator[str]:
    """Serve the project's API with a real uvicorn on 127.0.0.1; yield its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"{project.package}.api.app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with serving(
        command,
        cwd=project.path,
        env=project.env(),
        url=f"http://127.0.0.1:{port}",
        log=project.path / "uvicorn.log",
        startup_timeout=startup_timeout,
    ) as url:
        yield url
