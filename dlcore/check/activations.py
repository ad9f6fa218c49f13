"""Checkers for chapter 3's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import activations
from . import Case, check, random_cases

__all__ = ["softmax_cases", "check_softmax"]


def softmax_cases(seed: int = 0, n_random: int = 30) -> list[Case]:
    """Logits: small and huge (where e^x overflows), ties, masks, and both axes of a batch."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)
    d = torch.float64
    cases = [
        Case((torch.tensor([1.0, 2.0, 3.0], dtype=d),), label="three logits"),
        Case((torch.tensor([0.0, 0.0, 0.0, 0.0], dtype=d),), label="all tied: uniform"),
        Case((torch.tensor([5.0], dtype=d),), label="one class"),
        Case((torch.tensor([1000.0, 1001.0, 1002.0], dtype=d),), label="large logits: e^1000 overflows"),
        Case((torch.tensor([1e4, -1e4, 0.0], dtype=d),), label="huge logits of both signs"),
        Case((torch.tensor([-1000.0, -1001.0, -1002.0], dtype=d),), label="very negative logits: e^-1000 underflows"),
        Case((torch.tensor([0.0, float("-inf"), 2.0], dtype=d),), label="a masked logit (-inf)"),
        Case((torch.tensor([[1.0, 2.0], [3.0, 700.0]], dtype=d),), label="a batch: rows sum to 1"),
        Case((torch.tensor([[1.0, 2.0], [3.0, 700.0]], dtype=d),), {"dim": 0}, label="dim=0: columns sum to 1"),
        Case((torch.tensor([1.0, 2.0, 3.0]),), label="float32"),
    ]
    for i in range(n_random):
        shape = tuple(int(s) for s in torch.randint(1, 6, (1 + i % 3,), generator=generator))
        scale = 10.0 ** int(torch.randint(0, 4, (), generator=generator))
        logits = torch.randn(shape, generator=generator, dtype=d) * scale
        dim = int(torch.randint(-len(shape), len(shape), (), generator=generator))
        cases.append(Case((logits,), {"dim": dim}, label=f"random #{i + 1}, scale {scale:g}"))
    return cases


def check_softmax(fn: Callable) -> bool:
    """Grade a reader's ``softmax(x, dim=-1)`` against :func:`dlcore.activations.softmax`."""
    return check(fn, activations.softmax, softmax_cases(), name="softmax", rtol=1e-9, atol=1e-12)
