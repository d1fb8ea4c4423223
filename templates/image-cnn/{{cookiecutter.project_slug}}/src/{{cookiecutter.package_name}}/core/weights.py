"""ImageNet weights for transfer learning: downloaded once into torch's cache, checked, or one
clear error saying why not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ProjectError

if TYPE_CHECKING:
    import torch


class WeightsUnavailableError(ProjectError):
    """Raised when the ImageNet weights cannot be downloaded, verified or used."""


def fetch_imagenet_weights(url: str, *, timeout: float = 60.0) -> dict[str, torch.Tensor]:
    """The state dict at `url`, downloaded once into torch's cache (TORCH_HOME) and checked.

    The file name carries the first digits of its SHA-256 (torchvision's `resnet18-f37072fd.pth`);
    torch.hub checks them before the file enters the cache, so a cached copy is a checked one.
    """
    import contextlib
    import io
    import socket
    import urllib.parse

    import torch.hub

    from .tracking import public_uri, redact

    name = Path(urllib.parse.urlsplit(url).path).name
    cached = Path(torch.hub.get_dir()) / "checkpoints" / name
    if not cached.is_file():
        print(
            f"train: downloading the ImageNet weights from {public_uri(url)} into {cached.parent}"
        )
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # torch.hub's download has no timeout of its own
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its own line shows the URL as typed
            return torch.hub.load_state_dict_from_url(
                url, progress=False, check_hash=True, map_location="cpu", weights_only=True
            )
    except Exception as error:  # network, HTTP, disk, checksum, unpickling: all one outcome
        reason = redact(str(error).strip().splitlines()[0] if str(error).strip() else "")
        raise WeightsUnavailableError(
            f"could not fetch the ImageNet weights from {public_uri(url)} "
            f"({type(error).__name__}: {reason})"
        ) from error
    finally:
        socket.setdefaulttimeout(previous)
