"""reports/evaluation.json of the tabular regressor: R² with its interval, the baselines compared
on the same rows (paired bootstrap), findings about the errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import Config
from ..metrics import HEADLINE, regression_metrics
from ..regression.baselines import best_single_feature, mean_prediction
from ..regression.findings import (
    heteroscedasticity,
    interval_coverage,
    largest_errors,
    versus_baseline,
)
from ..regression.intervals import bootstrap_interval, paired_bootstrap
from ..regression.seeds import seed_finding
from ..regression.slices import slice_finding
from .evidence import Baseline, FigureEntry, Headline, read_data_checks, write_evaluation

UNIT = "held-out rows"


def baselines(
    train: tuple[pd.DataFrame, pd.Series], test_features: pd.DataFrame, seed: int
) -> list[tuple[Baseline, np.ndarray]]:
    """The training mean and the best single-feature model, each with its held-out predictions."""
    train_features, train_target = train
    found = []
    mean = mean_prediction(train_target, len(test_features))
    found.append((f"always answers {train_target.mean():.4g}", "training mean", mean))
    single = best_single_feature(train_features, train_target, seed)
    if single is not None:
        how = {"line": "a straight line", "tree": "a small tree", "means": "its mean per value"}
        found.append(
            (
                f"`{single.column}` alone, {how[single.kind]}",
                "best single feature",
                single.predict(test_features[single.column]),
            )
        )
    return [(Baseline(name, description, {}), predicted) for description, name, predicted in found]


def captions(paths: list[Path], rows: int, target: str, scoring: str, folds: int) -> list:
    """Each figure with what it shows, predicted against actual first."""
    said = {
        "predicted_vs_actual": f"Predicted against actual `{target}` on the {rows} {UNIT}, "
        "with each row's prediction interval; on the dashed line the model is exactly right",
        "residuals_vs_predicted": f"Residuals against predictions on the {rows} {UNIT}: a "
        "funnel means the error size depends on the prediction",
        "error_by_range": f"Mean absolute error in each quarter of the true `{target}` values",
        "permutation_importance": f"Permutation importance: how much the held-out {scoring} "
        "drops when one column is shuffled (mean ± std over the shuffles)",
        "cv_comparison": f"Model selection: each candidate's {folds}-fold cross-validated "
        f"{scoring} on the training rows (mean ± std)",
    }
    return [FigureEntry(path.as_posix(), said.get(path.stem, path.stem)) for path in paths]


def importance_finding(importances: pd.DataFrame, scoring: str) -> list[str]:
    """The column whose shuffling hurts the held-out score most."""
    if importances.empty:
        return []
    name = importances["mean"].idxmax()
    top = importances.loc[name]
    return [
        f"Shuffling `{name}` costs the model most: held-out {scoring} drops by "
        f"{top['mean']:.4f} (± {top['std']:.4f})."
    ]


def selection_finding(summary: dict[str, Any]) -> list[str]:
    """Which candidate won the cross-validation, and the runner-up."""
    candidates, best = summary["candidates"], summary["best"]
    sentence = (
        # "a mean ... of": the held-out number of the same name is another one (mlport check)
        f"`{best}` won the {summary['cv_folds']}-fold cross-validation with a mean "
        f"{summary['scoring']} of {candidates[best]['mean']:.4f}"
    )
    others = {name: result for name, result in candidates.items() if name != best}
    if others:
        second = max(others, key=lambda name: others[name]["mean"])
        sentence += f", ahead of `{second}` at {others[second]['mean']:.4f}"
    if summary.get("log_target"):
        sentence += ", every candidate fitted on log(1 + target)"
    return [sentence + "."]


def write(
    *,
    truth: np.ndarray,
    predicted: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray] | None,
    interval_level: float | None,
    metrics: dict[str, float],
    seeds: dict[str, Any] | None = None,
    train: tuple[pd.DataFrame, pd.Series],
    test_features: pd.DataFrame,
    importances: pd.DataFrame,
    cv_summary: dict[str, Any],
    figures: list[Path],
    config: Config,
    slices: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write reports/evaluation.json for this run."""
    seed, resamples = config.seed, config.evaluate.bootstrap_resamples
    target = train[1].name
    headline = Headline(
        metric=HEADLINE,
        label="R²",
        value=metrics[HEADLINE],
        n=len(truth),
        unit=UNIT,
        interval=bootstrap_interval(truth, predicted, seed=seed, resamples=resamples),
    )
    scored, findings = [], largest_errors(truth, predicted, str(target))
    for baseline, rival in baselines(train, test_features, seed):
        scored.append(
            Baseline(baseline.name, baseline.description, regression_metrics(truth, rival))
        )
        comparison = paired_bootstrap(truth, predicted, rival, seed=seed, resamples=resamples)
        findings.append(versus_baseline(baseline.name, baseline.description, comparison))
    findings += heteroscedasticity(truth, predicted, bool(cv_summary.get("log_target")))
    findings += seed_finding(seeds)
    if bounds is not None and interval_level is not None:
        findings += interval_coverage(truth, *bounds, interval_level)
    findings += importance_finding(importances, config.train.scoring)
    findings += selection_finding(cv_summary)
    findings += slice_finding(slices)
    return write_evaluation(
        headline,
        scored,
        findings,
        read_data_checks(),
        captions(figures, len(truth), str(target), config.train.scoring, cv_summary["cv_folds"]),
    )
