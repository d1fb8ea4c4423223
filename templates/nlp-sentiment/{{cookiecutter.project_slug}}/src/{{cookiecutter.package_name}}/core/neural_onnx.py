"""The neural model as ONNX: the network exported with torch.onnx, the tokenizer kept in Python.

The exported graph takes padded n-gram ids and a mask (one row per text) and returns class
probabilities; the mean of the embeddings over the mask equals the EmbeddingBag's mean, and a
text with no known n-gram gets the zero vector as there. Serving needs numpy, onnxruntime and
text.py's pure-Python tokenizer only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..text import Vocabulary
from .errors import ModelNotFoundError
from .onnx_model import ONNX_FILE, check_parity, open_session
from .stage import drop_log_messages

VOCAB_FILE = "vocab.json"  # beside the weights, in the neural model's folder
CONFIG_FILE = "network.json"  # the network's sizes and the classes


def export_neural(model: Any, directory: Path, texts: list[str]) -> float:
    """Write `model` (a NeuralModel) as directory/model.onnx; ExportError unless it gives the
    same probabilities as the model on `texts`. Returns the largest difference."""
    import torch
    from torch import nn

    network = model.network.eval()

    class MeanOfEmbeddings(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding, self.output = network.embedding, network.output

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            vectors = nn.functional.embedding(ids, self.embedding.weight) * mask.unsqueeze(-1)
            counts = mask.sum(dim=1, keepdim=True).clamp(min=1.0)
            return torch.softmax(self.output(vectors.sum(dim=1) / counts), dim=1)

    path = directory / ONNX_FILE
    # Any number of texts of any number of n-grams: the traced sizes (2, 3) are placeholders.
    rows, width = torch.export.Dim("texts"), torch.export.Dim("ngrams")
    # The exporter looks up torchvision's operators, which this network never uses, and
    # says so when torchvision is not installed (it is not needed here).
    drop_log_messages("torch.onnx._internal.exporter._registration", "torchvision is not installed")
    torch.onnx.export(
        MeanOfEmbeddings().eval(),
        (torch.zeros((2, 3), dtype=torch.long), torch.ones((2, 3))),
        str(path),
        input_names=["ids", "mask"],
        output_names=["probabilities"],
        dynamic_shapes={"ids": {0: rows, 1: width}, "mask": {0: rows, 1: width}},
        dynamo=True,
        verbose=False,
    )
    exported = OnnxNeuralModel(open_session(path), model.vocab, list(model.classes))
    native = model.predict_proba(texts)
    return check_parity(
        native, exported.predict_proba(texts), what=f"{path} on {len(texts)} held-out texts"
    )


def padded(encoded: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Ids padded with 0 to the longest text, and the mask of the real ones."""
    width = max((len(row) for row in encoded), default=0) or 1
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    mask = np.zeros((len(encoded), width), dtype=np.float32)
    for row, values in enumerate(encoded):
        ids[row, : len(values)] = values
        mask[row, : len(values)] = 1.0
    return ids, mask


class OnnxNeuralModel:
    """The exported network behind the common interface: `classes` and `predict_proba(texts)`."""

    kind = "neural"

    def __init__(self, session: Any, vocab: Vocabulary, classes: list[str]) -> None:
        self.session, self.vocab, self.classes = session, vocab, classes

    @classmethod
    def load(cls, directory: Path) -> OnnxNeuralModel:
        config = directory / CONFIG_FILE
        if not config.is_file():
            raise ModelNotFoundError(f"{config} not found: run `dvc repro`")
        classes = json.loads(config.read_text(encoding="utf-8"))["classes"]
        vocab = Vocabulary.load(directory / VOCAB_FILE)
        return cls(open_session(directory / ONNX_FILE), vocab, classes)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.classes)))
        ids, mask = padded([self.vocab.encode(text) for text in texts])
        probabilities = self.session.run(["probabilities"], {"ids": ids, "mask": mask})[0]
        return probabilities.astype(np.float64)
