"""Convolution and pooling as ``nn.Module`` layers, with torch's parameter names, and the chapter's small CNN.

A state dict loads both ways between :class:`Conv2d` and ``torch.nn.Conv2d``, and with the
same seed both draw the same initial weights.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._validation import as_count
from . import functional
from .functional import _pair

__all__ = ["Conv2d", "MaxPool2d", "small_cnn"]


class Conv2d(nn.Module):
    r"""A 2-D convolution layer, Eq. (eq-conv2d): ``weight`` of shape ``(out_channels,
    in_channels / groups, kH, kW)`` and ``bias`` of ``(out_channels,)``, computed by
    :func:`dlcore.conv.conv2d`.

    Initialised as ``torch.nn.Conv2d`` is: every weight and bias uniform in
    :math:`\pm 1/\sqrt{\text{fan-in}}`, fan-in :math:`= (C_\text{in}/g)\, k_H k_W`.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True):
        super().__init__()
        in_channels, out_channels = as_count(in_channels, "in_channels", minimum=1), as_count(out_channels, "out_channels", minimum=1)
        self.groups = as_count(groups, "groups", minimum=1)
        if in_channels % self.groups or out_channels % self.groups:
            raise ValueError(f"groups must divide in_channels ({in_channels}) and out_channels ({out_channels}), got {self.groups}")
        self.kernel_size = _pair(kernel_size, "kernel_size", 1)
        self.stride, self.dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
        self.padding = padding if isinstance(padding, str) else _pair(padding, "padding", 0)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {type(bias).__name__}")
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // self.groups, *self.kernel_size))
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight[0].numel())  # the fan-in: one output channel's weights
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return functional.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        return (f"{self.weight.shape[1] * self.groups}, {self.weight.shape[0]}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class MaxPool2d(nn.Module):
    """Max pooling, Eq. (eq-max-pool), computed by :func:`dlcore.conv.max_pool2d`; no parameters."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False):
        super().__init__()
        self.kernel_size = _pair(kernel_size, "kernel_size", 1)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", 1)
        self.padding, self.dilation = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
        self.return_indices = bool(return_indices)

    def forward(self, input: torch.Tensor):
        return functional.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                                     return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def small_cnn(channels: tuple[int, int] = (16, 32), n_classes: int = 10, image_size: int = 8) -> nn.Sequential:
    """The chapter's CNN for flattened square grey images (the digits: 64 numbers per row, as
    the MLPs take them): two blocks of 3×3 convolution ("same" size), ReLU and 2×2 max pooling,
    then one linear layer on the pooled maps."""
    first, second = (as_count(c, "channels", minimum=1) for c in channels)
    n_classes, image_size = as_count(n_classes, "n_classes", minimum=2), as_count(image_size, "image_size", minimum=4)
    side = image_size // 2 // 2
    return nn.Sequential(
        nn.Unflatten(1, (1, image_size, image_size)),
        Conv2d(1, first, 3, padding=1), nn.ReLU(), MaxPool2d(2),
        Conv2d(first, second, 3, padding=1), nn.ReLU(), MaxPool2d(2),
        nn.Flatten(), nn.Linear(second * side * side, n_classes),
    )
