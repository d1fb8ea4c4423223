"""Stage `report`: write this run's results into README.md and MODEL_CARD.md (between markers)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .config import (
    CV_RESULTS_JSON,
    METRICS_JSON,
    MODEL_DIR,
    RUN_FILE,
    TEST_CSV,
    TRAIN_CSV,
    Config,
    load_config,
)
from .core.errors import ProjectError
from .core.prediction_interval import Interval, load_interval
from .core.stage import run_stage
from .core.tracking import load_run_record
from .features import FeatureSchema, load_schema
from .regression.seeds import SEEDS_JSON, seed_section
from .regression.slices import SLICES_JSON, slice_section
from .reporting.page import Identity, Page, write_documents
from .reporting.report_blocks import markdown_table, provenance


def _read(path: Any) -> dict[str, Any]:
    if not path.is_file():
        raise ProjectError(f"{path} is missing: run `dvc repro` to train and evaluate first")
    return json.loads(path.read_text(encoding="utf-8"))


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in params.items()) or "defaults"


def data_facts(config: Config, schema: FeatureSchema) -> list[str]:
    """What the table used holds, measured on the split the data stage wrote."""
    target = pd.concat(
        [
            pd.read_csv(path, usecols=[schema.target])[schema.target]
            for path in (TRAIN_CSV, TEST_CSV)
        ]
    ).astype(float)
    numeric, categorical = schema.columns("number"), schema.columns("category")
    facts = [
        f"The table used (`{config.data.source}`) has {len(target)} rows and "
        f"{len(schema.features)} feature columns ({len(numeric)} numeric, "
        f"{len(categorical)} categorical); the column `{schema.target}` holds the target, "
        f"from {target.min():.4g} to {target.max():.4g} (median {target.median():.4g}, "
        f"standard deviation {target.std():.4g}, skewness {target.skew():.2f}).",
    ]
    if config.data.drop_columns:
        dropped = ", ".join(f"`{name}`" for name in config.data.drop_columns)
        facts.append(f"Not used as features: {dropped}.")
    test_rows = int(len(pd.read_csv(TEST_CSV, usecols=[schema.target])))
    facts.append(
        f"{test_rows} rows ({config.data.test_size:.0%}) were held out by a seeded random "
        "split before any model selection, and used once, for the numbers above."
    )
    return facts


def cv_table(cv: dict[str, Any]) -> str:
    """Each candidate's best grid point and its CV score, the chosen one in bold."""
    rows = [
        (
            f"**{name}** (chosen)" if name == cv["best"] else name,
            _params(result["params"]),
            result["mean"],
            result["std"],
        )
        for name, result in cv["candidates"].items()
    ]
    header = ["candidate", "best grid point", f"CV {cv['scoring']} (mean)", "std"]
    return markdown_table(header, rows)


def interval_sentence(interval: Interval) -> str:
    """How the API's prediction intervals are made, in one clause."""
    scale = " on the log scale" if interval.log_scale else ""
    return (
        f"; the API's {interval.level:.0%} prediction intervals are split-conformal: the "
        f"prediction ± {interval.half_width:.4g}{scale}, the quantile of {interval.residuals} "
        "out-of-fold residuals from cross-validation on the training rows"
    )


def build_page(config: Config) -> tuple[Page, Identity]:
    """Everything the README and model card show, from the files the earlier stages wrote."""
    metrics = _read(METRICS_JSON)
    cv = _read(CV_RESULTS_JSON)
    schema = load_schema(MODEL_DIR)
    run = load_run_record(MODEL_DIR / RUN_FILE)
    best = cv["best"]
    interval = load_interval(MODEL_DIR)
    provenance_text = provenance(run.run_id if run else None, run.tracking_uri if run else None)
    if run and run.registered_model:
        provenance_text += (
            f"\n- Registered model: `{run.registered_model}` version {run.model_version}"
        )
    seconds = cv.get("train_seconds")
    compute = (
        f"{cv.get('device', 'cpu').upper()}, {seconds:.1f} s of grid search and refit"
        if seconds is not None
        else "CPU (wall time not recorded by this run)"
    )
    page = Page(
        metrics=metrics,
        about=config.data.about,
        data_facts=data_facts(config, schema),
        model=f"`{best}` ({_params(cv['candidates'][best]['params'])})"
        + (", fitted on log(1 + target)" if cv.get("log_target") else "")
        + f", chosen by {cv['cv_folds']}-fold cross-validated {cv['scoring']} among "
        f"{len(cv['candidates'])} candidates; RMSE and MAE are in the units of "
        f"`{schema.target}`" + (interval_sentence(interval) if interval else ""),
        provenance=provenance_text,
        compute=compute,
        details=[cv_table(cv)],
        card_details=slice_section(_read(SLICES_JSON))
        + seed_section(_read(SEEDS_JSON) if config.evaluate.seeds else None),
    )
    identity = Identity.of(
        config.mlflow, "tabular-regression", config.data.source, run.run_id if run else None
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
