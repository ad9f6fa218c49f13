r"""Knowledge distillation, and the two other ways to shrink a model: int8 quantization and pruning.

Chapter 9 of the book; equation labels (``eq-...``) refer to that chapter.
"""

from __future__ import annotations

import copy
import math

from typing import NamedTuple

import torch

from . import activations, losses
from ._validation import as_float_tensor, as_fraction, as_positive

__all__ = [
    "soft_targets", "kd_loss", "Quantized", "quantize_int8", "dequantize", "magnitude_mask", "pruned_copy",
]


def soft_targets(logits: torch.Tensor, T: float = 1.0) -> torch.Tensor:
    r"""The temperature softmax :math:`\operatorname{softmax}(z / T)` along the last axis, Eq. (eq-temperature).

    :math:`T > 1` flattens the distribution, bringing out the small probabilities of the
    wrong classes ("dark knowledge"); :math:`T \to \infty` makes it uniform.
    """
    logits, T = as_float_tensor(logits, "logits"), as_positive(T, "T")
    # Shift first: at a tiny T, z / T overflows to inf and the softmax to NaN, while the
    # shifted logits only reach -inf and the limit, the one-hot argmax, comes out.
    return activations.softmax((logits - logits.amax(dim=-1, keepdim=True)) / T, dim=-1)


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, target: torch.Tensor, T: float = 4.0,
            alpha: float = 0.9) -> torch.Tensor:
    r"""Hinton et al.'s distillation loss, Eq. (eq-kd-loss):

    .. math:: \alpha\, T^2\, \mathrm{KL}\big(\operatorname{softmax}(t/T) \,\|\, \operatorname{softmax}(s/T)\big) + (1 - \alpha)\, \mathrm{CE}(s, y),

    both terms averaged over the batch. The soft term's gradient shrinks as :math:`1/T^2`;
    the factor :math:`T^2` restores its scale, so changing :math:`T` does not silently
    change the balance :math:`\alpha` sets.
    """
    student, teacher = as_float_tensor(student_logits, "student_logits"), as_float_tensor(teacher_logits, "teacher_logits")
    if student.shape != teacher.shape or student.ndim != 2:
        raise ValueError(f"student_logits and teacher_logits must be (N, C) of the same shape, got "
                         f"{tuple(student.shape)} and {tuple(teacher.shape)}")
    T, alpha = as_positive(T, "T"), as_fraction(alpha, "alpha")
    if T > math.sqrt(torch.finfo(torch.float64).max):
        raise ValueError(f"T must be small enough that T**2 is finite, got {T}")
    p_teacher = soft_targets(teacher.detach(), T)
    log_q_student = activations.log_softmax(student / T, dim=-1)
    soft = (torch.xlogy(p_teacher, p_teacher) - p_teacher * log_q_student).sum(dim=-1).mean()
    return alpha * T**2 * soft + (1 - alpha) * losses.cross_entropy(student, target)


class Quantized(NamedTuple):
    values: torch.Tensor  #: int8
    scale: float
    zero_point: int


def quantize_int8(x: torch.Tensor) -> Quantized:
    r"""Affine per-tensor int8 quantization, Eq. (eq-quantize): :math:`q = \operatorname{clamp}(\operatorname{round}(x/s) + z, -128, 127)`
    with :math:`s = (\max - \min)/255` and :math:`z` chosen so that ``min`` maps to −128 (and 0 stays exactly representable).
    """
    x = as_float_tensor(x, "x")
    if x.numel() == 0 or not torch.isfinite(x).all():
        raise ValueError(f"x must be a non-empty tensor of finite values, got shape {tuple(x.shape)}")
    low, high = min(x.min().item(), 0.0), max(x.max().item(), 0.0)  # the range always contains 0
    scale = (high - low) / 255 if high > low else 1.0
    zero_point = int(max(-128, min(127, round(-128 - low / scale))))
    q = torch.clamp(torch.round(x / scale) + zero_point, -128, 127).to(torch.int8)
    return Quantized(q, scale, zero_point)


def dequantize(q: Quantized) -> torch.Tensor:
    """Back to floats: :math:`s\\,(q - z)`; each value is off by at most half a step, ``scale / 2``."""
    return q.scale * (q.values.to(torch.float32) - q.zero_point)


def magnitude_mask(weight: torch.Tensor, amount: float) -> torch.Tensor:
    """A 0/1 mask zeroing the ``round(amount · n)`` weights of smallest magnitude, as
    ``torch.nn.utils.prune.l1_unstructured``."""
    weight = as_float_tensor(weight, "weight")
    amount = as_fraction(amount, "amount")
    n_prune = round(amount * weight.numel())
    mask = torch.ones_like(weight, memory_format=torch.contiguous_format)  # row-major, as flatten() counts
    if n_prune:
        smallest = torch.topk(weight.abs().flatten(), n_prune, largest=False).indices
        mask.view(-1)[smallest] = 0
    return mask


def pruned_copy(model: torch.nn.Module, amount: float) -> torch.nn.Module:
    """A copy of ``model`` with the ``amount`` smallest-magnitude weights of every linear layer set to 0."""
    pruned = copy.deepcopy(model)
    with torch.no_grad():
        for layer in pruned.modules():
            if isinstance(layer, torch.nn.Linear):
                layer.weight.mul_(magnitude_mask(layer.weight, amount))
    return pruned
