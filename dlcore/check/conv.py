"""Checkers for chapter 10's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import conv
from . import Case, check, random_cases

__all__ = ["conv2d_cases", "check_conv2d"]


def conv2d_cases(seed: int = 0, n_random: int = 20) -> list[Case]:
    """Input, weight and bias with stride and padding: a 1×1 kernel, a kernel as large as the
    image, non-square kernels and images, several channels, stride 2 and 3, zero padding."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)

    def tensors(n, c_in, c_out, h, w, kh, kw):
        def randn(*shape):
            return torch.randn(shape, generator=generator, dtype=torch.float64)
        return randn(n, c_in, h, w), randn(c_out, c_in, kh, kw), randn(c_out)

    cases = [
        Case(tensors(1, 1, 1, 4, 4, 2, 2), {"stride": 1, "padding": 0}, label="one channel, a 2×2 kernel"),
        Case(tensors(2, 3, 4, 5, 5, 1, 1), {"stride": 1, "padding": 0}, label="a 1×1 kernel mixes channels only"),
        Case(tensors(1, 2, 3, 3, 3, 3, 3), {"stride": 1, "padding": 0}, label="the kernel as large as the image: one output"),
        Case(tensors(2, 2, 3, 6, 9, 3, 2), {"stride": 1, "padding": 1}, label="non-square image and kernel, padding 1"),
        Case(tensors(1, 3, 2, 7, 7, 3, 3), {"stride": 2, "padding": 1}, label="stride 2: the windows skip"),
        Case(tensors(2, 1, 2, 8, 5, 2, 3), {"stride": 3, "padding": 2}, label="stride 3, padding 2"),
    ]
    for i in range(n_random):
        n, c_in, c_out = (int(torch.randint(1, 4, (), generator=generator)) for _ in range(3))
        kh, kw = (int(torch.randint(1, 4, (), generator=generator)) for _ in range(2))
        h, w = kh + int(torch.randint(0, 6, (), generator=generator)), kw + int(torch.randint(0, 6, (), generator=generator))
        stride, padding = int(torch.randint(1, 3, (), generator=generator)), int(torch.randint(0, 2, (), generator=generator))
        cases.append(Case(tensors(n, c_in, c_out, h, w, kh, kw), {"stride": stride, "padding": padding},
                          label=f"random #{i + 1}: {c_in}→{c_out} channels, {kh}×{kw} kernel, stride {stride}, padding {padding}"))
    return cases


def check_conv2d(fn: Callable) -> bool:
    """Grade a reader's ``conv2d(input, weight, bias, stride, padding)`` against :func:`dlcore.conv.conv2d`."""
    return check(fn, conv.conv2d, conv2d_cases(), name="conv2d", rtol=1e-9, atol=1e-12)
