"""The LightningModule: the network, its loss, its metrics and its optimiser."""

from __future__ import annotations

import lightning as L
import torch
from torch.nn import functional as F

from .networks import build_network
from .schedule import WARMUP_SHARE


class ImageClassifier(L.LightningModule):
    """Cross-entropy training of a `networks.py` network with AdamW and a one-cycle schedule."""

    def __init__(
        self,
        *,
        arch: str,
        num_classes: int,
        in_channels: int,
        widths: list[int],
        dropout: float,
        lr: float,
        weight_decay: float,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__()
        # Saved in checkpoints so load_from_checkpoint rebuilds the same network; the run's
        # parameters are logged to MLflow from params.yaml instead.
        self.save_hyperparameters(logger=False)
        self.net = build_network(
            arch, num_classes=num_classes, in_channels=in_channels, widths=widths, dropout=dropout
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def _step(self, batch: tuple[torch.Tensor, torch.Tensor], stage: str) -> torch.Tensor:
        images, targets = batch
        logits = self(images)
        loss = F.cross_entropy(logits, targets, label_smoothing=self.hparams.label_smoothing)
        accuracy = (logits.argmax(dim=1) == targets).float().mean()
        # Once per epoch: the curves MLflow shows and the evaluate stage plots.
        metrics = {f"{stage}_loss": loss, f"{stage}_acc": accuracy}
        self.log_dict(
            metrics,
            on_step=False,
            on_epoch=True,
            prog_bar=True,
            sync_dist=True,
            batch_size=len(targets),
        )
        return loss

    def training_step(
        self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int
    ) -> torch.Tensor:
        return self._step(batch, "train")

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        self._step(batch, "val")

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(
            self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay
        )
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=self.hparams.lr,
            total_steps=self.trainer.estimated_stepping_batches,
            pct_start=WARMUP_SHARE,
        )
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}
