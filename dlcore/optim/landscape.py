"""Loss landscapes for chapter 5: test surfaces, critical points and the noise of mini-batch gradients.

* :data:`SURFACES` — an ill-conditioned quadratic (a ravine), Rosenbrock's banana and a
  saddle with two minima, each a function of two scalar tensors.
* :func:`hessian` and :func:`classify_critical_point` — second derivatives by autograd and
  the eigenvalue test of Eq. (eq-hessian-test).
* :func:`minibatch_gradients` — the gradient of a mean loss on random mini-batches, next to
  the full-batch gradient it estimates without bias, Eq. (eq-minibatch-unbiased).
* :func:`sharp_flat` and :func:`noisy_descent` — a 1-D loss with one sharp and one flat
  minimum, and gradient descent with mini-batch-sized noise on it: with a learning rate
  near the sharp minimum's stability limit 2/curvature, the noise of small batches throws
  the runs out of the sharp minimum and they settle in the flat one.
* :func:`race` and :func:`sgd_on_regression` — the experiments the chapter's widgets draw:
  the optimizers of :data:`RACERS` on one surface, and mini-batch SGD on a regression.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import torch

from .._validation import as_choice, as_count, as_float_tensor, as_fraction, as_nonnegative, as_positive, as_scalar, as_xy, refuse_meta
from . import optimizers

__all__ = [
    "Surface", "SURFACES", "ravine", "rosenbrock", "saddle", "hessian", "classify_critical_point",
    "linear_regression_problem", "minibatch_gradients", "sharp_flat", "noisy_descent", "RACERS", "race",
    "sgd_on_regression",
]


class Surface(NamedTuple):
    """A 2-D test function with where to start, where its minimum is and what to plot."""

    name: str
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    start: tuple[float, float]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]


def _coordinates(**coordinates: torch.Tensor) -> None:
    """A surface's coordinates: floating-point tensors on one device whose shapes broadcast."""
    tensors = [as_float_tensor(value, name) for name, value in coordinates.items()]
    described = " and ".join(f"{name} {tuple(t.shape)} on {t.device}" for name, t in zip(coordinates, tensors))
    if len({t.device for t in tensors}) > 1:
        raise ValueError(f"{described} must be on one device")
    try:
        torch.broadcast_shapes(*(t.shape for t in tensors))
    except RuntimeError:
        raise ValueError(f"the shapes of {described} do not broadcast together") from None


def ravine(x, y, condition: float = 25.0):
    """``(x² + condition · y²) / 2``: curvatures 1 and ``condition``, so gradient descent needs lr < 2/condition."""
    _coordinates(x=x, y=y)
    return (x**2 + as_positive(condition, "condition") * y**2) / 2


def rosenbrock(x, y):
    """Rosenbrock's banana ``(1 − x)² + 100 (y − x²)²``, minimum 0 at (1, 1) at the end of a curved valley."""
    _coordinates(x=x, y=y)
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def saddle(x, y):
    """``x²/2 + y⁴/4 − y²/2``: a saddle at the origin between minima at (0, ±1), where the loss is −1/4."""
    _coordinates(x=x, y=y)
    return x**2 / 2 + y**4 / 4 - y**2 / 2


SURFACES = {
    "ravine": Surface("ravine", ravine, (-4.0, 1.5), (0.0, 0.0), (-4.5, 4.5), (-2.0, 2.0)),
    "rosenbrock": Surface("rosenbrock", rosenbrock, (-1.5, 2.0), (1.0, 1.0), (-2.0, 2.0), (-1.0, 3.0)),
    "saddle": Surface("saddle", saddle, (-2.5, 1e-3), (0.0, 1.0), (-3.0, 3.0), (-1.6, 1.6)),
}


def hessian(fn: Callable[[torch.Tensor], torch.Tensor], point) -> torch.Tensor:
    """The matrix of second derivatives of the scalar ``fn(vector)`` at ``point`` (float64, by autograd)."""
    refuse_meta(point, "point")
    point = torch.as_tensor(point, dtype=torch.float64).detach()
    if point.ndim != 1 or point.numel() == 0:
        raise ValueError(f"point must be a non-empty vector, got shape {tuple(point.shape)}")
    return torch.autograd.functional.hessian(fn, point)


def classify_critical_point(H: torch.Tensor, tol: float = 1e-8) -> str:
    """'minimum', 'maximum', 'saddle' or 'degenerate' from the Hessian's eigenvalues, Eq. (eq-hessian-test)."""
    if not isinstance(H, torch.Tensor) or H.ndim != 2 or H.shape[0] != H.shape[1] or H.numel() == 0:
        raise ValueError(f"H must be a square matrix, got {getattr(H, 'shape', type(H).__name__)}")
    tol = as_nonnegative(tol, "tol")
    H = as_float_tensor(H, "H").double()  # eigvalsh has no half-precision kernel
    eigenvalues = torch.linalg.eigvalsh((H + H.T) / 2)
    if (eigenvalues > tol).all():
        return "minimum"
    if (eigenvalues < -tol).all():
        return "maximum"
    if (eigenvalues > tol).any() and (eigenvalues < -tol).any():
        return "saddle"
    return "degenerate"


def linear_regression_problem(n: int = 1000, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points with one feature and a noisy line ``y = 2x − 1``: a loss over two parameters (slope, intercept)."""
    generator = torch.Generator().manual_seed(as_count(seed, "seed"))
    x = torch.randn(as_count(n, "n", minimum=2), generator=generator, dtype=torch.float64)
    y = 2 * x - 1 + 0.8 * torch.randn(n, generator=generator, dtype=torch.float64)
    return x, y


def _mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((w₀ x + w₁ − y)²) with respect to (w₀, w₁), rows of x, y batched in the leading dims."""
    residual = w[0] * x + w[1] - y
    return torch.stack([(2 * residual * x).mean(-1), (2 * residual).mean(-1)], dim=-1)


def minibatch_gradients(x: torch.Tensor, y: torch.Tensor, w, batch_size: int, n_batches: int = 500,
                        seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of the mean squared error of ``y ≈ w₀ x + w₁`` on ``n_batches`` random mini-batches
    (drawn without replacement within each batch), and the full-batch gradient.

    Each mini-batch gradient is an unbiased estimate of the full one, Eq.
    (eq-minibatch-unbiased); its covariance falls as 1/B (times (N − B)/(N − 1)).
    """
    x, y = as_float_tensor(x, "x"), as_float_tensor(y, "y")
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    refuse_meta(w, "w")
    w = torch.as_tensor(w, dtype=torch.float64, device=x.device)
    if w.shape != (2,):
        raise ValueError(f"w must hold two numbers (slope, intercept), got shape {tuple(w.shape)}")
    batch_size = as_count(batch_size, "batch_size", minimum=1)
    if batch_size > len(x):
        raise ValueError(f"batch_size must be at most the number of points ({len(x)}), got {batch_size}")
    generator = torch.Generator().manual_seed(as_count(seed, "seed"))
    n_batches = as_count(n_batches, "n_batches", minimum=1)
    # Each batch is the first rows of a random order; the orders are drawn a few batches at a
    # time, so that 10^6 points do not need a 500 × 10^6 matrix at once.
    per_chunk = max(1, _SAMPLE_ELEMENTS // len(x))
    rows = torch.cat([torch.rand(min(per_chunk, n_batches - start), len(x), generator=generator).argsort(dim=1)[:, :batch_size]
                      for start in range(0, n_batches, per_chunk)])
    return _mse_gradient(w, x[rows], y[rows]), _mse_gradient(w, x, y)


_SAMPLE_ELEMENTS = 2**22  # random keys drawn at once by minibatch_gradients


def sharp_flat(x):
    """A 1-D loss with a sharp, deep minimum at x ≈ −1 (curvature 200, loss −0.19) and a flat,
    shallower one at x ≈ 1.8 (curvature 0.3, loss 0.07), in a gentle bowl that keeps runs from
    wandering off."""
    _coordinates(x=x)
    return 1 + 0.03 * (x - 1) ** 2 - torch.exp(-100 * (x + 1) ** 2) - 0.95 * torch.exp(-((x - 2) ** 2) / 8)


def noisy_descent(loss: Callable[[torch.Tensor], torch.Tensor], x0: float, lr: float, noise: float, steps: int = 500,
                  n_runs: int = 200, seed: int = 0) -> torch.Tensor:
    """Gradient descent on a 1-D ``loss`` whose gradient carries Gaussian noise of standard deviation
    ``noise`` (a mini-batch of size B has noise ∝ 1/√B); ``n_runs`` independent runs, final positions."""
    lr, noise = as_positive(lr, "lr"), as_nonnegative(noise, "noise")
    generator = torch.Generator().manual_seed(as_count(seed, "seed"))
    x = torch.full((as_count(n_runs, "n_runs", minimum=1),), as_scalar(x0, "x0"), dtype=torch.float64)
    for _ in range(as_count(steps, "steps")):
        x.requires_grad_(True)
        (grad,) = torch.autograd.grad(loss(x).sum(), x)
        x = (x - lr * (grad + noise * torch.randn(x.shape, generator=generator, dtype=x.dtype))).detach()
    return x


#: The optimizers of the race: a class, and whether it takes the adaptive learning rate.
RACERS = {
    "SGD": (optimizers.SGD, False),
    "momentum": (optimizers.SGD, False),
    "Nesterov": (optimizers.SGD, False),
    "Adagrad": (optimizers.Adagrad, True),
    "RMSprop": (optimizers.RMSprop, True),
    "Adam": (optimizers.Adam, True),
}


def _hyperparameters(name: str, lr_sgd: float, lr_adaptive: float, momentum: float) -> dict:
    if name == "momentum":
        return {"lr": lr_sgd, "momentum": momentum}
    if name == "Nesterov":
        return {"lr": lr_sgd, "momentum": momentum, "nesterov": momentum > 0}  # no momentum: no look-ahead, plain SGD
    if name == "Adam":
        return {"lr": lr_adaptive, "betas": (momentum, 0.999)}
    return {"lr": lr_adaptive if RACERS[name][1] else lr_sgd}


def race(surface: str, names, lr_sgd: float, lr_adaptive: float, momentum: float = 0.9,
         steps: int = 200) -> dict[str, optimizers.Trajectory]:
    """Run each optimizer in ``names`` on ``SURFACES[surface]`` from its start point.

    SGD, momentum and Nesterov take ``lr_sgd``; Adagrad, RMSprop and Adam, whose steps do
    not scale with the gradient, take ``lr_adaptive``. ``momentum`` is also Adam's β₁.
    """
    surface = as_choice(surface, "surface", tuple(SURFACES))
    lr_sgd, lr_adaptive = as_positive(lr_sgd, "lr_sgd"), as_positive(lr_adaptive, "lr_adaptive")
    momentum, steps = as_fraction(momentum, "momentum", "[)"), as_count(steps, "steps", minimum=1)
    s = SURFACES[surface]
    return {name: optimizers.trajectory(s.fn, s.start, RACERS[name][0], steps, **_hyperparameters(name, lr_sgd, lr_adaptive, momentum))
            for name in names}


def sgd_on_regression(x: torch.Tensor, y: torch.Tensor, batch_size: int, lr: float = 0.05, epochs: int = 2,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch SGD from w = 0 on the mean squared error of ``y ≈ w₀ x + w₁`` (shuffled every epoch).

    Returns the epochs elapsed and the full-data loss after each update.
    """
    x, y = as_xy(x, y)
    batch_size, lr = as_count(batch_size, "batch_size", minimum=1), as_positive(lr, "lr")
    epochs, seed = as_count(epochs, "epochs", minimum=1), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = optimizers.SGD([w], lr=lr)
    seen, losses = [0.0], [((y) ** 2).mean().item()]
    for _ in range(epochs):
        for rows in torch.randperm(len(x), generator=generator).split(batch_size):
            opt.zero_grad()
            ((w[0] * x[rows] + w[1] - y[rows]) ** 2).mean().backward()
            opt.step()
            seen.append(seen[-1] + len(rows) / len(x))
            with torch.no_grad():
                losses.append(((w[0] * x + w[1] - y) ** 2).mean().item())
    return np.array(seen), np.array(losses)
