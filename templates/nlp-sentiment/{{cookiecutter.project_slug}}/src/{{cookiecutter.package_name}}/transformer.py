"""Optional: fine-tune a pretrained Hugging Face transformer (`train.models: [..., transformer]`).

Needs `pip install -e '.[transformer]'`, the network (or a local folder) for the weights, and in
practice a GPU. Imported only when asked for, so the rest of the project never needs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .config import TransformerConfig
from .core.errors import ConfigError, DataError, ModelNotFoundError

INFO_FILE = "labels.json"


def _transformers() -> Any:
    try:
        import transformers
    except ImportError as error:
        raise ConfigError(
            "train.models lists 'transformer' but the transformers library is not installed: "
            "run `pip install -e '.[transformer]'`, or remove transformer from train.models"
        ) from error
    return transformers


def _pretrained(name: str, n_classes: int) -> tuple[Any, Any]:
    transformers = _transformers()
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(name)
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            name, num_labels=n_classes
        )
    except (OSError, ValueError) as error:
        raise DataError(
            f"could not load the pretrained weights {name!r} (train.transformer.model_name): they "
            "are downloaded from the Hugging Face Hub the first time, which needs the network; or "
            "set train.transformer.model_name to a local folder saved with save_pretrained(). "
            f"({error})"
        ) from error
    return tokenizer, model


def fit(
    train: tuple[list[str], list[str]],
    val: tuple[list[str], list[str]],
    classes: list[str],
    cfg: TransformerConfig,
    seed: int,
    logger: Any = None,
) -> tuple[TransformerModel, dict]:
    """Fine-tune `cfg.model_name` for `cfg.epochs` epochs with Lightning."""
    import lightning as L
    import torch
    from torch.utils.data import DataLoader

    L.seed_everything(seed, workers=True, verbose=False)
    tokenizer, model = _pretrained(cfg.model_name, len(classes))
    index = {c: i for i, c in enumerate(classes)}

    def collate(batch: list[tuple[str, int]]) -> dict:
        encoded = tokenizer(
            [t for t, _ in batch],
            truncation=True,
            max_length=cfg.max_length,
            padding=True,
            return_tensors="pt",
        )
        encoded["labels"] = torch.tensor([y for _, y in batch])
        return dict(encoded)

    class FineTune(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
            loss = self.model(**batch).loss
            self.log("train_loss", loss, on_epoch=True, batch_size=len(batch["labels"]))
            return loss

        def validation_step(self, batch: dict, batch_idx: int) -> None:
            out = self.model(**batch)
            accuracy = (out.logits.argmax(-1) == batch["labels"]).float().mean()
            self.log("val_loss", out.loss, batch_size=len(batch["labels"]), sync_dist=True)
            self.log("val_accuracy", accuracy, batch_size=len(batch["labels"]), sync_dist=True)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.AdamW(
                self.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
            )

    trainer = L.Trainer(
        max_epochs=cfg.epochs,
        accelerator=cfg.accelerator,
        devices=cfg.devices,
        strategy=cfg.strategy,
        logger=logger if logger is not None else False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    train_set = [(t, index[y]) for t, y in zip(*train, strict=True)]
    val_set = [(t, index[y]) for t, y in zip(*val, strict=True)]
    generator = torch.Generator().manual_seed(seed)
    trainer.fit(
        FineTune(),
        DataLoader(
            train_set,
            batch_size=cfg.batch_size,
            shuffle=True,
            collate_fn=collate,
            generator=generator,
        ),
        DataLoader(val_set, batch_size=cfg.batch_size * 2, collate_fn=collate),
    )
    return TransformerModel(tokenizer, model.cpu().eval(), classes, cfg.max_length), {
        "pretrained": cfg.model_name,
        "epochs_run": trainer.current_epoch,
    }


class TransformerModel:
    """A fine-tuned sequence classifier behind the common interface."""

    kind = "transformer"

    def __init__(self, tokenizer: Any, model: Any, classes: list[str], max_length: int) -> None:
        self.tokenizer, self.model, self.classes, self.max_length = (
            tokenizer,
            model,
            classes,
            max_length,
        )

    def save(self, directory: Path) -> None:
        self.model.save_pretrained(directory)
        self.tokenizer.save_pretrained(directory)
        info = {"classes": self.classes, "max_length": self.max_length}
        (directory / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TransformerModel:
        if not (directory / INFO_FILE).is_file():
            raise ModelNotFoundError(f"{directory / INFO_FILE} not found: run `dvc repro`")
        transformers = _transformers()
        info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
        tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
        model = transformers.AutoModelForSequenceClassification.from_pretrained(directory)
        return cls(tokenizer, model.eval(), info["classes"], info["max_length"])

    def predict_proba(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                encoded = self.tokenizer(
                    list(texts[start : start + batch_size]),
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                out.append(torch.softmax(self.model(**encoded).logits, dim=-1).numpy())
        if not out:
            return np.zeros((0, len(self.classes)))
        return np.concatenate(out).astype(np.float64)
