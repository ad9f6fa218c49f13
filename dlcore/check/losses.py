"""Checkers for chapter 4's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import losses
from . import Case, check, random_cases

__all__ = ["cross_entropy_cases", "check_cross_entropy"]


def cross_entropy_cases(seed: int = 0, n_random: int = 30) -> list[Case]:
    """(N, C) logits and class indices: the seeds' example, ties, one sample, huge logits, random batches."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)
    d = torch.float64
    seeds_logits = torch.tensor([[2.0, 1.0, 0.1, 0.5, 0.3], [1.0, 3.0, 0.2, 0.4, 0.5], [0.5, 0.2, 2.0, 1.0, 0.3]], dtype=d)
    cases = [
        Case((seeds_logits, torch.tensor([0, 1, 2])), label="the three-sample example"),
        Case((torch.zeros(4, 3, dtype=d), torch.tensor([0, 1, 2, 0])), label="all logits tied: log 3 each"),
        Case((torch.tensor([[0.5, -1.0]], dtype=d), torch.tensor([1])), label="one sample"),
        Case((torch.tensor([[1000.0, 0.0], [0.0, 1000.0]], dtype=d), torch.tensor([1, 1])), label="logit 1000: confidently wrong, then right"),
        Case((torch.tensor([[1e4, -1e4, 0.0]], dtype=d), torch.tensor([2])), label="logits of ±1e4"),
        Case((torch.tensor([[-800.0, -801.0, -802.0]], dtype=d), torch.tensor([0])), label="very negative logits: every e^x underflows"),
        Case((torch.tensor([[3.0]], dtype=d), torch.tensor([0])), label="one class: loss 0"),
        Case((torch.tensor([[1.0, 2.0]], dtype=d), torch.tensor([2])), label="class index out of range: must raise"),
    ]
    for i in range(n_random):
        n, c = int(torch.randint(1, 20, (), generator=generator)), int(torch.randint(2, 8, (), generator=generator))
        scale = 10.0 ** int(torch.randint(0, 4, (), generator=generator))
        logits = torch.randn(n, c, generator=generator, dtype=d) * scale
        target = torch.randint(0, c, (n,), generator=generator)
        cases.append(Case((logits, target), label=f"random #{i + 1}: {n} samples, {c} classes, scale {scale:g}"))
    return cases


def check_cross_entropy(fn: Callable) -> bool:
    """Grade a reader's ``cross_entropy(logits, target)`` (mean over the batch) against :func:`dlcore.losses.cross_entropy`."""
    return check(fn, losses.cross_entropy, cross_entropy_cases(), name="cross_entropy", rtol=1e-9, atol=1e-12)
