"""The served agent as an MLflow pyfunc model, registered under params.yaml's mlflow name."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def log_model(
    agent_path: Path,
    meta_path: Path,
    agent: Any,
    registered_model: str,
    *,
    seed: int,
    stable_baselines3: bool,
) -> str | None:
    """Log the agent in the active run and register it; return the registered version."""
    import mlflow
    import numpy as np
    from mlflow.models import infer_signature

    space = agent.observation_space
    space.seed(seed)
    example = np.asarray([space.sample()])
    actions, _ = agent.predict(example, deterministic=True)
    requirements = [f"mlflow=={mlflow.__version__}", f"numpy=={np.__version__}"]
    if stable_baselines3:
        import gymnasium
        import stable_baselines3 as sb3
        import torch

        # Pinned explicitly: faster than MLflow's inference, and exactly what trained the agent.
        requirements += [
            f"stable-baselines3=={sb3.__version__}",
            f"gymnasium=={gymnasium.__version__}",
            f"torch=={torch.__version__.split('+')[0]}",
        ]
    info = mlflow.pyfunc.log_model(
        name="agent",
        python_model=str(Path(__file__).parent / "mlflow_model.py"),
        artifacts={"agent": str(agent_path), "metadata": str(meta_path)},
        signature=infer_signature(example, np.asarray(actions)),
        input_example=example,
        pip_requirements=requirements,
        registered_model_name=registered_model,
    )
    version = info.registered_model_version
    return str(version) if version is not None else None
