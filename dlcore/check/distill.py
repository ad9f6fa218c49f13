"""Checkers for chapter 9's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import distill
from . import Case, check, random_cases

__all__ = ["kd_cases", "check_kd_loss"]


def kd_cases(seed: int = 0, n_random: int = 20) -> list[Case]:
    """Student and teacher logits, labels, T and α: T = 1 and large T, α at both ends, confident teachers."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)
    d = torch.float64

    def batch(n, c, scale):
        return (torch.randn(n, c, generator=generator, dtype=d) * scale, torch.randn(n, c, generator=generator, dtype=d) * scale,
                torch.randint(0, c, (n,), generator=generator))

    cases = [
        Case(batch(4, 3, 1.0), {"T": 1.0, "alpha": 0.5}, label="T = 1"),
        Case(batch(4, 3, 1.0), {"T": 4.0, "alpha": 1.0}, label="soft loss only, T = 4: the T² factor matters"),
        Case(batch(4, 3, 1.0), {"T": 4.0, "alpha": 0.0}, label="hard loss only"),
        Case(batch(2, 10, 20.0), {"T": 2.0, "alpha": 0.9}, label="a confident teacher"),
    ]
    for i in range(n_random):
        n, c = int(torch.randint(1, 12, (), generator=generator)), int(torch.randint(2, 8, (), generator=generator))
        T = float(torch.randint(1, 11, (), generator=generator))
        alpha = round(float(torch.rand((), generator=generator)), 2)
        cases.append(Case(batch(n, c, 3.0), {"T": T, "alpha": alpha}, label=f"random #{i + 1}: T = {T:g}, alpha = {alpha}"))
    return cases


def check_kd_loss(fn: Callable) -> bool:
    """Grade a reader's ``kd_loss(student_logits, teacher_logits, targets, T, alpha)`` against :func:`dlcore.distill.kd_loss`."""
    return check(fn, distill.kd_loss, kd_cases(), name="kd_loss", rtol=1e-9, atol=1e-12)
