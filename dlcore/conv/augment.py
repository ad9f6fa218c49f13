r"""Mixup and CutMix: train on blends of two images, with their labels blended in the same proportion.

Both take a batch and pair each image with another of the same batch (a random
permutation), as Zhang et al. and Yun et al. do, with one mixing weight
:math:`\lambda \sim \operatorname{Beta}(\alpha, \alpha)` per batch. They return the mixed
inputs, both label sets and :math:`\lambda`, which :func:`mixed_cross_entropy` turns into
the loss :math:`\lambda\,\mathrm{CE}(z, y_a) + (1 - \lambda)\,\mathrm{CE}(z, y_b)`,
Eq. (eq-mixup). Label-preserving augmentation (shifts without wrap-around, flips where
they keep the class) is :func:`dlcore.regularization.augment_images`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from scipy.special import betaincinv

from .. import losses
from .._validation import as_float_tensor, as_fraction, as_positive

__all__ = ["MixedBatch", "mixup", "cutmix", "mixed_cross_entropy"]


class MixedBatch(NamedTuple):
    inputs: torch.Tensor
    targets_a: torch.Tensor  #: each row's own labels
    targets_b: torch.Tensor  #: the labels of the row it was mixed with
    lam: float  #: the share of ``targets_a``


def _batch(x, y, alpha, generator) -> tuple[torch.Tensor, torch.Tensor, float, torch.Tensor]:
    x = as_float_tensor(x, "x")
    if x.ndim == 0:
        raise ValueError("x must hold one row per sample, got a 0-d tensor")
    if not isinstance(y, torch.Tensor) or y.ndim == 0 or len(y) != len(x) or len(x) == 0:
        raise ValueError(f"y must be a tensor with one label per row of x ({len(x)}), got "
                         f"{tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__}")
    alpha = as_positive(alpha, "alpha")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    # λ ~ Beta(α, α) by its inverse distribution function, so that a torch.Generator drives it.
    u = torch.rand((), generator=generator, dtype=torch.float64).item()
    lam = float(betaincinv(alpha, alpha, u))
    partner = torch.randperm(len(x), generator=generator).to(x.device)
    return x, partner, lam, y


def mixup(x: torch.Tensor, y: torch.Tensor, alpha: float = 0.2, generator: torch.Generator | None = None) -> MixedBatch:
    r"""Mixup (Zhang et al.), Eq. (eq-mixup): :math:`\tilde x = \lambda x + (1 - \lambda)\, x_{\pi}`
    for a random permutation :math:`\pi` of the batch and :math:`\lambda \sim \operatorname{Beta}(\alpha, \alpha)`."""
    x, partner, lam, y = _batch(x, y, alpha, generator)
    return MixedBatch(lam * x + (1 - lam) * x[partner], y, y[partner], lam)


def cutmix(x: torch.Tensor, y: torch.Tensor, alpha: float = 1.0, generator: torch.Generator | None = None) -> MixedBatch:
    r"""CutMix (Yun et al.): paste a box of each partner image :math:`x_\pi` into the image. The
    box covers about :math:`1 - \lambda` of the area, centred uniformly at random and clipped
    at the border; :math:`\lambda` is then reset to the share of pixels the image kept, so
    the labels mix in exactly the proportion of the pixels. ``x`` is ``(N, C, H, W)``, or
    ``(N, H·W)`` for square grey images (the flattened digits)."""
    x, partner, lam, y = _batch(x, y, alpha, generator)
    images = x
    if x.ndim == 2:
        side = round(x.shape[1] ** 0.5)
        if side * side != x.shape[1]:
            raise ValueError(f"x must be (N, C, H, W), or (N, H·W) for square images, got shape {tuple(x.shape)}")
        images = x.reshape(-1, 1, side, side)
    elif x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), or (N, H·W) for square images, got shape {tuple(x.shape)}")
    height, width = images.shape[-2:]
    cut = (1 - lam) ** 0.5
    box_h, box_w = round(height * cut), round(width * cut)
    centre = torch.rand(2, generator=generator, dtype=torch.float64)
    top, left = int(centre[0] * height) - box_h // 2, int(centre[1] * width) - box_w // 2
    top, bottom = max(top, 0), min(top + box_h, height)
    left, right = max(left, 0), min(left + box_w, width)
    mixed = images.clone()
    mixed[..., top:bottom, left:right] = images[partner][..., top:bottom, left:right]
    kept = 1 - (bottom - top) * (right - left) / (height * width)
    return MixedBatch(mixed.reshape(x.shape), y, y[partner], kept)


def mixed_cross_entropy(logits: torch.Tensor, targets_a: torch.Tensor, targets_b: torch.Tensor, lam: float) -> torch.Tensor:
    r"""The loss on mixed labels, Eq. (eq-mixup): :math:`\lambda\,\mathrm{CE}(z, y_a) + (1 - \lambda)\,\mathrm{CE}(z, y_b)`,
    the cross-entropy against the soft label :math:`\lambda\, e_{y_a} + (1 - \lambda)\, e_{y_b}`."""
    logits, lam = as_float_tensor(logits, "logits"), as_fraction(lam, "lam")
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"logits must be (N, C) with N, C >= 1, got shape {tuple(logits.shape)}")
    for name, target in (("targets_a", targets_a), ("targets_b", targets_b)):
        if not isinstance(target, torch.Tensor) or target.dtype != torch.int64 or target.shape != logits.shape[:1]:
            raise TypeError(f"{name} must be an int64 tensor of {len(logits)} class indices, got "
                            f"{target.dtype if isinstance(target, torch.Tensor) else type(target).__name__} "
                            f"of shape {tuple(getattr(target, 'shape', ()))}")
        if target.device.type == "meta" or ((target < 0) | (target >= logits.shape[1])).any():
            raise ValueError(f"{name} must hold class indices in [0, {logits.shape[1] - 1}]")
    return lam * losses.cross_entropy(logits, targets_a) + (1 - lam) * losses.cross_entropy(logits, targets_b)
