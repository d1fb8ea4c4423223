"""params.yaml: the project's own file loads, and mistakes are named."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import ConfigError

from .tiny import ROOT, edit_params


def test_the_projects_params_yaml_loads():
    # Whatever images the project was switched to: the file loads with serving limits.
    config = load_config(ROOT / "params.yaml")
    assert config.data.image_size == "auto" or config.data.image_size > 0
    assert config.data.channels in (1, 3, "auto")
    assert config.serve["max_upload_bytes"] > 0


def test_several_cpu_processes_are_a_params_change(project):
    edit_params({"train": {"accelerator": "cpu", "devices": 2, "strategy": "ddp"}})
    train = load_config().train
    assert (train.accelerator, train.devices, train.strategy) == ("cpu", 2, "ddp")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"train": {"epoch": 3}}, "params.yaml: unknown key train.epoch"),
        ({"data": {"fit": "squash"}}, "data.fit: input should be 'crop', 'pad' or 'stretch'"),
        ({"train": {"model": {"pretrained": True}}}, "train.model: pretrained: true needs arch"),
        ({"data": {"test_fraction": 0.8}}, "must leave 10% or more to train on"),
        (
            {"train": {"model": {"weights_url": "https://example.org/resnet18.pth"}}},
            "must end in -<sha256 prefix>.pth",
        ),
        (
            {"data": {"fashion_mnist": {"checksums": {"train-images-idx3-ubyte.gz": "abc"}}}},
            "must look like md5:<hex> or sha256:<hex>",
        ),
        ({"seeed": 1}, "params.yaml: unknown key seeed"),
    ],
    ids=[
        "unknown key",
        "unknown choice",
        "pretrained small-cnn",
        "no training share",
        "weights without a hash",
        "checksum",
        "unknown top-level key",
    ],
)
def test_a_mistake_in_params_yaml_is_named(project, change, message):
    edit_params(change)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert message in str(caught.value)
