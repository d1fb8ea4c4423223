"""One tiny training of each model, without MLflow: it learns, and predicts the same reloaded."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from {{ cookiecutter.package_name }} import baseline, neural
from {{ cookiecutter.package_name }}.config import BaselineConfig, NeuralConfig, TransformerConfig
from {{ cookiecutter.package_name }}.core.errors import ConfigError
from {{ cookiecutter.package_name }}.metrics import classification_metrics, positive_class
from {{ cookiecutter.package_name }}.predict import load_model

from .conftest import shipped, synthetic_reviews

CLASSES = ["negative", "positive"]


def _split(n: int, seed: int) -> tuple[list[str], list[str]]:
    rows = synthetic_reviews(n, seed)
    return [t for t, _ in rows], [y for _, y in rows]


TRANSFORMER = TransformerConfig(**shipped("train", "transformer"))


def _write_meta(directory: Path, kind: str) -> None:
    (directory / "meta.json").write_text(json.dumps({"kind": kind}))


def test_baseline_learns_and_names_its_ngrams(tmp_path: Path) -> None:
    texts, labels = _split(40, 0)
    cfg = BaselineConfig(
        **shipped("train", "baseline")
        | dict(char_ngrams=[2, 4], min_df=1, C_grid=[1.0, 4.0], cv_folds=2)
    )
    pipeline, info = baseline.fit(texts, labels, cfg, seed=0)
    assert info["best_C"] in (1.0, 4.0) and info["n_features"] > 0
    test_texts, test_labels = _split(30, 1)
    model = baseline.BaselineModel(pipeline)
    scores = classification_metrics(test_labels, model.predict_proba(test_texts), CLASSES)
    assert scores["accuracy"] > 0.75
    top = baseline.top_ngrams(pipeline, 5)
    assert {"wonderful", "brilliant", "moving"} & {row["ngram"] for row in top["positive"]}
    assert {"awful", "boring", "dreadful"} & {row["ngram"] for row in top["negative"]}

    baseline.save(pipeline, tmp_path)
    _write_meta(tmp_path, "baseline")
    again = load_model(tmp_path)
    np.testing.assert_allclose(again.predict_proba(test_texts), model.predict_proba(test_texts))


def test_neural_learns_and_round_trips(tmp_path: Path) -> None:
    cfg = NeuralConfig(
        **shipped("train", "neural")
        | dict(
            min_freq=1,
            embedding_dim=16,
            epochs=6,
            batch_size=16,
            learning_rate=0.05,
            accelerator="cpu",
            devices=1,
        )
    )
    model, info = neural.fit(_split(40, 0), _split(10, 2), CLASSES, cfg, seed=0)
    assert info["vocab_size"] > 0 and 1 <= info["best_epoch"] <= 6
    test_texts, test_labels = _split(30, 1)
    proba = model.predict_proba(test_texts)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert classification_metrics(test_labels, proba, CLASSES)["accuracy"] > 0.7

    model.save(tmp_path)
    _write_meta(tmp_path, "neural")
    again = load_model(tmp_path)
    assert again.vocab.tokens == model.vocab.tokens and again.classes == CLASSES
    np.testing.assert_allclose(again.predict_proba(test_texts), proba, rtol=1e-6)
    assert again.predict_proba(["zzz qqq"]).shape == (1, 2)  # only unknown words: still an answer


def test_neural_is_seeded() -> None:
    cfg = NeuralConfig(
        **shipped("train", "neural")
        | dict(min_freq=1, embedding_dim=8, epochs=2, batch_size=16, accelerator="cpu", devices=1)
    )
    first, _ = neural.fit(_split(20, 0), _split(5, 2), CLASSES, cfg, seed=3)
    second, _ = neural.fit(_split(20, 0), _split(5, 2), CLASSES, cfg, seed=3)
    texts, _ = _split(5, 1)
    np.testing.assert_allclose(first.predict_proba(texts), second.predict_proba(texts))


@pytest.mark.skipif(
    importlib.util.find_spec("transformers") is not None, reason="transformers is installed"
)
def test_transformer_without_the_library_is_one_clear_message() -> None:
    from {{ cookiecutter.package_name }} import transformer

    with pytest.raises(ConfigError, match=r"transformers library is not installed: run `pip"):
        transformer.fit(_split(4, 0), _split(2, 1), CLASSES, TRANSFORMER, seed=0)


def test_transformer_weights_unreachable_is_one_clear_message(monkeypatch) -> None:
    from {{ cookiecutter.package_name }} import transformer
    from {{ cookiecutter.package_name }}.core.errors import DataError

    class Offline:
        class AutoTokenizer:
            @staticmethod
            def from_pretrained(name: str) -> None:
                raise OSError(f"We couldn't connect to 'https://huggingface.co' to load {name}")

    monkeypatch.setattr(transformer, "_transformers", lambda: Offline)
    with pytest.raises(DataError, match="could not load the pretrained weights 'distilbert"):
        transformer.fit(_split(4, 0), _split(2, 1), CLASSES, TRANSFORMER, seed=0)


def test_metrics_binary_and_multiclass() -> None:
    assert positive_class(["negative", "positive"]) == "positive"
    assert positive_class(["0", "1"]) == "1"
    assert positive_class(["a", "b", "c"]) is None
    proba = np.array([[0.9, 0.1, 0.0], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]])
    scores = classification_metrics(["a", "b", "c", "b"], proba, ["a", "b", "c"])
    assert scores["accuracy"] == 0.75 and 0 < scores["f1"] < 1 and scores["roc_auc"] > 0.5
