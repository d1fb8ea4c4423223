"""Model selection: each candidate grid-searched on the same stratified folds; the best wins."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from .candidates import build_candidate
from .config import Config
from .core.errors import ConfigError, DataError
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

    def summary(self) -> dict[str, Any]:
        """JSON-ready: what reports/cv_results.json holds."""
        return {
            "scoring": self.scoring,
            "cv_folds": len(self.best.fold_scores),
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


def scorer_name(scoring: str, n_classes: int) -> str:
    """scikit-learn's scorer for the score params.yaml names."""
    # Plain roc_auc handles two classes; one-vs-rest is its usual multiclass form.
    return "roc_auc_ovr" if scoring == "roc_auc" and n_classes > 2 else scoring


def check_class_sizes(labels: pd.Series, folds: int) -> None:
    """Stratified k-fold needs every class in every fold."""
    counts = labels.value_counts()
    small = counts[counts < folds]
    if len(small):
        raise DataError(
            f"class(es) {small.to_dict()} have fewer training rows than train.cv_folds={folds}; "
            "lower train.cv_folds or add rows"
        )


def select_model(
    features: pd.DataFrame, labels: pd.Series, schema: FeatureSchema, config: Config
) -> Selection:
    """Grid-search every candidate with k-fold CV; refit the best on all of `features`."""
    check_class_sizes(labels, config.train.cv_folds)
    folds = StratifiedKFold(config.train.cv_folds, shuffle=True, random_state=config.seed)
    scoring = scorer_name(config.train.scoring, len(schema.classes))
    searches: dict[str, GridSearchCV] = {}
    # On tables this small, OpenMP threads cost more than they save (one HistGradientBoosting
    # fit: 0.13 s on one thread, 3 s on two, on a 2-core laptop); n_jobs parallelises instead.
    with threadpool_limits(limits=1):
        for name, grid in config.train.candidates.items():
            estimator, grid = build_candidate(name, grid, config.seed)
            pipeline = Pipeline(
                [
                    ("preprocess", build_preprocessor(schema, config.train.preprocess)),
                    ("model", estimator),
                ]
            )
            search = GridSearchCV(
                pipeline,
                {f"model__{parameter}": values for parameter, values in grid.items()},
                scoring=scoring,
                cv=folds,
                n_jobs=config.train.n_jobs,
                error_score="raise",
            )
            try:
                search.fit(features, labels)
            except ValueError as error:
                raise ConfigError(
                    f"the grid search of {name} failed: {str(error).splitlines()[0]} "
                    f"(check train.candidates.{name}; DEBUG=1 shows the traceback)"
                ) from error
            searches[name] = search
    results = [_result(name, search, config.train.cv_folds) for name, search in searches.items()]
    best = max(results, key=lambda result: result.mean)  # the first listed wins a tie
    return Selection(scoring, results, best, searches[best.name].best_estimator_)


def _result(name: str, search: GridSearchCV, folds: int) -> CandidateResult:
    index = search.best_index_
    scores = [float(search.cv_results_[f"split{fold}_test_score"][index]) for fold in range(folds)]
    params = {key.removeprefix("model__"): value for key, value in search.best_params_.items()}
    return CandidateResult(name, params, scores)
