"""Regularization: penalties, dropout, early stopping, label smoothing, clipping, augmentation (chapter 6).

* :func:`l2_penalty` and :func:`l1_penalty` — :math:`\\tfrac{\\lambda}{2}\\sum w^2` and
  :math:`\\lambda\\sum |w|` over any parameters, Eq. (eq-penalties); :func:`soft_threshold`
  is the proximal step of the L1 penalty, Eq. (eq-soft-threshold), and
  :func:`penalized_least_squares` fits the elastic net with it (equal to scikit-learn's
  ``Lasso``/``ElasticNet``/``Ridge`` objective).
* :func:`dropout` and :class:`Dropout` — inverted dropout, Eq. (eq-dropout), or the
  original form that scales at test time instead.
* :func:`decay_weights_` — decoupled weight decay, :math:`\\theta \\leftarrow (1 - \\eta\\lambda)\\theta`,
  Eq. (eq-weight-decay), applied beside any optimizer's step.
* :class:`EarlyStopping` — patience on a validation metric.
* :func:`smooth_labels` — the targets of label smoothing, Eq. (eq-smooth-labels).
* :func:`clip_grad_norm_` — gradient clipping by the global norm, Eq. (eq-clip-norm).
* :func:`augment_images` — random shifts, flips and noise for small images.

The chapter's experiments, which its widgets draw: :func:`polynomial_data`,
:func:`legendre_features`, :func:`fit_polynomial` and :func:`polynomial_errors` (over- and
underfitting a polynomial, with a ridge penalty), :func:`sparse_regression` and
:func:`coefficient_paths` (L1 against L2 as λ grows).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch

from . import losses
from ._validation import (
    as_choice, as_count, as_float_array, as_float_tensor, as_fraction, as_nonnegative, as_positive, as_scalar, as_xy, refuse_meta,
)

__all__ = [
    "l2_penalty", "l1_penalty", "soft_threshold", "penalized_least_squares", "dropout", "Dropout",
    "decay_weights_", "EarlyStopping", "smooth_labels", "clip_grad_norm_", "augment_images",
    "polynomial_data", "legendre_features", "fit_polynomial", "polynomial_errors", "sparse_regression",
    "coefficient_paths",
]


def _tensors(parameters, name: str = "parameters") -> list[torch.Tensor]:
    """A tensor, or an iterable of tensors (such as ``model.parameters()``), as a non-empty list."""
    tensors = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    if not tensors:
        raise ValueError(f"{name} must hold at least one tensor")
    for t in tensors:
        as_float_tensor(t, name)
    return tensors


def l2_penalty(parameters, strength: float = 1.0) -> torch.Tensor:
    """``strength / 2 · Σ w²`` over every tensor in ``parameters``, Eq. (eq-penalties); its gradient is ``strength · w``."""
    strength = as_nonnegative(strength, "strength")
    return strength / 2 * sum((p**2).sum() for p in _tensors(parameters))


def l1_penalty(parameters, strength: float = 1.0) -> torch.Tensor:
    """``strength · Σ |w|`` over every tensor in ``parameters``, Eq. (eq-penalties); its (sub)gradient is ``strength · sign(w)``."""
    strength = as_nonnegative(strength, "strength")
    return strength * sum(p.abs().sum() for p in _tensors(parameters))


def soft_threshold(w: torch.Tensor, threshold: float) -> torch.Tensor:
    """The proximal step of ``threshold · |w|``, Eq. (eq-soft-threshold): ``sign(w) · max(|w| − threshold, 0)``.

    Every entry within ``threshold`` of zero becomes exactly zero — the source of L1's sparsity.
    """
    w = as_float_tensor(w, "w")
    return torch.sign(w) * torch.clamp(w.abs() - as_nonnegative(threshold, "threshold"), min=0)


def penalized_least_squares(X: torch.Tensor, y: torch.Tensor, l1: float = 0.0, l2: float = 0.0, *, max_iter: int = 5000,
                            tol: float = 1e-12) -> torch.Tensor:
    """Minimise ``‖y − Xw‖² / (2n) + l1·‖w‖₁ + l2/2·‖w‖²`` (no intercept) by accelerated proximal gradient (FISTA).

    This is scikit-learn's ``ElasticNet(alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), fit_intercept=False)``
    objective; ``l2`` alone is ``Ridge(alpha=n · l2)``. Exact zeros come from :func:`soft_threshold`.
    """
    X, y = as_float_tensor(X, "X").double(), as_float_tensor(y, "y").double()  # one dtype, and one that has matrix norms
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
        raise ValueError(f"X must be (n, d) and y (n,) with n > 0, got {tuple(X.shape)} and {tuple(y.shape)}")
    if not (torch.isfinite(X).all() and torch.isfinite(y).all()):
        raise ValueError("X and y must be finite (no NaN or infinity)")
    l1, l2, tol = as_nonnegative(l1, "l1"), as_nonnegative(l2, "l2"), as_nonnegative(tol, "tol")
    n = X.shape[0]
    step = 1.0 / (torch.linalg.matrix_norm(X, ord=2).item() ** 2 / n + l2 + 1e-300)  # 1 / Lipschitz constant
    w = z = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    momentum = 1.0
    for _ in range(as_count(max_iter, "max_iter", minimum=1)):
        gradient = X.T @ (X @ z - y) / n + l2 * z
        w_next = soft_threshold(z - step * gradient, step * l1)
        momentum_next = (1 + math.sqrt(1 + 4 * momentum**2)) / 2
        z = w_next + (momentum - 1) / momentum_next * (w_next - w)
        converged = (w_next - w).abs().max().item() <= tol
        w, momentum = w_next, momentum_next
        if converged:
            break
    return w


@torch.no_grad()
def decay_weights_(parameters, lr: float, weight_decay: float) -> None:
    """Decoupled weight decay: multiply every tensor in ``parameters`` by ``1 − lr · weight_decay``
    in place, Eq. (eq-weight-decay).

    Called between ``loss.backward()`` and ``optimizer.step()``, it gives any optimizer true
    weight decay, outside its gradient statistics; beside ``Adam`` it is ``torch.optim.AdamW``,
    which also multiplies the decay by the learning rate.
    """
    tensors = _tensors(parameters)
    lr, weight_decay = as_nonnegative(lr, "lr"), as_nonnegative(weight_decay, "weight_decay")
    if lr * weight_decay > 1:
        raise ValueError(f"lr · weight_decay must be at most 1 (a factor 1 − lr · weight_decay below 0 flips the "
                         f"weights' signs), got lr={lr}, weight_decay={weight_decay}")
    for t in tensors:
        t.mul_(1 - lr * weight_decay)


def _probability(p) -> float:
    return as_fraction(p, "p", "[)")


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True, *, inverted: bool = True,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero each entry with probability ``p`` during training, Eq. (eq-dropout).

    ``inverted=True`` (what ``torch.nn.functional.dropout`` does) divides the kept entries by
    ``1 − p`` in training and leaves evaluation alone; ``inverted=False`` (the original
    paper's form) keeps them as they are and multiplies by ``1 − p`` in evaluation. Both keep
    every entry's expected value equal in training and evaluation.
    """
    x, p = as_float_tensor(x, "x"), _probability(p)
    if not isinstance(training, bool):
        raise TypeError(f"training must be True or False, got {training!r}")
    if not training:
        return x if inverted else x * (1 - p)
    if p == 0.0:
        return x
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype, device="cpu" if generator is not None else x.device)
    mask = (keep.to(x.device) >= p).to(x.dtype)
    return x * mask / (1 - p) if inverted else x * mask


class Dropout(torch.nn.Module):
    """Inverted dropout as a layer: active in ``model.train()``, the identity in ``model.eval()``."""

    def __init__(self, p: float = 0.5, *, inverted: bool = True):
        super().__init__()
        self.p, self.inverted = _probability(p), inverted

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dropout(x, self.p, self.training, inverted=self.inverted)

    def extra_repr(self) -> str:
        return f"p={self.p}" + ("" if self.inverted else ", inverted=False")


class EarlyStopping:
    """Stop when a validation metric has not improved for ``patience`` checks, and remember the best model.

    ``mode="min"`` for a loss, ``"max"`` for an accuracy; an improvement must beat the best
    by more than ``min_delta``. Call :meth:`step` after each epoch; it returns ``True`` when
    training should stop. With a ``model``, the best weights are kept for :meth:`restore`.
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, mode: str = "min"):
        self.patience = as_count(patience, "patience", minimum=1)
        self.min_delta = as_nonnegative(min_delta, "min_delta")
        self.mode = as_choice(mode, "mode", ("min", "max"))
        self.best: float | None = None
        self.best_epoch = -1
        self.epoch = -1
        self.waited = 0
        self._best_state = None

    def _improves(self, value: float) -> bool:
        if self.best is None:
            return True
        return value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta

    def step(self, value: float, model: torch.nn.Module | None = None) -> bool:
        """Record this epoch's metric; ``True`` once ``patience`` epochs have passed without improvement."""
        value = as_scalar(value, "value")
        self.epoch += 1
        if self._improves(value):
            self.best, self.best_epoch, self.waited = value, self.epoch, 0
            if model is not None:
                self._best_state = copy.deepcopy(model.state_dict())
        else:
            self.waited += 1
        return self.should_stop

    @property
    def should_stop(self) -> bool:
        return self.waited >= self.patience

    def restore(self, model: torch.nn.Module) -> None:
        """Load the best weights seen into ``model``."""
        if self._best_state is None:
            raise ValueError("no weights were recorded: pass the model to step(value, model)")
        model.load_state_dict(self._best_state)


def smooth_labels(targets: torch.Tensor, num_classes: int, smoothing: float = 0.1) -> torch.Tensor:
    """Label smoothing's target distribution, Eq. (eq-smooth-labels): ``(1 − ε) · one_hot + ε / K``.

    Cross-entropy against these rows equals ``F.cross_entropy(..., label_smoothing=ε)``.
    """
    if not isinstance(targets, torch.Tensor) or targets.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise TypeError(f"targets must be an integer tensor of class indices, got {getattr(targets, 'dtype', type(targets).__name__)}")
    refuse_meta(targets, "targets")
    num_classes = as_count(num_classes, "num_classes", minimum=1)
    if targets.numel() and (targets.min() < 0 or targets.max() >= num_classes):
        raise ValueError(f"targets must lie in [0, {num_classes - 1}], got {int(targets.min())}..{int(targets.max())}")
    smoothing = as_fraction(smoothing, "smoothing")
    one_hot = (targets[..., None] == torch.arange(num_classes, device=targets.device)).to(torch.get_default_dtype())
    return one_hot * (1 - smoothing) + smoothing / num_classes


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = True) -> torch.Tensor:
    """Scale all gradients together so that their global norm is at most ``max_norm``, Eq. (eq-clip-norm);
    return the norm before clipping, as ``torch.nn.utils.clip_grad_norm_`` does.

    Unlike torch's default, a NaN or infinite norm raises (``error_if_nonfinite=False`` lets
    it through, and the gradients become NaN, as in torch).
    """
    tensors = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    grads = [p.grad for p in tensors if p.grad is not None]
    max_norm = as_nonnegative(max_norm, "max_norm")
    norm_type = as_positive(norm_type, "norm_type") if norm_type != math.inf else math.inf
    if not grads:
        return torch.tensor(0.0)
    if norm_type == math.inf:
        total = torch.stack([g.detach().abs().max() for g in grads]).max()
    else:
        # Summed in float64: float32 gradients of 1e20 are finite, their squares are not.
        total = torch.stack([(g.detach().double().abs() ** norm_type).sum() for g in grads]).sum() ** (1.0 / norm_type)
        total = total.to(grads[0].dtype)
    if error_if_nonfinite and not torch.isfinite(total):
        raise ValueError(f"the total norm (norm_type={norm_type}) of the gradients is {total.item()}: a NaN or "
                         "infinite gradient reached clipping, or the gradients overflow this norm_type")
    scale = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    for g in grads:
        g.detach().mul_(scale.to(g.dtype))
    return total


def augment_images(X: torch.Tensor, height: int = 8, width: int = 8, *, max_shift: int = 1, flip: bool = False,
                   noise: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """A randomly transformed copy of flattened images (N, height·width): each image shifted by up to
    ``max_shift`` pixels in each direction (zeros enter at the edge), mirrored left-right with
    probability ½ when ``flip``, plus Gaussian noise of standard deviation ``noise``."""
    X = as_float_tensor(X, "X")
    height, width = as_count(height, "height", minimum=1), as_count(width, "width", minimum=1)
    if X.ndim != 2 or X.shape[1] != height * width:
        raise ValueError(f"X must be (N, {height * width}) for {height}×{width} images, got {tuple(X.shape)}")
    max_shift, noise = as_count(max_shift, "max_shift"), as_nonnegative(noise, "noise")
    if max_shift > max(height, width):  # the padded copy would grow with max_shift², for a blank image
        raise ValueError(f"max_shift must be at most the image's size ({max(height, width)}), got {max_shift}")
    images = X.reshape(-1, 1, height, width)
    n = images.shape[0]
    padded = torch.nn.functional.pad(images, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(height)).to(X.device)
    cols = (dx[:, None] + torch.arange(width)).to(X.device)
    shifted = padded[torch.arange(n, device=X.device)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]
    if flip:
        mirror = (torch.rand(n, generator=generator) < 0.5).to(X.device)
        shifted = torch.where(mirror[:, None, None], shifted.flip(-1), shifted)
    out = shifted.reshape(n, height * width)
    if noise > 0:
        out = out + noise * torch.randn(out.shape, generator=generator, dtype=out.dtype).to(X.device)
    return out


def polynomial_data(n_train: int = 20, n_val: int = 200, noise: float = 0.25, seed: int = 0):
    """``y = sin(πx) + noise`` on x ∈ [−1, 1]: a small training set and a large validation set."""
    n_train, n_val = as_count(n_train, "n_train", minimum=1), as_count(n_val, "n_val", minimum=1)
    noise, seed = as_nonnegative(noise, "noise"), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)

    def sample(n):
        x = torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1
        return x, torch.sin(torch.pi * x) + noise * torch.randn(n, generator=generator, dtype=torch.float64)

    return sample(n_train), sample(n_val)


def legendre_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Legendre polynomials P₀ … P_degree of x ∈ [−1, 1] (well conditioned, unlike raw powers)."""
    x, degree = as_float_tensor(x, "x"), as_count(degree, "degree")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {tuple(x.shape)}")
    columns = [torch.ones_like(x), x]
    for k in range(1, degree):
        columns.append(((2 * k + 1) * x * columns[k] - k * columns[k - 1]) / (k + 1))
    return torch.stack(columns[: degree + 1], dim=1)


def fit_polynomial(x: torch.Tensor, y: torch.Tensor, degree: int, lam: float) -> torch.Tensor:
    """Ridge regression on Legendre features: minimise mean squared error + lam · ‖w‖² (intercept not penalised).

    Solved as one least-squares problem on the features stacked over √(n·lam)·I (not through
    the normal equations, whose condition number is the square of this one's).
    """
    x, y = as_xy(x, y)
    degree, lam = as_count(degree, "degree"), as_nonnegative(lam, "lam")
    F = legendre_features(x, degree)
    root = torch.full((degree + 1,), (len(x) * lam) ** 0.5, dtype=torch.float64)
    root[0] = 0.0
    A = torch.cat([F, torch.diag(root)])
    b = torch.cat([y, torch.zeros(degree + 1, dtype=torch.float64)])
    return torch.linalg.lstsq(A, b[:, None], driver="gelsd").solution[:, 0]


def polynomial_errors(degrees, lam: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation RMSE for each degree at penalty ``lam``."""
    lam, seed = as_nonnegative(lam, "lam"), as_count(seed, "seed")
    (x, y), (xv, yv) = polynomial_data(seed=seed)
    train_err, val_err = [], []
    for d in degrees:
        w = fit_polynomial(x, y, d, lam)
        train_err.append(losses.rmse(legendre_features(x, d) @ w, y).item())
        val_err.append(losses.rmse(legendre_features(xv, d) @ w, yv).item())
    return np.array(train_err), np.array(val_err)


def sparse_regression(n: int = 60, d: int = 12, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Standardised features of which only the first 3 matter: X, y and the true coefficients."""
    n, d, seed = as_count(n, "n", minimum=2), as_count(d, "d", minimum=1), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=generator, dtype=torch.float64)
    true = torch.zeros(d, dtype=torch.float64)
    true[:3] = torch.tensor([3.0, -2.0, 1.5], dtype=torch.float64)
    return X, X @ true + 0.8 * torch.randn(n, generator=generator, dtype=torch.float64), true


def coefficient_paths(lambdas, seed: int = 0) -> dict[str, np.ndarray]:
    """Coefficients (len(lambdas), d) of the L1 (lasso) and L2 (ridge) fits along ``lambdas``."""
    lambdas = as_float_array(lambdas, "lambdas", ndim=1)
    X, y, _ = sparse_regression(seed=seed)
    paths = {"L1": [], "L2": []}
    for lam in lambdas:
        paths["L1"].append(penalized_least_squares(X, y, l1=lam).numpy())
        paths["L2"].append(penalized_least_squares(X, y, l2=lam).numpy())
    return {k: np.array(v) for k, v in paths.items()}
