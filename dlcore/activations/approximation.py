r"""A curve as a sum of hidden units: the intuition behind universal approximation.

Chapter 3 of the book; equation labels (``eq-...``) refer to that chapter.

A network with one hidden layer computes :math:`b + \sum_i c_i\, f(w_i x + b_i)`,
Eq. (eq-one-hidden-layer). With ReLU units each term is a hinge, so the sum is a
piecewise-linear curve that bends at every unit's kink :math:`-b_i / w_i`; with
sigmoid units each term is a smoothed step. :func:`fit_hidden_units` places the
kinks (or steps) evenly over the data and fits the output weights :math:`c_i, b`
by least squares: more units, more bends, a closer fit.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from .. import activations
from .._validation import as_choice, as_count, as_float_tensor

__all__ = ["UnitFit", "hidden_units", "fit_hidden_units"]


class UnitFit(NamedTuple):
    prediction: torch.Tensor  #: the fitted curve at x
    pieces: torch.Tensor  #: (n_units, len(x)): each unit's contribution c_i f(w_i x + b_i)
    bias: float  #: the output bias b
    knots: torch.Tensor  #: where each unit bends (ReLU) or steps (sigmoid)
    rmse: float  #: root-mean-square error of the fit


def hidden_units(x: torch.Tensor, knots: torch.Tensor, unit: str = "relu") -> torch.Tensor:
    """The hidden layer's outputs, shape (len(knots), len(x)).

    ReLU unit i is ``relu(x - knots[i])``; sigmoid unit i is a step at ``knots[i]``
    whose width is about the spacing between knots.
    """
    as_choice(unit, "unit", ("relu", "sigmoid"))
    x, knots = as_float_tensor(x, "x"), as_float_tensor(knots, "knots")
    if x.ndim != 1 or knots.ndim != 1 or knots.numel() == 0 or x.device != knots.device:
        raise ValueError(f"x and knots must be non-empty 1-D tensors on one device, got shapes {tuple(x.shape)} "
                         f"on {x.device} and {tuple(knots.shape)} on {knots.device}")
    pre = x[None, :] - knots[:, None]
    if unit == "relu":
        return activations.relu(pre)
    spacing = (knots[-1] - knots[0]) / max(len(knots) - 1, 1) if len(knots) > 1 else (x.max() - x.min()) / 2
    return activations.sigmoid(4 * pre / spacing)


def fit_hidden_units(x: torch.Tensor, y: torch.Tensor, n_units: int, unit: str = "relu") -> UnitFit:
    """Fit ``y`` (1-D, over the 1-D ``x``) with ``n_units`` hidden units, Eq. (eq-one-hidden-layer)."""
    x, y = as_float_tensor(x, "x").double(), as_float_tensor(y, "y").double()
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        raise ValueError("x and y must be finite (no NaN or infinite value)")
    n_units = as_count(n_units, "n_units", minimum=1)
    unit = as_choice(unit, "unit", ("relu", "sigmoid"))
    if x.numel() < n_units + 1:
        raise ValueError(f"n_units must be below the number of points ({x.numel()}), got {n_units}")
    low, high = x.min(), x.max()
    if unit == "relu":  # the first hinge sits at the left end: it is the straight-line term
        knots = torch.linspace(0, 1, n_units + 1, dtype=x.dtype, device=x.device)[:-1] * (high - low) + low
    else:
        knots = (torch.arange(n_units, dtype=x.dtype, device=x.device) + 0.5) / n_units * (high - low) + low
    features = hidden_units(x, knots, unit)
    design = torch.cat([features.T, torch.ones_like(x)[:, None]], dim=1)
    driver = "gelsd" if design.device.type == "cpu" else None  # CUDA has only "gels"
    solution = torch.linalg.lstsq(design, y[:, None], driver=driver).solution.squeeze(1)
    pieces = solution[:-1, None] * features
    prediction = pieces.sum(0) + solution[-1]
    rmse = torch.sqrt(torch.mean((prediction - y) ** 2)).item()
    return UnitFit(prediction, pieces, solution[-1].item(), knots, rmse)
