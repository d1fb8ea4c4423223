"""The trained network as an MLflow model, added to the training run and registered."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..config import META_FILE, Config
from ..images import ImageSpec
from . import tracking


def log_model(
    config: Config,
    run_id: str,
    uri: str,
    network: Any,
    spec: ImageSpec,
    num_classes: int,
    meta: dict[str, Any],
    model_dir: Path,
) -> tracking.RunRecord:
    """Add the model to the run Lightning logged, and register it under mlflow.registered_model."""
    import mlflow
    import mlflow.pytorch
    import numpy as np
    from mlflow.models import infer_signature

    example = np.zeros((1, spec.channels, spec.size, spec.size), dtype=np.float32)
    signature = infer_signature(example, np.zeros((1, num_classes), dtype=np.float32))
    # MLflow warns about pickled models; the API never unpickles: it loads models/model.pt with
    # weights_only=True. The registry copy is for `mlflow.pytorch.load_model` in trusted hands.
    logging.getLogger("mlflow.pytorch").setLevel(logging.ERROR)
    with mlflow.start_run(run_id=run_id):
        mlflow.log_metric("best_val_acc", meta["val_accuracy"])
        mlflow.log_artifact(str(model_dir / META_FILE))
        info = mlflow.pytorch.log_model(
            network,
            name="model",
            signature=signature,
            registered_model_name=config.mlflow.registered_model,
            serialization_format="pickle",  # the network's class comes along in code_paths
            code_paths=[str(Path(__file__).parents[1])],  # the whole package
            # Named, not inferred: inference re-imports everything in a subprocess (~10 s).
            pip_requirements=mlflow.pytorch.get_default_pip_requirements(),
        )
    return tracking.RunRecord(
        run_id=run_id,
        experiment=config.mlflow.experiment,
        tracking_uri=uri,
        registered_model=config.mlflow.registered_model,
        model_version=str(info.registered_model_version),
    )
