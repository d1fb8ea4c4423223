"""The trained models as an MLflow pyfunc (raw text in, label out), logged as "models from code".

MLflow runs this file to rebuild the model, so its imports are absolute: the package travels with
the model through `code_paths`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from {{ cookiecutter.package_name }}.predict import load_model, predictions


def prediction_frame(model: Any, texts: list[str], name: str) -> pd.DataFrame:
    """One row per text: label, probability, then one column per class."""
    rows = predictions(model, texts, name)
    return pd.DataFrame(
        [{"label": r["label"], "probability": r["probability"], **r["probabilities"]} for r in rows]
    )


class TextClassifier(mlflow.pyfunc.PythonModel):
    """Input: a DataFrame with a `text` column. Output: label, probability, per-class columns."""

    def load_context(self, context: Any) -> None:
        self.directory = Path(context.artifacts["model"])
        self.model = load_model(self.directory)

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        texts = model_input["text"].astype(str).tolist()
        return prediction_frame(self.model, texts, self.directory.name)


def log_model(directory: Path, example: list[str], requirements: list[str]) -> str:
    """Log the model in `directory` to the active run; return its URI, for registering."""
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=Path(__file__),
        artifacts={"model": str(directory)},
        code_paths=[str(Path(__file__).parents[1])],  # the whole package
        input_example=pd.DataFrame({"text": example}),
        pip_requirements=requirements,
    )
    return info.model_uri


mlflow.models.set_model(TextClassifier())
