"""Checkers for chapter 5's exercises."""

from __future__ import annotations

from typing import Callable

import torch

from .. import optim
from . import Case, check, random_cases

__all__ = ["adamw_step", "adamw_cases", "check_adamw_step"]


def adamw_step(param: torch.Tensor, grad: torch.Tensor, m: torch.Tensor, v: torch.Tensor, step: int, lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 1e-2) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One AdamW step that returns new ``(param, m, v)`` and leaves its inputs alone: the reference
    for the exercise, :func:`dlcore.optim.adam_step` with decoupled weight decay on copies."""
    for name, tensor in (("param", param), ("m", m), ("v", v)):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    param, m, v = param.clone(), m.clone(), v.clone()
    optim.adam_step(param, grad, m, v, step, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                    decoupled_weight_decay=True)
    return param, m, v


def adamw_cases(seed: int = 0, n_random: int = 20) -> list[Case]:
    """Steps from a cold start (m = v = 0 at step 1) and later ones, with and without weight decay,
    tiny and huge gradients, and a zero gradient."""
    seed, n_random = random_cases(seed, n_random)
    generator = torch.Generator().manual_seed(seed)
    d = torch.float64

    def state(shape, scale=1.0, step=1):
        param = torch.randn(shape, generator=generator, dtype=d)
        grad = torch.randn(shape, generator=generator, dtype=d) * scale
        if step == 1:
            return param, grad, torch.zeros(shape, dtype=d), torch.zeros(shape, dtype=d), 1
        m = torch.randn(shape, generator=generator, dtype=d) * 0.1 * scale
        v = torch.rand(shape, generator=generator, dtype=d) * 0.01 * scale**2
        return param, grad, m, v, step

    cases = [
        Case(state((3,)), {"weight_decay": 0.0}, label="step 1 from m = v = 0: bias correction matters most"),
        Case(state((3,)), {"lr": 0.1, "weight_decay": 0.1}, label="step 1 with weight decay"),
        Case(state((2, 3), step=10), {"lr": 0.01, "weight_decay": 0.5}, label="step 10, strong weight decay"),
        Case(state((4,), step=1000), {"weight_decay": 0.0}, label="step 1000: bias correction almost 1"),
        Case(state((4,), scale=1e-6, step=5), {"eps": 1e-8}, label="tiny gradients: eps is comparable"),
        Case(state((4,), scale=1e4, step=3), {"lr": 1e-2}, label="huge gradients: the step stays about lr"),
        Case((torch.ones(2, dtype=d), torch.zeros(2, dtype=d), torch.zeros(2, dtype=d), torch.zeros(2, dtype=d), 1),
             {"lr": 0.1, "weight_decay": 0.1}, label="zero gradient: only the decay moves the weights"),
    ]
    for i in range(n_random):
        shape = tuple(int(s) for s in torch.randint(1, 5, (1 + i % 2,), generator=generator))
        step = int(torch.randint(1, 50, (), generator=generator))
        betas = (round(0.8 + 0.19 * float(torch.rand((), generator=generator)), 3), 0.999)
        kwargs = {"lr": 10 ** float(torch.empty(()).uniform_(-4, -1, generator=generator)), "betas": betas,
                  "weight_decay": round(float(torch.rand((), generator=generator)) * 0.2, 3)}
        cases.append(Case(state(shape, step=step), kwargs, label=f"random #{i + 1}: step {step}, betas {betas}"))
    return cases


def check_adamw_step(fn: Callable) -> bool:
    """Grade a reader's ``adamw_step(param, grad, m, v, step, lr, betas, eps, weight_decay) -> (param, m, v)``."""
    return check(fn, adamw_step, adamw_cases(), name="adamw_step", rtol=1e-9, atol=1e-12)
