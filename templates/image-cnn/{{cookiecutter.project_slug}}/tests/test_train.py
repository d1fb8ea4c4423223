"""One tiny training run end to end: one epoch on the CPU gives a model, a run and a version."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.weights import WeightsUnavailableError
from {{ cookiecutter.package_name }}.predict import load_predictor
from {{ cookiecutter.package_name }}.train import choose_network

from .tiny import CLASSES, draw


def test_one_epoch_on_the_cpu_saves_a_model_the_api_can_load(trained):
    models = trained / "models"
    for name in ("model.pt", "model.json", "run.json", "checkpoints/best.ckpt"):
        assert (models / name).is_file(), name
    meta = json.loads((models / "model.json").read_text(encoding="utf-8"))
    assert meta["classes"] == list(CLASSES)
    assert meta["epochs_trained"] == 1
    assert meta["train_images"] == 24 and meta["val_images"] == 6

    predictor = load_predictor(models)
    images = [draw(shape, (30, 20), seed=1) for shape in CLASSES]
    probabilities = predictor.predict_proba(images)
    assert probabilities.shape == (3, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_the_run_is_one_mlflow_run_with_params_curves_and_a_registered_model(trained):
    from mlflow import MlflowClient

    record = json.loads((trained / "models/run.json").read_text(encoding="utf-8"))
    client = MlflowClient(tracking_uri=f"sqlite:///{trained / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tests")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.run_id == record["run_id"]
    assert run.data.params["train.epochs"] == "1"
    assert run.data.params["data.source"] == "folder"
    assert run.data.params["chosen.arch"] == "small-cnn"  # tiny.py asks for it by name
    assert run.data.params["chosen.image_size"] == "12"
    for curve in ("train_loss", "val_loss", "train_acc", "val_acc"):
        assert len(client.get_metric_history(run.info.run_id, curve)) == 1, curve
    (version,) = client.search_model_versions("name='tiny-model'")
    assert version.run_id == record["run_id"] and record["model_version"] == str(version.version)
    assert not (trained / "lightning_logs").exists()


def auto_model(url: str, **changes):
    """train.model with every choice left to `auto`, the weights at `url`."""
    model = load_config().train.model
    return model.model_copy(
        update={"arch": "auto", "pretrained": "auto", "weights_url": url, **changes}
    )


def unreachable() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/resnet18-f37072fd.pth"


def test_photos_start_resnet18_from_imagenet_weights(project, weights_server, torch_home, capsys):
    choice = choose_network(auto_model(weights_server), photos=True)

    assert (choice.arch, choice.weights_url) == ("resnet18", weights_server)
    assert "conv1.weight" in choice.weights
    assert choice.sentence() == "resnet18 fine-tuned from ImageNet weights"
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"train: downloading the ImageNet weights from {weights_server} into")


def test_photos_without_weights_train_the_small_cnn_and_say_why(project, torch_home, capsys):
    url = unreachable()
    choice = choose_network(auto_model(url), photos=True)

    assert (choice.arch, choice.weights) == ("small-cnn", None)
    (_, line) = capsys.readouterr().out.splitlines()  # trying to download, then why not
    assert line.startswith(f"train: could not fetch the ImageNet weights from {url} (")
    assert line.endswith("; training small-cnn from scratch instead")


def test_weights_asked_for_by_name_stop_the_stage_when_they_cannot_be_had(project, torch_home):
    with pytest.raises(WeightsUnavailableError, match="pretrained: auto to fall back"):
        choose_network(auto_model(unreachable(), pretrained=True), photos=False)


def test_images_that_are_no_photos_train_the_small_cnn_without_a_download(project, capsys):
    choice = choose_network(auto_model(unreachable()), photos=False)

    assert (choice.arch, choice.weights) == ("small-cnn", None)
    assert choice.sentence() == "small-cnn trained from scratch"
    assert capsys.readouterr().out == ""
