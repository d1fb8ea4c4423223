"""One tiny training run end to end: one epoch on the CPU gives a model, a run and a version."""

from __future__ import annotations

import json

import numpy as np

from {{ cookiecutter.package_name }}.predict import load_predictor

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
    for curve in ("train_loss", "val_loss", "train_acc", "val_acc"):
        assert len(client.get_metric_history(run.info.run_id, curve)) == 1, curve
    (version,) = client.search_model_versions("name='tiny-model'")
    assert version.run_id == record["run_id"] and record["model_version"] == str(version.version)
    assert not (trained / "lightning_logs").exists()
