"""Checkers for chapter 7's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import norm
from . import Case, check, random_cases

__all__ = ["layer_norm_cases", "check_layer_norm"]


def layer_norm_cases(seed: int = 0, n_random: int = 24) -> list[Case]:
    """Inputs and the trailing size they normalise over (``eps`` by keyword): batches, sequences, constant rows."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)
    d = torch.float64
    cases = [
        Case((torch.tensor([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 50.0]], dtype=d), 4), label="two rows on different scales"),
        Case((torch.tensor([[2.0, 2.0, 2.0]], dtype=d), 3), label="a constant row: variance 0, eps keeps it finite"),
        Case((torch.tensor([[1.0, -1.0]], dtype=d), 2), label="one sample"),
        Case((torch.randn(2, 5, 8, generator=generator, dtype=d) * 4 + 7, 8), label="(batch, sequence, features)"),
        Case((torch.randn(3, 4, generator=generator, dtype=d) * 1e3, 4), {"eps": 1e-3}, label="large values, eps = 1e-3"),
    ]
    for i in range(n_random):
        shape = tuple(int(s) for s in torch.randint(1, 7, (1 + i % 3,), generator=generator))
        shape = (max(shape[0], 2),) + shape[1:] if len(shape) > 1 else (2, shape[0] + 1)
        x = torch.randn(*shape, generator=generator, dtype=d) * float(torch.rand((), generator=generator) * 10) + 3
        cases.append(Case((x, shape[-1]), label=f"random #{i + 1}, shape {shape}"))
    return cases


def check_layer_norm(fn: Callable) -> bool:
    """Grade a reader's ``layer_norm(x, size, eps=1e-5)`` (no scale or shift) against :func:`dlcore.norm.layer_norm`."""
    return check(fn, norm.layer_norm, layer_norm_cases(), name="layer_norm", rtol=1e-9, atol=1e-10)
