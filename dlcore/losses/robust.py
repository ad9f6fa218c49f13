r"""Fitting a line under a chosen loss: what MSE, MAE and Huber do with an outlier.

Chapter 4 of the book; equation labels (``eq-...``) refer to that chapter.

Least squares has a closed form. MAE and Huber do not, but each is minimised by
*iteratively reweighted least squares* (IRLS): solve a weighted least-squares problem,
give every point the weight :math:`\psi(r)/r` of its current residual :math:`r` (with
:math:`\psi` the loss's derivative), repeat. For Huber that weight is
:math:`\min(1, \delta/|r|)`, for MAE :math:`1/|r|`: points far from the line lose
their pull, which is exactly the robustness Eq. (eq-huber) promises.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from .._validation import as_choice, as_count, as_float_tensor, as_nonnegative, as_scalar

__all__ = ["Line", "fit_line"]


class Line(NamedTuple):
    slope: float
    intercept: float
    iterations: int  #: IRLS steps taken (0 for the closed-form least squares)


def _weighted_least_squares(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    design = torch.stack([x, torch.ones_like(x)], dim=1) * w.sqrt()[:, None]
    return torch.linalg.lstsq(design, (y * w.sqrt())[:, None]).solution.squeeze(1)


def fit_line(x: torch.Tensor, y: torch.Tensor, loss: str = "mse", delta: float = 1.0,
             max_iterations: int = 500, tol: float = 1e-12) -> Line:
    """The line ``slope * x + intercept`` that minimises the mean ``loss`` of its residuals.

    ``loss`` is ``"mse"`` (closed form), ``"mae"`` or ``"huber"`` (with ``delta``), the
    last two by IRLS until the parameters move less than ``tol``.
    """
    x, y = as_float_tensor(x, "x").double(), as_float_tensor(y, "y").double()
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        raise ValueError("x and y must be finite (no NaN or infinite value)")
    tol = as_nonnegative(tol, "tol")
    if x.numel() < 2 or bool((x == x[0]).all()):
        raise ValueError("x must hold at least two distinct values to determine a line")
    loss = as_choice(loss, "loss", ("mse", "mae", "huber"))
    delta = as_scalar(delta, "delta")
    if delta <= 0:
        raise ValueError(f"delta must be > 0, got {delta}")
    max_iterations = as_count(max_iterations, "max_iterations", minimum=1)
    theta = _weighted_least_squares(x, y, torch.ones_like(x))
    if loss == "mse":
        return Line(theta[0].item(), theta[1].item(), 0)
    for iteration in range(1, max_iterations + 1):
        r = (y - theta[0] * x - theta[1]).abs()
        if loss == "huber":
            w = torch.where(r <= delta, torch.ones_like(r), delta / r)
        else:  # 1/|r|, floored so that a point on the line does not get an infinite weight
            w = 1 / r.clamp(min=1e-9)
        new = _weighted_least_squares(x, y, w)
        moved = (new - theta).abs().max().item()
        theta = new
        if moved < tol:
            break
    return Line(theta[0].item(), theta[1].item(), iteration)
