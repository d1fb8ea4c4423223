"""Stage `report`: write this run's results into README.md and MODEL_CARD.md (between markers)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .config import (
    METRICS_JSON,
    MODEL_DIR,
    RUN_FILE,
    SELECTION_JSON,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.errors import ProjectError
from .core.stage import run_stage
from .core.tracking import load_run_record
from .features import FeatureSchema, load_schema
from .reporting.page import Identity, Page, write_documents
from .reporting.report_blocks import markdown_table, provenance

SETTING = {"kmeans": "k", "gaussian_mixture": "k", "hdbscan": "min_cluster_size"}


def _read(path: Any) -> dict[str, Any]:
    if not path.is_file():
        raise ProjectError(f"{path} is missing: run `dvc repro` to train and evaluate first")
    return json.loads(path.read_text(encoding="utf-8"))


def data_facts(config: Config, schema: FeatureSchema) -> list[str]:
    """What the table used holds, counted from the split the data stage wrote."""
    rows = [len(pd.read_csv(path)) for path in (TRAIN_CSV, TEST_CSV)]
    numeric, categorical = schema.columns("number"), schema.columns("category")
    facts = [
        f"The table used (`{config.data.source}`) has {sum(rows)} rows and "
        f"{len(schema.features)} feature columns ({len(numeric)} numeric, "
        f"{len(categorical)} categorical); numbers are imputed (median) and standardised, "
        "text is one-hot encoded, so every column weighs alike.",
    ]
    if config.data.label:
        facts.append(
            f"The column `{config.data.label}` is never a feature: it only checks the clusters "
            "afterwards (adjusted Rand index)."
        )
    else:
        facts.append(
            "The table has no known grouping: the clusters are judged by their shape alone."
        )
    if config.data.drop_columns:
        dropped = ", ".join(f"`{name}`" for name in config.data.drop_columns)
        facts.append(f"Not used as features: {dropped}.")
    facts.append(
        f"{rows[1]} rows ({config.data.test_size:.0%}) were held out by a seeded split before any "
        "model selection; they are only assigned to clusters, for the numbers above."
    )
    return facts


def families_table(summary: dict[str, Any]) -> str:
    """Each family's chosen setting, clusters, silhouette, BIC and stability; the winner bold."""
    rows = []
    for name, family in summary["families"].items():
        rows.append(
            (
                f"**{name}** (served)" if name == summary["best"] else name,
                f"{SETTING[name]} = {family['setting']}",
                family["clusters"],
                family["silhouette"] if family["silhouette"] is not None else "–",
                family["bic"] if family["bic"] is not None else "–",
                family["stability_ari"],
            )
        )
    header = [
        "family",
        "chosen by its criterion",
        "clusters",
        "training silhouette",
        "BIC",
        "stability (ARI)",
    ]
    return markdown_table(header, rows)


def build_page(config: Config) -> tuple[Page, Identity]:
    """Everything the README and model card show, from the files the earlier stages wrote."""
    metrics = _read(METRICS_JSON)
    summary = _read(SELECTION_JSON)
    schema = load_schema(MODEL_DIR)
    run = load_run_record(MODEL_DIR / RUN_FILE)
    best = summary["best"]
    family = summary["families"][best]
    provenance_text = provenance(run.run_id if run else None, run.tracking_uri if run else None)
    if run and run.registered_model:
        provenance_text += (
            f"\n- Registered model: `{run.registered_model}` version {run.model_version}"
        )
    seconds = summary.get("train_seconds")
    compute = (
        f"{summary.get('device', 'cpu').upper()}, {seconds:.1f} s to compare the families and fit"
        if seconds is not None
        else "CPU (wall time not recorded by this run)"
    )
    anomaly = (
        " and an isolation forest scoring how unusual each row is"
        if (config.train.anomaly.enabled)
        else ""
    )
    page = Page(
        metrics=metrics,
        about=config.data.about,
        data_facts=data_facts(config, schema),
        model=f"`{best}` ({SETTING[best]} = {family['setting']}, {family['clusters']} clusters)"
        f"{anomaly}, chosen by training silhouette among {len(summary['families'])} families",
        provenance=provenance_text,
        compute=compute,
        details=[families_table(summary)],
    )
    identity = Identity.of(
        config.mlflow, "clustering", config.data.source, run.run_id if run else None
    )
    return page, identity


def report(config: Config) -> None:
    """Rewrite the results blocks of README.md and MODEL_CARD.md from this run's outputs."""
    write_documents(*build_page(config))


def main() -> None:
    """`python -m ...report`: write the results into README.md and MODEL_CARD.md."""
    report(load_config())


if __name__ == "__main__":
    run_stage(main)
