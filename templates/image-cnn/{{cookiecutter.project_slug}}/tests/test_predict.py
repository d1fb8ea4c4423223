"""The loaded model: the same preprocessing as in training, top-k answers, a clear error."""

from __future__ import annotations

import pytest
import torch

from {{ cookiecutter.package_name }}.core.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.datasets import load_splits
from {{ cookiecutter.package_name }}.images import open_image, preprocess
from {{ cookiecutter.package_name }}.predict import load_predictor

from .tiny import CLASSES, draw, png_bytes


@pytest.fixture(scope="module")
def predictor(trained):
    return load_predictor(trained / "models")


def test_serving_preprocesses_exactly_as_training_did(trained, predictor, monkeypatch):
    monkeypatch.chdir(trained)
    _, splits = load_splits(predictor.spec)
    dataset = splits["test"]  # no augmentation outside training
    for index in range(len(dataset)):
        tensor, _ = dataset[index]
        served = preprocess(open_image(dataset.paths[index]), predictor.spec)
        assert torch.equal(tensor, served)


def test_top_k_is_sorted_and_bounded_by_the_classes(predictor):
    content = png_bytes(draw("square", (40, 40), seed=5))
    (best,) = predictor.predict_bytes(content, top_k=1)
    everything = predictor.predict_bytes(content, top_k=10)
    assert [row["label"] for row in everything][:1] == [best["label"]]
    assert sorted(row["label"] for row in everything) == list(CLASSES)
    probabilities = [row["probability"] for row in everything]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1, rel=1e-5)


def test_no_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="no trained model in .*model.pt and model.json"):
        load_predictor(tmp_path)
