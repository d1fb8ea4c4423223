"""The classical baseline: TF-IDF word and character n-grams, logistic regression tuned by CV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .config import BaselineConfig

MODEL_FILE = "model.joblib"


def build_pipeline(cfg: BaselineConfig, seed: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    common = {
        "min_df": cfg.min_df,
        "max_features": cfg.max_features,
        "sublinear_tf": True,
        "dtype": np.float32,
    }
    # IMDB's <br /> tags would otherwise be the top "words"; the token pattern keeps don't, it's.
    parts = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=tuple(cfg.word_ngrams),
                strip_accents="unicode",
                token_pattern=r"(?u)\b\w[\w']*\b",
                stop_words=["br"],
                **common,
            ),
        )
    ]
    if cfg.char_ngrams:
        parts.append(
            (
                "char",
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(cfg.char_ngrams), **common),
            )
        )
    classifier = LogisticRegression(max_iter=cfg.max_iter, random_state=seed)
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", classifier)])


def fit(texts: list[str], labels: list[str], cfg: BaselineConfig, seed: int) -> tuple[Any, dict]:
    """Fit the TF-IDF features once, then choose C by stratified k-fold CV on them.

    Fitting the vocabulary inside every fold would repeat the slowest step (character n-grams
    of 25,000 reviews) folds x grid times; the IDF weights leak a little across folds, which
    barely moves C and never touches the test split.
    """
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    pipeline = build_pipeline(cfg, seed)
    features = pipeline.named_steps["features"]
    matrix = features.fit_transform(texts)
    search = GridSearchCV(
        clone(pipeline.named_steps["classifier"]),
        {"C": list(cfg.C_grid)},
        cv=StratifiedKFold(cfg.cv_folds, shuffle=True, random_state=seed),
        scoring="accuracy",
        n_jobs=1,
    )
    search.fit(matrix, np.asarray(labels))
    pipeline.steps[-1] = ("classifier", search.best_estimator_)
    info = {
        "best_C": float(search.best_params_["C"]),
        "cv_accuracy": float(search.best_score_),
        "n_features": int(matrix.shape[1]),
        "cv_results": {
            str(c): float(s)
            for c, s in zip(cfg.C_grid, search.cv_results_["mean_test_score"], strict=True)
        },
    }
    return pipeline, info


def save(pipeline: Any, directory: Path) -> None:
    import joblib

    joblib.dump(pipeline, directory / MODEL_FILE, compress=3)


class BaselineModel:
    """A fitted pipeline behind the common interface: `classes` and `predict_proba(texts)`."""

    kind = "baseline"

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.classes = [str(c) for c in pipeline.classes_]

    @classmethod
    def load(cls, directory: Path) -> BaselineModel:
        import joblib

        return cls(joblib.load(directory / MODEL_FILE))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.pipeline.predict_proba(list(texts))


def top_ngrams(pipeline: Any, k: int, word_only: bool = True) -> dict[str, list[dict]]:
    """The n-grams whose weights push hardest towards each class (word n-grams unless asked)."""
    names = pipeline.named_steps["features"].get_feature_names_out()
    classifier = pipeline.named_steps["classifier"]
    classes = [str(c) for c in classifier.classes_]
    coef = classifier.coef_
    keep = np.array([not word_only or n.startswith("word__") for n in names])
    names = np.array([n.split("__", 1)[1] for n in names])
    rows = [-coef[0], coef[0]] if coef.shape[0] == 1 else list(coef)
    result = {}
    for cls, weights in zip(classes, rows, strict=True):
        weights = np.where(keep, weights, -np.inf)
        order = np.argsort(-weights, kind="stable")[:k]
        result[cls] = [
            {"ngram": str(names[i]), "weight": round(float(weights[i]), 4)} for i in order
        ]
    return result
