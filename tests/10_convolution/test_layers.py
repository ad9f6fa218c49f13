"""dlcore.conv.layers: Conv2d and MaxPool2d against torch.nn's, state dicts both ways; the small CNN."""

import pytest
import torch
from torch import nn

from dlcore.conv.layers import Conv2d, MaxPool2d, small_cnn


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2, groups=2, bias=False)])
def test_conv2d_draws_torchs_initial_weights_and_computes_the_same(kwargs):
    torch.manual_seed(0)
    ours = Conv2d(4, 6, 3, **kwargs)
    torch.manual_seed(0)
    theirs = nn.Conv2d(4, 6, 3, **kwargs)
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    for name, value in theirs.state_dict().items():
        assert torch.equal(ours.state_dict()[name], value)
    x = torch.randn(2, 4, 9, 9)
    torch.testing.assert_close(ours(x), theirs(x))


def test_state_dicts_load_both_ways():
    ours, theirs = Conv2d(3, 5, (3, 2)), nn.Conv2d(3, 5, (3, 2))
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(1, 3, 6, 6)
    torch.testing.assert_close(ours(x), theirs(x))
    theirs.load_state_dict(Conv2d(3, 5, (3, 2)).state_dict())
    ours.load_state_dict(theirs.state_dict())
    torch.testing.assert_close(ours(x), theirs(x))


def test_max_pool_module_equals_torchs():
    x = torch.randn(2, 3, 7, 7)
    torch.testing.assert_close(MaxPool2d(3, 2, 1)(x), nn.MaxPool2d(3, 2, 1)(x))
    values, indices = MaxPool2d(2, return_indices=True)(x)
    assert torch.equal(indices, nn.MaxPool2d(2, return_indices=True)(x)[1])


def test_the_small_cnn_matches_the_same_network_built_from_torch_layers():
    ours = small_cnn()
    theirs = nn.Sequential(nn.Unflatten(1, (1, 8, 8)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                           nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128, 10))
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(5, 64, requires_grad=True)
    torch.testing.assert_close(ours(x), theirs(x))
    (g_ours,) = torch.autograd.grad(ours(x).square().sum(), x)
    (g_theirs,) = torch.autograd.grad(theirs(x).square().sum(), x)
    torch.testing.assert_close(g_ours, g_theirs)
    assert sum(p.numel() for p in ours.parameters()) == 160 + 4640 + 1290


@pytest.mark.parametrize("call, message", [
    (lambda: Conv2d(3, 4, 3, groups=2), "groups must divide"),
    (lambda: Conv2d(0, 4, 3), "in_channels must be >= 1"),
    (lambda: Conv2d(3, 4, 0), "kernel_size must be >= 1"),
    (lambda: small_cnn(image_size=2), "image_size must be >= 4"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
