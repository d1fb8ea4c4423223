"""The networks: any image size, grayscale into ResNet-18, and ImageNet weights fetched, checked
and cached from a local server, with one clear line when they cannot be had."""

from __future__ import annotations

import socket

import pytest
import torch

from {{ cookiecutter.package_name }}.core.weights import (
    WeightsUnavailableError,
    fetch_imagenet_weights,
)
from {{ cookiecutter.package_name }}.networks import build_network


@pytest.mark.parametrize("size", [4, 12, 33])
def test_the_small_cnn_takes_any_image_size(size):
    network = build_network("small-cnn", num_classes=5, in_channels=3, widths=[4, 8, 8]).eval()
    assert network(torch.zeros(2, 3, size, size)).shape == (2, 5)


def test_resnet18_takes_grayscale_images():
    network = build_network("resnet18", num_classes=4, in_channels=1).eval()
    with torch.no_grad():
        assert network(torch.zeros(1, 1, 32, 32)).shape == (1, 4)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_weights_are_fetched_once_then_read_from_the_cache(weights_server, torch_home, capsys):
    state = fetch_imagenet_weights(weights_server)
    name = weights_server.rsplit("/", 1)[1]
    cached = list(torch_home.rglob(name))
    assert len(cached) == 1 and "conv1.weight" in state
    assert "downloading the ImageNet weights" in capsys.readouterr().out

    # The same file name again, its server gone: the checked copy in the cache is used.
    dead = weights_server.replace(weights_server.split("/")[2], f"127.0.0.1:{closed_port()}")
    again = fetch_imagenet_weights(dead)
    assert torch.equal(again["conv1.weight"], state["conv1.weight"])
    assert capsys.readouterr().out == ""


def test_a_file_whose_hash_differs_from_its_name_is_refused_and_not_cached(
    weights_server, torch_home
):
    wrong = weights_server.rsplit("/", 1)[0] + "/resnet18-00000000.pth"
    with pytest.raises(WeightsUnavailableError, match="invalid hash value"):
        fetch_imagenet_weights(wrong)
    assert not list(torch_home.rglob("*.pth"))


@pytest.mark.parametrize("failure", ["refused", "missing"])
def test_weights_that_cannot_be_fetched_say_from_where_and_why(weights_server, torch_home, failure):
    if failure == "refused":
        url = f"http://127.0.0.1:{closed_port()}/resnet18-f37072fd.pth"
        reason = "URLError"
    else:
        url = weights_server.rsplit("/", 1)[0] + "/resnet18-12345678.pth"
        reason = "HTTP Error 404"
    with pytest.raises(WeightsUnavailableError) as caught:
        fetch_imagenet_weights(url, timeout=5)
    message = str(caught.value)
    assert message.startswith(f"could not fetch the ImageNet weights from {url} (")
    assert reason in message and "\n" not in message


def test_imagenet_weights_replace_all_but_the_final_layer(weights_server, torch_home):
    state = fetch_imagenet_weights(weights_server)
    network = build_network("resnet18", num_classes=4, in_channels=3)

    network.load_imagenet_weights(state)
    assert torch.equal(network.body.conv1.weight, state["conv1.weight"])
    assert network.body.fc[1].weight.shape == (4, 512)


def test_weights_of_another_network_are_refused():
    network = build_network("resnet18", num_classes=4, in_channels=3)
    other = build_network("small-cnn", num_classes=4, in_channels=3, widths=[4]).state_dict()
    with pytest.raises(WeightsUnavailableError, match="does not fit ResNet-18"):
        network.load_imagenet_weights(other)
