{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/experiments.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The Experiments table: every MLflow run of the project, what it changed and what it scored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..core.errors import ProjectError
from ..core.tracking import BATCH_TAG, SERVED_TAG, TEST_PREFIX, connect
from .report_blocks import markdown_table

MAX_RUNS = 15  # the most recent ones; MLflow's UI (`make mlflow-ui`) has them all


@dataclass(frozen=True)
class RunSummary:
    """One training run: when, which parameters, which held-out score."""

    run_id: str
    started: dt.datetime
    params: Mapping[str, str]
    score: float | None


def load_runs(experiment: str, metric: str) -> list[RunSummary]:
    """The finished runs of `experiment`, oldest first, scored by `test_<metric>`; a run nested
    in another (one training seed of several) is part of its parent's row, and the sibling runs
    of one train stage (one per model) are one row, the served model's."""
    import mlflow

    connect()
    client = mlflow.MlflowClient()
    found = client.get_experiment_by_name(experiment)
    if found is None:
        return []
    runs = client.search_runs(
        [found.experiment_id],
        "attributes.status = 'FINISHED'",
        order_by=["attributes.start_time ASC"],
    )
    runs = [run for run in runs if "mlflow.parentRunId" not in run.data.tags]
    batches: dict[str, list] = {}
    for run in runs:
        batches.setdefault(run.data.tags.get(BATCH_TAG) or run.info.run_id, []).append(run)
    shown = {
        (served or members)[0].info.run_id
        for members in batches.values()
        for served in [[run for run in members if run.data.tags.get(SERVED_TAG) == "true"]]
    }
    return [
        RunSummary(
            run_id=run.info.run_id,
            started=dt.datetime.fromtimestamp(run.info.start_time / 1000, dt.UTC),
            params=run.data.params,
            score=run.data.metrics.get(f"{TEST_PREFIX}{metric}", run.data.metrics.get(metric)),
        )
        for run in runs
        if run.info.run_id in shown
    ]


def changes(params: Mapping[str, str], reference: Mapping[str, str]) -> str:
    """`key=value` for every parameter that differs from the reference run."""
    changed = [
        f"`{key}={value}`" for key, value in sorted(params.items()) if reference.get(key) != value
    ]
    return ", ".join(changed) or "same parameters"


def runs_table(
    runs: Sequence[RunSummary], column: str, current: str | None, places: int = 4
) -> str:
    """Each run against the first one of its kind (the same parameter names: the same model);
    `column` names the score, shown to `places` decimals."""
    if not runs:
        return "_No finished MLflow run in this project's experiment yet._"
    if len(runs) == 1:  # a table of one "first run" row says less than a sentence
        whose = "this page's, " if runs[0].run_id == current else ""
        started = runs[0].started.strftime("%Y-%m-%d %H:%M")
        return (
            f"One training run so far ({whose}started {started} UTC). Try a variant with "
            "`dvc exp run -S seed=1` (any key of params.yaml): each run is then listed here "
            "against the first, and `dvc exp show` and `make mlflow-ui` compare them."
        )
    firsts: dict[frozenset[str], RunSummary] = {}
    rows = []
    for number, run in enumerate(runs, start=1):
        reference = firsts.setdefault(frozenset(run.params), run)
        if number <= len(runs) - MAX_RUNS:
            continue
        name = f"{number}" + (" (this page)" if run.run_id == current else "")
        what = "first run" if reference is run else changes(run.params, reference.params)
        score = "–" if run.score is None else f"{run.score:.{places}f}"
        rows.append([name, run.started.strftime("%Y-%m-%d %H:%M"), what, score])
    note = (
        "Every training run tracked in MLflow, against the first run of the same model. Try a "
        "variant with `dvc exp run -S seed=1` (any key of params.yaml); `dvc exp show` and "
        "`make mlflow-ui` compare them."
    )
    return note + "\n\n" + markdown_table(["run", "started (UTC)", "changed", column], rows)


def experiments_section(
    experiment: str, metric: str, column: str, current: str | None, places: int = 4
) -> str:
    """The table, or one line saying why it cannot be shown (the store is out of reach)."""
    try:
        runs = load_runs(experiment, metric)
    except ProjectError as error:
        return f"_The MLflow runs could not be read: {error}._"
    return runs_table(runs, column, current, places)
