"""The trained agent as an MLflow pyfunc model ("models from code": MLflow runs this file).

It needs only mlflow, numpy and stable-baselines3 (a Q-table: mlflow and numpy), not this
project, so the registered model loads anywhere:
`mlflow.pyfunc.load_model("models:/<name>/<version>").predict(observations)`.
"""

import json

import mlflow
import numpy as np

TABULAR = ("QLearning", "SARSA", "ExpectedSARSA")  # tabular.ALGORITHMS: a Q-table, no network


class AgentModel(mlflow.pyfunc.PythonModel):
    """A batch of observations in, the agent's deterministic actions out."""

    def load_context(self, context) -> None:
        with open(context.artifacts["metadata"], encoding="utf-8") as handle:
            self.metadata = json.load(handle)
        self.agent, self.table = None, None
        if self.metadata["algorithm"] in TABULAR:
            with np.load(context.artifacts["agent"], allow_pickle=False) as saved:
                self.table = {key: saved[key] for key in ("q_table", "state_start", "action_start")}
            return
        import stable_baselines3

        algorithm = getattr(stable_baselines3, self.metadata["algorithm"])
        self.agent = algorithm.load(context.artifacts["agent"], device="cpu")

    def predict(self, context, model_input: np.ndarray, params=None) -> np.ndarray:
        if self.table is not None:  # the greedy action: the best column of the state's row
            states = np.asarray(model_input, dtype=np.int64).ravel() - self.table["state_start"]
            return np.argmax(self.table["q_table"][states], axis=1) + self.table["action_start"]
        actions, _ = self.agent.predict(np.asarray(model_input), deterministic=True)
        return actions


mlflow.models.set_model(AgentModel())
