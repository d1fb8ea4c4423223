"""The neural model: a fastText-style bag of word and bigram embeddings, trained with Lightning."""

from __future__ import annotations

import copy
import json
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .config import NeuralConfig
from .core.errors import DataError, ModelNotFoundError
from .core.neural_onnx import CONFIG_FILE, VOCAB_FILE
from .core.stage import drop_log_messages
from .text import Tokenizer, Vocabulary

WEIGHTS_FILE = "model.pt"


class BagOfNgrams(nn.Module):
    """Mean of a text's n-gram embeddings, dropout, one linear layer (Joulin et al., 2017)."""

    def __init__(self, vocab_size: int, embedding_dim: int, n_classes: int, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embedding_dim, mode="mean")
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(embedding_dim, n_classes)
        nn.init.uniform_(self.embedding.weight, -0.5 / embedding_dim, 0.5 / embedding_dim)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.output(self.dropout(self.embedding(ids, offsets)))


def collate(batch: list[tuple[list[int], int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Concatenate a batch's id lists, with the offset where each text starts (EmbeddingBag)."""
    lengths = [len(ids) for ids, _ in batch]
    offsets = torch.tensor([0, *np.cumsum(lengths)[:-1]], dtype=torch.long)
    ids = torch.tensor([i for ids, _ in batch for i in ids], dtype=torch.long)
    labels = torch.tensor([label for _, label in batch], dtype=torch.long)
    return ids, offsets, labels


def _lightning_module(network: BagOfNgrams, cfg: NeuralConfig) -> Any:
    import lightning as L

    class Classifier(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.network = network
            self.loss = nn.CrossEntropyLoss()

        def _step(self, batch: tuple, stage: str) -> torch.Tensor:
            ids, offsets, labels = batch
            logits = self.network(ids, offsets)
            loss = self.loss(logits, labels)
            accuracy = (logits.argmax(dim=1) == labels).float().mean()
            on_step = stage == "train"
            self.log(
                f"{stage}_loss",
                loss,
                on_step=False,
                on_epoch=True,
                batch_size=len(labels),
                sync_dist=not on_step,
            )
            self.log(
                f"{stage}_accuracy",
                accuracy,
                on_epoch=True,
                batch_size=len(labels),
                sync_dist=not on_step,
            )
            return loss

        def training_step(self, batch: tuple, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "train")

        def validation_step(self, batch: tuple, batch_idx: int) -> None:
            self._step(batch, "val")

        def configure_optimizers(self) -> torch.optim.Optimizer:
            # The fused kernel updates the large embedding table about 3x faster than the default.
            return torch.optim.Adam(
                self.parameters(),
                lr=cfg.learning_rate,
                weight_decay=cfg.weight_decay,
                fused=self.device.type in ("cpu", "cuda"),
            )

    return Classifier()


def _keep_best_callback() -> Any:
    import lightning as L

    class KeepBest(L.Callback):
        """Remember the weights of the epoch with the lowest validation loss, in memory."""

        def __init__(self) -> None:
            self.best_loss, self.best_epoch, self.state = float("inf"), -1, None

        def on_validation_epoch_end(self, trainer: Any, module: Any) -> None:
            if trainer.sanity_checking:
                return
            loss = float(trainer.callback_metrics["val_loss"])
            accuracy = float(trainer.callback_metrics.get("val_accuracy", float("nan")))
            print(
                f"epoch {trainer.current_epoch + 1}: val_loss {loss:.4f}, "
                f"val_accuracy {accuracy:.4f}",
                flush=True,
            )
            if loss < self.best_loss:
                self.best_loss, self.best_epoch = loss, trainer.current_epoch
                self.state = copy.deepcopy(module.network.state_dict())

    return KeepBest()


def fit(
    train: tuple[list[str], list[str]],
    val: tuple[list[str], list[str]],
    classes: list[str],
    cfg: NeuralConfig,
    seed: int,
    logger: Any = None,
) -> tuple[NeuralModel, dict]:
    """Build the vocabulary from the training texts and train; returns the best-epoch model."""
    import lightning as L
    from lightning.pytorch.callbacks import EarlyStopping
    from torch.utils.data import DataLoader

    L.seed_everything(seed, workers=True, verbose=False)
    started = time.perf_counter()
    vocab = Vocabulary.build(
        train[0], Tokenizer(cfg.ngrams), min_freq=cfg.min_freq, max_size=cfg.max_vocab
    )
    if len(vocab) == 0:
        raise DataError(
            "the neural vocabulary is empty: lower neural.min_freq or provide more text"
        )
    index = {c: i for i, c in enumerate(classes)}
    train_set = [(vocab.encode(t), index[y]) for t, y in zip(*train, strict=True)]
    val_set = [(vocab.encode(t), index[y]) for t, y in zip(*val, strict=True)]
    print(
        f"neural vocabulary: {len(vocab)} n-grams ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )

    network = BagOfNgrams(len(vocab), cfg.embedding_dim, len(classes), cfg.dropout)
    module = _lightning_module(network, cfg)
    keep_best = _keep_best_callback()
    loader = DataLoader(
        train_set,
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=collate,
        generator=torch.Generator().manual_seed(seed),
    )
    # Lightning's tips advertise its cloud services; Lightning 2.6 builds torch's deprecated
    # LeafSpec itself. Neither is anything to change here.
    drop_log_messages("lightning.pytorch.utilities.rank_zero", "💡 Tip:")
    warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)` is deprecated")
    trainer = L.Trainer(
        max_epochs=cfg.epochs,
        accelerator=cfg.accelerator,
        devices=cfg.devices,
        strategy=cfg.strategy,
        logger=logger if logger is not None else False,
        callbacks=[keep_best, EarlyStopping("val_loss", patience=cfg.patience)],
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        deterministic=True,
        num_sanity_val_steps=0,
        log_every_n_steps=max(1, min(50, len(loader))),
    )
    trainer.fit(module, loader, DataLoader(val_set, batch_size=512, collate_fn=collate))
    if keep_best.state is not None:
        network.load_state_dict(keep_best.state)
    network = network.cpu().eval()
    info = {
        "vocab_size": len(vocab),
        "epochs_run": trainer.current_epoch,
        "best_epoch": keep_best.best_epoch + 1,
        "best_val_loss": keep_best.best_loss,
        "parameters": sum(p.numel() for p in network.parameters()),
    }
    spec = {
        "vocab_size": len(vocab),
        "embedding_dim": cfg.embedding_dim,
        "n_classes": len(classes),
        "dropout": cfg.dropout,
    }
    return NeuralModel(network, vocab, classes, spec), info


class NeuralModel:
    """Tokenizer, vocabulary and network behind the common interface."""

    kind = "neural"

    def __init__(
        self, network: BagOfNgrams, vocab: Vocabulary, classes: list[str], spec: dict
    ) -> None:
        self.network, self.vocab, self.classes, self.spec = network.eval(), vocab, classes, spec

    def save(self, directory: Path) -> None:
        torch.save(self.network.state_dict(), directory / WEIGHTS_FILE)
        self.vocab.save(directory / VOCAB_FILE)
        spec = {**self.spec, "classes": self.classes}
        (directory / CONFIG_FILE).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> NeuralModel:
        if not (directory / WEIGHTS_FILE).is_file():
            raise ModelNotFoundError(f"{directory / WEIGHTS_FILE} not found: run `dvc repro`")
        spec = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        classes = spec.pop("classes")
        network = BagOfNgrams(**spec)
        network.load_state_dict(torch.load(directory / WEIGHTS_FILE, weights_only=True))
        return cls(network, Vocabulary.load(directory / VOCAB_FILE), classes, spec)

    @torch.inference_mode()
    def predict_proba(self, texts: list[str], batch_size: int = 1024) -> np.ndarray:
        out = []
        for start in range(0, len(texts), batch_size):
            batch = [(self.vocab.encode(t), 0) for t in texts[start : start + batch_size]]
            ids, offsets, _ = collate(batch)
            out.append(torch.softmax(self.network(ids, offsets), dim=1).numpy())
        if not out:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return np.concatenate(out).astype(np.float64)
