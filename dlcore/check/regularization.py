"""Checkers for chapter 6's exercises.

Dropout is random, so its checker cannot compare values with a reference; it checks the
properties that define inverted dropout instead: evaluation mode is the identity, every
kept entry is the input divided by 1 − p, the share of zeros is p, and the mean is kept.
"""

from __future__ import annotations

from typing import Callable

import torch

__all__ = ["check_dropout"]


def _dropout_problem(fn: Callable, x: torch.Tensor, p: float) -> str | None:
    """Why ``fn`` is not inverted dropout on ``x`` with rate ``p`` (``None`` when it passes)."""
    given = x.clone()  # the reader's own copy: a dropout that zeroes its input in place must not pass
    evaluated = fn(given, p, training=False)
    if not isinstance(evaluated, torch.Tensor) or not torch.equal(evaluated, x):
        return f"in evaluation mode (training=False) the output must be the input unchanged; p = {p}"
    out = fn(given, p, training=True)
    if not torch.equal(given, x):
        return f"the input was changed in place; return a new tensor instead; p = {p}"
    if not isinstance(out, torch.Tensor) or out.shape != x.shape:
        return f"in training mode the output must be a tensor of shape {tuple(x.shape)}, got {getattr(out, 'shape', type(out).__name__)}"
    kept = out != 0
    expected = x[kept] / (1 - p)
    if not torch.allclose(out[kept], expected, rtol=1e-9, atol=1e-12):
        return f"a kept entry must be x / (1 - p) = x / {1 - p:g} (inverted dropout rescales in training); p = {p}"
    dropped = 1 - kept.double().mean().item()
    if abs(dropped - p) > 0.01:
        return f"the share of dropped entries should be p = {p}, got {dropped:.3f}"
    ratio = out.mean().item() / x.mean().item()
    if abs(ratio - 1) > 0.02:
        return f"the mean must be kept (E[output] = x): output mean / input mean = {ratio:.3f}; p = {p}"
    return None


def check_dropout(fn: Callable) -> bool:
    """Grade a reader's ``dropout(x, p, training)`` (inverted dropout) on p = 0, 0.1, 0.5, 0.9."""
    generator = torch.Generator().manual_seed(0)
    # Reversed, so that a reader who seeds torch with 0 before grading does not draw the
    # dropout mask from the very numbers that made x (a mask correlated with x breaks the mean).
    x = (torch.rand(200_000, generator=generator, dtype=torch.float64) + 0.5).flip(0)
    for p in (0.0, 0.1, 0.5, 0.9):
        try:
            problem = _dropout_problem(fn, x, p)
        except Exception as error:  # the reader's function crashed
            problem = f"raised {type(error).__name__}: {error}"
        if problem:
            print(f"\u2718 dropout fails with p = {p}:\n  {problem}")
            return False
    print("\u2714 dropout: evaluation is the identity, kept entries are x / (1 - p), "
          "a share p is dropped and the mean is kept, for p = 0, 0.1, 0.5, 0.9")
    return True
