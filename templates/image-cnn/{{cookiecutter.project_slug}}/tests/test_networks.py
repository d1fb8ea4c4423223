"""The networks: any image size, grayscale into ResNet-18, and no weights without a network."""

from __future__ import annotations

import urllib.error

import pytest
import torch

from {{ cookiecutter.package_name }}.core.errors import ProjectError
from {{ cookiecutter.package_name }}.networks import build_network


@pytest.mark.parametrize("size", [4, 12, 33])
def test_the_small_cnn_takes_any_image_size(size):
    network = build_network("small-cnn", num_classes=5, in_channels=3, widths=[4, 8, 8]).eval()
    assert network(torch.zeros(2, 3, size, size)).shape == (2, 5)


def test_resnet18_takes_grayscale_images():
    network = build_network("resnet18", num_classes=4, in_channels=1).eval()
    with torch.no_grad():
        assert network(torch.zeros(1, 1, 32, 32)).shape == (1, 4)


def test_pretrained_weights_that_cannot_be_downloaded_say_what_to_do(monkeypatch):
    def offline(url, *args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", offline)
    network = build_network("resnet18", num_classes=4, in_channels=3)

    with pytest.raises(ProjectError) as caught:
        network.load_imagenet_weights()
    message = str(caught.value)
    assert "could not get the pretrained ResNet-18 weights" in message
    assert "name resolution" in message and "model.pretrained: false" in message


def test_pretrained_weights_replace_all_but_the_final_layer(monkeypatch):
    donor = build_network("resnet18", num_classes=1000, in_channels=3).body.state_dict()
    donor = {key: torch.full_like(value, 0.5) for key, value in donor.items()}
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", lambda url, **kwargs: donor)
    network = build_network("resnet18", num_classes=4, in_channels=3)

    network.load_imagenet_weights()
    assert torch.all(network.body.conv1.weight == 0.5)
    assert network.body.fc[1].weight.shape == (4, 512)
    assert not torch.all(network.body.fc[1].weight == 0.5)
