"""The networks in plain PyTorch: the API rebuilds them from models/model.json, no Lightning."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .core.errors import ProjectError
from .core.weights import WeightsUnavailableError

# The ImageNet statistics the pretrained ResNet-18 weights expect for RGB input.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class SmallCNN(nn.Module):
    """VGG-style blocks of two Conv-BatchNorm-ReLU layers and a max-pool, global average
    pooling, dropout, one linear layer.

    Two convolutions per block see 5x5 neighbourhoods before each pooling: one per block was too
    shallow for 28 px scans (held-out accuracy 0.91 against 0.97 on noisy digits).
    """

    def __init__(
        self, num_classes: int, in_channels: int, widths: Sequence[int], dropout: float
    ) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        channels = in_channels
        for width in widths:
            blocks += [
                *conv_bn_relu(channels, width),
                *conv_bn_relu(width, width),
                # ceil_mode: a 1x1 map stays 1x1, so small images work with any number of blocks.
                nn.MaxPool2d(2, ceil_mode=True),
            ]
            channels = width
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(channels, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def conv_bn_relu(in_channels: int, out_channels: int) -> list[nn.Module]:
    """A 3x3 convolution (no bias: BatchNorm has one), BatchNorm with its default momentum, ReLU."""
    return [
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


class ResNet18(nn.Module):
    """torchvision's ResNet-18 with a new final layer; grayscale input is repeated to 3 channels."""

    def __init__(self, num_classes: int, in_channels: int, dropout: float) -> None:
        super().__init__()
        from torchvision.models import resnet18

        self.in_channels = in_channels
        self.body = resnet18(weights=None)
        self.body.fc = nn.Sequential(nn.Dropout(dropout), nn.Linear(512, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        return self.body(x)

    def load_imagenet_weights(self, state: dict[str, torch.Tensor]) -> None:
        """Start from ImageNet weights: every layer but the new final one."""
        state = {key: value for key, value in state.items() if not key.startswith("fc.")}
        missing, unexpected = self.body.load_state_dict(state, strict=False)
        if unexpected or [key for key in missing if not key.startswith("fc.")]:
            raise WeightsUnavailableError(
                "the weights file does not fit ResNet-18: "
                f"{len(missing)} layer(s) missing, {len(unexpected)} unexpected"
            )


def build_network(
    arch: str,
    *,
    num_classes: int,
    in_channels: int,
    widths: Sequence[int] = (32, 64, 128),
    dropout: float = 0.2,
) -> nn.Module:
    """The network named by model.arch, randomly initialised."""
    if arch == "small-cnn":
        return SmallCNN(num_classes, in_channels, widths, dropout)
    if arch == "resnet18":
        return ResNet18(num_classes, in_channels, dropout)
    raise ProjectError(f"unknown model.arch {arch!r}; use small-cnn or resnet18")


def batch_norm_momentum(steps_per_epoch: int) -> float:
    """BatchNorm's default 0.1, raised for small image folders so the running statistics forget
    the initial ones (and older weights) within about one epoch: then the validation curve, the
    best checkpoint and serving all measure the same network, with no recalibration pass."""
    return max(0.1, min(1.0, 2 / max(1, steps_per_epoch)))


def set_batch_norm_momentum(network: nn.Module, momentum: float) -> None:
    for module in network.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.momentum = momentum


def count_parameters(network: nn.Module) -> int:
    return sum(parameter.numel() for parameter in network.parameters())
