"""Model selection: each candidate grid-searched on the same k folds; the best wins and its
out-of-fold residuals set the width of the prediction intervals."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from .candidates import build_candidate, on_log_scale
from .config import Config
from .core.errors import ConfigError, DataError
from .core.prediction_interval import Interval, conformal_half_width
from .features import FeatureSchema
from .preprocessing import build_preprocessor


@dataclass(frozen=True)
class CandidateResult:
    """How one candidate did: its best grid point and that point's score on each CV fold."""

    name: str
    params: dict[str, Any]
    fold_scores: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.fold_scores)

    @property
    def std(self) -> float:
        return statistics.pstdev(self.fold_scores)  # as scikit-learn's std_test_score


@dataclass(frozen=True)
class Selection:
    """The outcome: every candidate's CV results, and the winner refit on all training rows."""

    scoring: str
    results: list[CandidateResult]
    best: CandidateResult
    model: Pipeline
    interval: Interval

    def summary(self) -> dict[str, Any]:
        """JSON-ready: what reports/cv_results.json holds."""
        return {
            "scoring": self.scoring,
            "cv_folds": len(self.best.fold_scores),
            "log_target": self.interval.log_scale,
            "best": self.best.name,
            "candidates": {
                result.name: {
                    "mean": result.mean,
                    "std": result.std,
                    "folds": result.fold_scores,
                    "params": result.params,
                }
                for result in self.results
            },
        }


def check_log_target(target: pd.Series, log_target: bool) -> None:
    """log(1 + target) needs every target above -1."""
    if log_target and target.min() <= -1:
        raise DataError(
            f"train.log_target: true needs a target above -1, but `{target.name}` goes down to "
            f"{target.min():g}; set train.log_target: false"
        )


def out_of_fold_interval(
    model: Pipeline, features: pd.DataFrame, target: pd.Series, folds: KFold, config: Config
) -> Interval:
    """Interval width from the chosen model's residuals on rows it was not fitted on."""
    predicted = cross_val_predict(clone(model), features, target, cv=folds, n_jobs=1)
    log_scale = config.train.log_target
    residuals = (
        np.log1p(target.to_numpy()) - np.log1p(predicted)
        if log_scale
        else target.to_numpy() - predicted
    )
    level = config.train.interval_level
    return Interval(level, conformal_half_width(residuals, level), log_scale, len(residuals))


def select_model(
    features: pd.DataFrame, target: pd.Series, schema: FeatureSchema, config: Config
) -> Selection:
    """Grid-search every candidate with k-fold CV; refit the best on all of `features`."""
    check_log_target(target, config.train.log_target)
    if len(target) < 2 * config.train.cv_folds:
        raise DataError(
            f"{len(target)} training rows are too few for train.cv_folds={config.train.cv_folds}"
        )
    folds = KFold(config.train.cv_folds, shuffle=True, random_state=config.seed)
    prefix = "model__regressor__" if config.train.log_target else "model__"
    searches: dict[str, GridSearchCV] = {}
    # On tables this small, OpenMP threads cost more than they save; n_jobs parallelises instead.
    with threadpool_limits(limits=1):
        for name, grid in config.train.candidates.items():
            estimator, grid = build_candidate(name, grid, config.seed)
            if config.train.log_target:
                estimator = on_log_scale(estimator)
            pipeline = Pipeline(
                [
                    ("preprocess", build_preprocessor(schema, config.train.preprocess)),
                    ("model", estimator),
                ]
            )
            search = GridSearchCV(
                pipeline,
                {f"{prefix}{parameter}": values for parameter, values in grid.items()},
                scoring=config.train.scoring,
                cv=folds,
                n_jobs=config.train.n_jobs,
                error_score="raise",
            )
            try:
                search.fit(features, target)
            except ValueError as error:
                raise ConfigError(
                    f"the grid search of {name} failed: {str(error).splitlines()[0]} "
                    f"(check train.candidates.{name}; DEBUG=1 shows the traceback)"
                ) from error
            searches[name] = search
        results = [
            _result(name, search, config.train.cv_folds, prefix)
            for name, search in searches.items()
        ]
        best = max(results, key=lambda result: result.mean)  # the first listed wins a tie
        model = searches[best.name].best_estimator_
        interval = out_of_fold_interval(model, features, target, folds, config)
    return Selection(config.train.scoring, results, best, model, interval)


def _result(name: str, search: GridSearchCV, folds: int, prefix: str) -> CandidateResult:
    index = search.best_index_
    scores = [float(search.cv_results_[f"split{fold}_test_score"][index]) for fold in range(folds)]
    params = {key.removeprefix(prefix): value for key, value in search.best_params_.items()}
    return CandidateResult(name, params, scores)
