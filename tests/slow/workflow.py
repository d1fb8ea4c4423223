"""Run a generated project's GitHub Actions job here, step by step, as a runner would.

Each step's `run:` goes to bash (`bash --noprofile --norc -eo pipefail`, the runner's default) in
order, with the runner's files for step outputs. `uses:` steps (checkout, setup-python, upload)
are the runner's business and are skipped. The expressions the generated workflow uses are
evaluated: `steps.ID.outputs.KEY` compared with `==` or `!=` in `if:`, and `steps.ID.outputs.KEY`
or `secrets.NAME` (never set here, so empty, as on GitHub) in `env:`. Any other expression fails
the run, so a workflow this cannot follow is never passed by mistake.

Python is a fresh virtual environment whose site-packages also see the test environment's, so
the Install step (`pip install -e '.[dev]'`) installs the project itself and downloads nothing.
"""

from __future__ import annotations

import os
import re
import site
import subprocess
import sys
import venv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.slow.harness import BIN, TEST_IDENTITY

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
STEP_OUTPUT = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+)$")
SECRET = re.compile(r"^secrets\.\w+$")
CONDITION = re.compile(r"^steps\.([\w-]+)\.outputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'$")


@dataclass(frozen=True)
class StepRun:
    """One step of the job: what it was, whether it ran, and what it printed."""

    name: str
    ran: bool
    output: str = ""


def _value(expression: str, outputs: Mapping[str, Mapping[str, str]]) -> str:
    found = STEP_OUTPUT.match(expression)
    if found:
        return outputs.get(found.group(1), {}).get(found.group(2), "")
    assert SECRET.match(expression), f"the workflow uses ${{{{ {expression} }}}}"
    return ""


def substitute(text: str, outputs: Mapping[str, Mapping[str, str]]) -> str:
    """`text` with every `${{ ... }}` replaced by its value."""
    return EXPRESSION.sub(lambda found: _value(found.group(1), outputs), text)


def condition_holds(condition: str, outputs: Mapping[str, Mapping[str, str]]) -> bool:
    inner = EXPRESSION.fullmatch(condition.strip())
    found = CONDITION.match(inner.group(1) if inner else condition.strip())
    assert found, f"the workflow has `if: {condition}`"
    step, key, operator, expected = found.groups()
    value = outputs.get(step, {}).get(key, "")
    return (value == expected) == (operator == "==")


def _read_outputs(path: Path) -> dict[str, str]:
    """KEY=VALUE lines a step appended to $GITHUB_OUTPUT."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return dict(line.split("=", 1) for line in lines if "=" in line)


def python_environment(folder: Path) -> Path:
    """A virtual environment that also sees the test environment's packages; its bin folder."""
    venv.EnvBuilder(with_pip=True).create(folder)
    (site_packages,) = (folder / "lib").glob("python3*/site-packages")
    (site_packages / "test-environment.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    return folder / "bin"


def run_job(project: Path, workdir: Path, job: str = "test") -> list[StepRun]:
    """Run the job of .github/workflows/ci.yml in `project`; fail on the first failing step."""
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"][job]["steps"]
    python_bin = python_environment(workdir / "runner-python")
    base = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    base.pop("VIRTUAL_ENV", None)
    base.pop("PYTHONPATH", None)
    base.update(TEST_IDENTITY)
    base.update(
        PATH=os.pathsep.join([str(python_bin), str(BIN), base.get("PATH", "")]),
        CI="true",
        GITHUB_ACTIONS="true",
        DVC_NO_ANALYTICS="1",
        PIP_NO_INDEX="1",  # everything the project needs is installed already
        PIP_NO_BUILD_ISOLATION="0",  # pip reads this "no" option inverted: 0 builds in place
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    for level in (workflow, workflow["jobs"][job]):
        base.update({key: str(value) for key, value in (level.get("env") or {}).items()})
    outputs: dict[str, dict[str, str]] = {}
    done = []
    for number, step in enumerate(steps):
        name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        if "uses" in step or ("if" in step and not condition_holds(step["if"], outputs)):
            done.append(StepRun(name, ran=False))
            continue
        output_file = workdir / f"step-{number}.output"
        env = dict(base, GITHUB_OUTPUT=str(output_file))
        env.update(
            {key: substitute(str(value), outputs) for key, value in step.get("env", {}).items()}
        )
        assert "${{" not in step["run"], f"step {name!r} has an expression in its script"
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        printed = result.stdout + result.stderr
        assert result.returncode == 0, (
            f"step {name!r} exited {result.returncode}\n{printed[-6000:]}"
        )
        if "id" in step:
            outputs[step["id"]] = _read_outputs(output_file)
        done.append(StepRun(name, ran=True, output=printed))
    return done


def step(runs: list[StepRun], name: str) -> StepRun:
    """The run of the step called `name`."""
    (found,) = [run for run in runs if run.name == name]
    return found


if __name__ == "__main__":  # run the job of the project given, e.g. after editing a workflow
    for run in run_job(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()):
        print(f"{'ran    ' if run.ran else 'skipped'} {run.name}")
