r"""Weight initialisation: how large the first random weights should be.

Chapter 3 of the book; equation labels (``eq-...``) refer to that chapter.

Each initialiser fills a weight tensor of shape ``(fan_out, fan_in, *kernel)`` in
place and returns it, like its namesake in :mod:`torch.nn.init`; given the same
random state (or ``generator``) it draws exactly the same numbers. The idea behind
Xavier and He: choose the variance so that a signal keeps its variance from layer
to layer, forward and backward, Eqs. (eq-xavier) and (eq-he).

==========================  ===============================================
initialiser                 variance of each weight
==========================  ===============================================
``zeros_``                  0 (every unit identical: see the symmetry section)
``normal_``                 ``std**2``, whatever the layer's size
``xavier_uniform_/normal_`` :math:`g^2 \cdot 2 / (n_\text{in} + n_\text{out})`
``kaiming_uniform_/normal_`` :math:`g^2 / n_\text{in}` (or ``/ n_out``); :math:`g^2 = 2` for ReLU
==========================  ===============================================

A uniform distribution on :math:`[-a, a]` has variance :math:`a^2 / 3`, so the uniform
versions use :math:`a = \sqrt3 \cdot \text{std}`.
"""

from __future__ import annotations

import math
import warnings

import torch

from .._validation import as_choice, as_float_tensor, as_nonnegative, as_scalar

__all__ = [
    "calculate_gain",
    "fan_in_and_fan_out",
    "xavier_std",
    "kaiming_std",
    "zeros_",
    "normal_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "glorot_uniform_",
    "glorot_normal_",
    "he_uniform_",
    "he_normal_",
]

NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The factor :math:`g` that makes up for what ``nonlinearity`` does to a signal's variance.

    ReLU zeroes half of a symmetric input, halving its second moment, hence
    :math:`g = \sqrt2`; leaky ReLU with slope :math:`\alpha` keeps
    :math:`(1 + \alpha^2)/2` of it. Values as in :func:`torch.nn.init.calculate_gain`.
    """
    as_choice(nonlinearity, "nonlinearity", NONLINEARITIES)
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else as_scalar(param, "param")
        return math.sqrt(2.0 / (1 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4
    return 1.0


def fan_in_and_fan_out(tensor: torch.Tensor) -> tuple[int, int]:
    """Inputs and outputs of one unit: ``(in · k, out · k)`` for a weight of shape
    ``(out, in, *kernel)`` with ``k`` kernel elements."""
    tensor = as_float_tensor(tensor, "tensor")
    if tensor.ndim < 2:
        raise ValueError(f"tensor must have at least 2 dimensions (out, in, ...) to have fans, got shape {tuple(tensor.shape)}")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def zeros_(tensor: torch.Tensor) -> torch.Tensor:
    """Fill with zeros. Fine for biases; for weights it leaves every unit of a layer identical."""
    tensor = as_float_tensor(tensor, "tensor")
    with torch.no_grad():
        return tensor.zero_()


def normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Fill from :math:`N(\text{mean}, \text{std}^2)`: the "naive" initialisation, blind to the layer's size."""
    tensor = as_float_tensor(tensor, "tensor")
    mean, std = as_scalar(mean, "mean"), as_nonnegative(std, "std")
    with torch.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def _uniform_with_std(tensor: torch.Tensor, std: float, generator) -> torch.Tensor:
    bound = math.sqrt(3.0) * std  # U(-a, a) has variance a²/3
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def _normal_with_std(tensor: torch.Tensor, std: float, generator) -> torch.Tensor:
    with torch.no_grad():
        return tensor.normal_(0, std, generator=generator)


def xavier_std(tensor: torch.Tensor, gain: float = 1.0) -> float:
    r"""The standard deviation of Glorot & Bengio's initialisation, Eq. (eq-xavier):
    :math:`g \sqrt{2 / (n_\text{in} + n_\text{out})}`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return as_nonnegative(gain, "gain") * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Glorot & Bengio's initialisation, Eq. (eq-xavier): uniform with variance
    :math:`g^2 \cdot 2/(n_\text{in} + n_\text{out})`, a compromise between keeping the
    forward signal (:math:`1/n_\text{in}`) and the backward gradient (:math:`1/n_\text{out}`)."""
    return _uniform_with_std(tensor, xavier_std(tensor, gain), generator)


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""As :func:`xavier_uniform_`, drawn from :math:`N(0, g^2 \cdot 2/(n_\text{in} + n_\text{out}))`."""
    return _normal_with_std(tensor, xavier_std(tensor, gain), generator)


def _is_empty(tensor: torch.Tensor) -> bool:
    """A zero-element tensor has no fan to scale by: initialising it is a no-op, with torch's warning."""
    if as_float_tensor(tensor, "tensor").numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def kaiming_std(tensor: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> float:
    r"""The standard deviation of He et al.'s initialisation, Eq. (eq-he): :math:`g / \sqrt{n}`,
    :math:`n` the fan given by ``mode`` and :math:`g` the gain of ``nonlinearity`` (with
    negative slope ``a`` for a leaky ReLU)."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if as_choice(mode, "mode", ("fan_in", "fan_out")) == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    *, generator: torch.Generator | None = None,
) -> torch.Tensor:
    r"""He et al.'s initialisation, Eq. (eq-he): uniform with variance :math:`g^2 / n`,
    :math:`n` the fan given by ``mode``. ``a`` is the negative slope of a leaky ReLU
    (0: plain ReLU, so :math:`g^2 = 2`)."""
    if _is_empty(tensor):
        return tensor
    return _uniform_with_std(tensor, kaiming_std(tensor, a, mode, nonlinearity), generator)


def kaiming_normal_(
    tensor: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    *, generator: torch.Generator | None = None,
) -> torch.Tensor:
    r"""As :func:`kaiming_uniform_`, drawn from :math:`N(0, g^2 / n)`."""
    if _is_empty(tensor):
        return tensor
    return _normal_with_std(tensor, kaiming_std(tensor, a, mode, nonlinearity), generator)


# The other names the same methods go by.
glorot_uniform_, glorot_normal_ = xavier_uniform_, xavier_normal_
he_uniform_, he_normal_ = kaiming_uniform_, kaiming_normal_
