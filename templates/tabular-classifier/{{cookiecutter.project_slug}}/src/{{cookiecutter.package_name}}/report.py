"""Stage `report`: write this run's results into README.md and MODEL_CARD.md (between markers)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .config import (
    CV_RESULTS_JSON,
    FIGURES_DIR,
    METRICS_JSON,
    MODEL_DIR,
    RUN_FILE,
    TEST_CSV,
    Config,
    load_config,
)
from .errors import ProjectError
from .features import load_schema
from .metrics import averaging, positive_class
from .report_blocks import image, markdown_table, provenance, replace_block
from .stage import run_stage
from .tracking import RunRecord, load_run_record

README = Path("README.md")
MODEL_CARD = Path("MODEL_CARD.md")


@dataclass(frozen=True)
class Results:
    """Everything the report shows, read from the files the earlier stages wrote."""

    metrics: dict[str, float]
    cv: dict[str, Any]
    positive: str | None
    test_rows: int
    seed: int
    run: RunRecord | None


FIGURES = {
    "confusion_matrix": "Confusion matrix",
    "roc_curve": "ROC curve",
    "precision_recall_curve": "Precision-recall curve",
    "cv_comparison": "Cross-validated comparison of the candidates",
    "permutation_importance": "Permutation importance",
}


def load_results(config: Config) -> Results:
    """Gather what the data, train and evaluate stages wrote."""
    for path in (METRICS_JSON, CV_RESULTS_JSON):
        if not path.is_file():
            raise ProjectError(f"{path} is missing: run `dvc repro` to train and evaluate first")
    schema = load_schema(MODEL_DIR)
    return Results(
        metrics=json.loads(METRICS_JSON.read_text(encoding="utf-8")),
        cv=json.loads(CV_RESULTS_JSON.read_text(encoding="utf-8")),
        positive=positive_class(schema.classes, config.evaluate.positive_class),
        test_rows=len(pd.read_csv(TEST_CSV)),
        seed=config.seed,
        run=load_run_record(MODEL_DIR / RUN_FILE),
    )


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in params.items()) or "defaults"


def headline(results: Results) -> str:
    """One sentence: how many test rows, which model, how it was chosen, how metrics average."""
    best = results.cv["best"]
    return (
        f"**{results.test_rows} held-out test rows**, never seen during model selection. "
        f"Model: `{best}` ({_params(results.cv['candidates'][best]['params'])}), chosen by "
        f"{results.cv['cv_folds']}-fold cross-validated {results.cv['scoring']}. "
        f"Precision, recall and F1: {averaging(results.positive)}."
    )


def metrics_table(results: Results) -> str:
    """reports/metrics.json as a table, every number to 4 decimals."""
    return markdown_table(["metric", "held-out value"], list(results.metrics.items()))


def cv_table(results: Results) -> str:
    """Each candidate's best grid point and its CV score, the chosen one in bold."""
    rows = [
        (
            f"**{name}** (chosen)" if name == results.cv["best"] else name,
            _params(result["params"]),
            result["mean"],
            result["std"],
        )
        for name, result in results.cv["candidates"].items()
    ]
    header = ["candidate", "best grid point", f"CV {results.cv['scoring']} (mean)", "std"]
    return markdown_table(header, rows)


def figure_row(names: list[str], width: int) -> str:
    """Figures side by side (HTML images: Markdown cannot size them)."""
    return " ".join(image(FIGURES_DIR / f"{name}.png", FIGURES[name], width) for name in names)


def provenance_lines(results: Results) -> str:
    """Where the numbers come from: data fingerprint, MLflow run, registered model, date."""
    run = results.run
    lines = provenance(run.run_id if run else None, run.tracking_uri if run else None)
    if run and run.registered_model:
        lines += f"\n- Registered model: `{run.registered_model}` version {run.model_version}"
    return lines


def readme_block(results: Results) -> str:
    """The README's results: headline, metrics, curves, model selection, provenance."""
    return "\n\n".join(
        [
            headline(results),
            metrics_table(results),
            figure_row(["confusion_matrix", "roc_curve", "precision_recall_curve"], 270),
            "**Model selection** on the training rows (stratified k-fold CV, the same folds "
            "for every candidate, each at its best grid point):",
            cv_table(results),
            figure_row(["cv_comparison", "permutation_importance"], 410),
            provenance_lines(results),
        ]
    )


def model_card_block(results: Results) -> str:
    """The model card's Evaluation section: testing data, then the same results."""
    return "\n\n".join(
        [
            "### Testing data",
            f"{results.test_rows} rows held out by a stratified split (seed {results.seed}) "
            "before any model selection, and used once, for these numbers.",
            "### Results",
            headline(results),
            metrics_table(results),
            cv_table(results),
            figure_row(["confusion_matrix", "roc_curve"], 270),
            provenance_lines(results),
        ]
    )


def report(config: Config) -> None:
    """Rewrite the results blocks of README.md and MODEL_CARD.md from this run's outputs."""
    results = load_results(config)
    replace_block(README, readme_block(results))
    replace_block(MODEL_CARD, model_card_block(results))
    print(f"report: results written into {README} and {MODEL_CARD}")


def main() -> None:
    """`python -m ...report`: write the results into README.md and MODEL_CARD.md."""
    report(load_config())


if __name__ == "__main__":
    run_stage(main)
