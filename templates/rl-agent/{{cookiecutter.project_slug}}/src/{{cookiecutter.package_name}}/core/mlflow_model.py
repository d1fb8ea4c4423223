"""The trained agent as an MLflow pyfunc model ("models from code": MLflow runs this file).

It needs only mlflow, numpy and stable-baselines3, not this project, so the registered model loads
anywhere: `mlflow.pyfunc.load_model("models:/<name>/<version>").predict(observations)`.
"""

import json

import mlflow
import numpy as np


class AgentModel(mlflow.pyfunc.PythonModel):
    """A batch of observations in, the agent's deterministic actions out."""

    def load_context(self, context) -> None:
        import stable_baselines3

        with open(context.artifacts["metadata"], encoding="utf-8") as handle:
            self.metadata = json.load(handle)
        algorithm = getattr(stable_baselines3, self.metadata["algorithm"])
        self.agent = algorithm.load(context.artifacts["agent"], device="cpu")

    def predict(self, context, model_input: np.ndarray, params=None) -> np.ndarray:
        actions, _ = self.agent.predict(np.asarray(model_input), deterministic=True)
        return actions


mlflow.models.set_model(AgentModel())
