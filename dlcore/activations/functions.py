r"""Activation functions: the nonlinearities between a network's linear layers.

Chapter 3 of the book; equation labels (``eq-...``) refer to that chapter.

Every function takes a floating-point tensor (any device, any shape) and is written
with elementary torch operations only. Sigmoid and tanh carry their derivative
explicitly, as :class:`torch.autograd.Function` s whose ``backward`` is the book's
formula (:math:`\sigma(1 - \sigma)`, :math:`1 - \tanh^2`), which is also how torch
computes it; everything else lets autograd differentiate the formula. The tests
compare values *and* gradients with ``torch.nn.functional`` in float64, from 0 out to
±1e4. Two habits keep that range free of overflow:

* an exponential is only ever taken of a number ≤ 0 (via ``-|x|``, or split at 0 with
  ``clamp`` so that the branch ``torch.where`` discards is finite too and its zero
  gradient does not turn into ``0 · inf = NaN``);
* ``softmax`` and ``log_softmax`` subtract the maximum first (Eq. (eq-softmax-shift)).

NaN in gives NaN out, as in torch. Not a tensor, or an integer tensor, is a
``TypeError`` naming the argument.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._validation import as_choice, as_count, as_dim, as_float_tensor, as_model_input, as_scalar

__all__ = [
    "SigmoidFunction", "TanhFunction", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "gelu",
    "silu", "swish", "softmax", "log_softmax", "glu", "PReLU", "SwiGLU", "CURVES", "activation_and_slope",
]


class SigmoidFunction(torch.autograd.Function):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})` and its derivative :math:`\sigma(1 - \sigma)`, Eq. (eq-sigmoid)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        x = as_float_tensor(x, "x")
        # With e = exp(-|x|) <= 1 nothing overflows: sigma(x) = 1/(1 + e) for x >= 0,
        # and e^x / (1 + e^x) = e/(1 + e) for x < 0 (e^{10^4} would be inf).
        e = torch.exp(-x.abs())
        r = 1 / (1 + e)
        y = torch.where(x >= 0, r, e * r)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


class TanhFunction(torch.autograd.Function):
    r""":math:`\tanh x` and its derivative :math:`1 - \tanh^2 x`, Eq. (eq-tanh)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        x = as_float_tensor(x, "x")
        # tanh|x| = (1 - e^{-2|x|}) / (1 + e^{-2|x|}); expm1 keeps the numerator
        # accurate near 0, where 1 - e^{-2|x|} would cancel. tanh is odd: copy x's sign.
        m = torch.expm1(-2 * x.abs())
        y = torch.copysign(-m / (2 + m), x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, Eq. (eq-sigmoid); see :class:`SigmoidFunction`."""
    return SigmoidFunction.apply(as_float_tensor(x, "x"))


def tanh(x: torch.Tensor) -> torch.Tensor:
    r"""The hyperbolic tangent :math:`(e^{x} - e^{-x}) / (e^{x} + e^{-x}) = 2\sigma(2x) - 1`, Eq. (eq-tanh); see :class:`TanhFunction`."""
    return TanhFunction.apply(as_float_tensor(x, "x"))


def relu(x: torch.Tensor) -> torch.Tensor:
    r""":math:`\max(0, x)`, Eq. (eq-relu). Its gradient at exactly 0 is taken as 0, as torch does."""
    x = as_float_tensor(x, "x")
    return torch.where(x <= 0, 0.0, x)  # written so that NaN stays NaN


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    r""":math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise, with :math:`\alpha` = ``negative_slope``, Eq. (eq-leaky-relu)."""
    x = as_float_tensor(x, "x")
    negative_slope = as_scalar(negative_slope, "negative_slope")
    return torch.where(x > 0, x, negative_slope * x)


def prelu(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    r"""Leaky ReLU whose negative slope ``weight`` is learned, Eq. (eq-leaky-relu).

    ``weight`` holds one slope, or one per channel, the channel being dimension 1 of
    ``x`` (dimension 0 for a 1-D ``x``), as in :func:`torch.nn.functional.prelu`.
    """
    x = as_float_tensor(x, "x")
    weight = as_float_tensor(weight, "weight")
    if weight.ndim > 1:
        raise ValueError(f"weight must be 0- or 1-dimensional, got shape {tuple(weight.shape)}")
    if weight.numel() != 1:
        channel_dim = 1 if x.ndim >= 2 else 0
        channels = x.shape[channel_dim] if x.ndim > 0 else 1
        if weight.numel() != channels:
            raise ValueError(
                f"weight must hold 1 slope or one per channel (x.shape[{channel_dim}] = {channels}), "
                f"got {weight.numel()}"
            )
        weight = weight.reshape([-1 if d == channel_dim else 1 for d in range(x.ndim)])
    elif x.ndim == 0:
        weight = weight.reshape(())  # one slope for a 0-d input: a 0-d result, as torch's
    return torch.where(x > 0, x, weight * x)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    r""":math:`x` for :math:`x > 0`, :math:`\alpha (e^{x} - 1)` otherwise, Eq. (eq-elu)."""
    x = as_float_tensor(x, "x")
    alpha = as_scalar(alpha, "alpha")
    return torch.where(x > 0, x, alpha * torch.expm1(x.clamp(max=0)))


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    r"""The Gaussian error linear unit :math:`x\,\Phi(x)`, Eq. (eq-gelu).

    ``approximate="tanh"`` gives the approximation of Eq. (eq-gelu-tanh),
    :math:`\tfrac12 x (1 + \tanh[\sqrt{2/\pi}(x + 0.044715 x^3)])`, used by BERT and GPT-2.
    :math:`\Phi(x) = \tfrac12 \operatorname{erfc}(-x/\sqrt2)` avoids the cancellation of
    :math:`1 + \operatorname{erf}(x/\sqrt2)` for very negative ``x``.
    """
    x = as_float_tensor(x, "x")
    if approximate == "none":
        return x * 0.5 * torch.erfc(-x / math.sqrt(2))
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + tanh(inner))
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: torch.Tensor) -> torch.Tensor:
    r"""The sigmoid-weighted linear unit :math:`x\,\sigma(x)`: Swish with :math:`\beta = 1`, Eq. (eq-swish)."""
    return x * sigmoid(x)


def swish(x: torch.Tensor, beta: float | torch.Tensor = 1.0) -> torch.Tensor:
    r""":math:`x\,\sigma(\beta x)`, Eq. (eq-swish).

    :math:`\beta = 1` is SiLU; as :math:`\beta \to \infty` it tends to ReLU, and at
    :math:`\beta = 0` it is the line :math:`x/2`. ``beta`` may be a tensor (a learned
    parameter), broadcast against ``x``.
    """
    x = as_float_tensor(x, "x")
    if not isinstance(beta, torch.Tensor):
        beta = as_scalar(beta, "beta")
    elif not torch.isfinite(beta).all():
        raise ValueError(f"beta must be finite, got {beta.detach().cpu().tolist()}")
    return x * sigmoid(beta * x)


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r""":math:`e^{x_i} / \sum_j e^{x_j}` along ``dim``, Eq. (eq-softmax).

    The row's maximum is subtracted first, Eq. (eq-softmax-shift): the result is
    unchanged and the largest exponent is :math:`e^0 = 1`, so nothing overflows. The
    shift is detached because the output does not depend on it.
    """
    x = as_float_tensor(x, "x")
    dim = as_dim(dim, x.ndim)
    if x.numel() == 0:
        return x.exp()
    exps = torch.exp(x - x.amax(dim=dim, keepdim=True).detach())
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r""":math:`x_i - \log \sum_j e^{x_j}` along ``dim``, Eq. (eq-log-softmax), shifted as :func:`softmax`.

    Taking ``log(softmax(x))`` instead would give ``-inf`` wherever a probability
    underflows to 0, while this form stays finite.
    """
    x = as_float_tensor(x, "x")
    dim = as_dim(dim, x.ndim)
    if x.numel() == 0:
        return x.clone()
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def glu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""The gated linear unit: split ``x`` in halves :math:`a, b` along ``dim``; return :math:`a \odot \sigma(b)`, Eq. (eq-glu)."""
    x = as_float_tensor(x, "x")
    dim = as_dim(dim, x.ndim)
    if x.ndim == 0 or x.shape[dim] % 2:
        size = x.shape[dim] if x.ndim else "a 0-d tensor"
        raise ValueError(f"x must have an even size along dim={dim} to be halved, got {size}")
    a, b = x.chunk(2, dim=dim)
    return a * sigmoid(b)


class PReLU(nn.Module):
    """Leaky ReLU with learned slopes, as :class:`torch.nn.PReLU`: ``num_parameters``
    slopes (1, or one per channel), each starting at ``init``."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25):
        super().__init__()
        num_parameters, init = as_count(num_parameters, "num_parameters", minimum=1), as_scalar(init, "init")
        if abs(init) > torch.finfo(torch.get_default_dtype()).max:
            raise ValueError(f"init must fit in {torch.get_default_dtype()}, got {init}")
        self.weight = nn.Parameter(torch.full((num_parameters,), init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.weight.numel()}"


class SwiGLU(nn.Module):
    r"""The feed-forward block of LLaMA-style transformers, Eq. (eq-swiglu):

    .. math:: \operatorname{FFN}(x) = W_\text{down}\,\big(\operatorname{SiLU}(W_\text{gate}\,x) \odot W_\text{up}\,x\big)

    Three bias-free linear maps (``bias=True`` adds biases). Parameter names follow the
    common ``gate_proj`` / ``up_proj`` / ``down_proj`` convention. To keep the
    parameter count of a ReLU block with hidden width :math:`4d`, LLaMA takes
    ``hidden_features`` ≈ :math:`\tfrac23 \cdot 4d`.
    """

    def __init__(self, in_features: int, hidden_features: int, out_features: int | None = None, *, bias: bool = False):
        super().__init__()
        out_features = in_features if out_features is None else out_features
        for name, value in (("in_features", in_features), ("hidden_features", hidden_features), ("out_features", out_features)):
            as_count(value, name, minimum=1)
        self.gate_proj = nn.Linear(in_features, hidden_features, bias=bias)
        self.up_proj = nn.Linear(in_features, hidden_features, bias=bias)
        self.down_proj = nn.Linear(hidden_features, out_features, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = as_model_input(self, x, "x")
        if x.shape[-1] != self.gate_proj.in_features:
            got = tuple(x.shape)
            raise ValueError(f"x must end in a dimension of size {self.gate_proj.in_features}, got shape {got}")
        return self.down_proj(silu(self.gate_proj(x)) * self.up_proj(x))


#: name → (function of (x, parameter), the parameter's meaning or None, its default).
CURVES = {
    "sigmoid": (lambda x, p: sigmoid(x), None, 0.0),
    "tanh": (lambda x, p: tanh(x), None, 0.0),
    "relu": (lambda x, p: relu(x), None, 0.0),
    "leaky_relu": (lambda x, p: leaky_relu(x, p), "negative slope α", 0.1),
    "elu": (lambda x, p: elu(x, p), "α", 1.0),
    "gelu": (lambda x, p: gelu(x), None, 0.0),
    "gelu (tanh)": (lambda x, p: gelu(x, approximate="tanh"), None, 0.0),
    "silu": (lambda x, p: silu(x), None, 0.0),
    "swish": (lambda x, p: swish(x, p), "β", 1.0),
}


def activation_and_slope(name: str, parameter: float, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """f(x) and f'(x) for one of :data:`CURVES`; the slope comes from autograd."""
    name, parameter = as_choice(name, "name", tuple(CURVES)), as_scalar(parameter, "parameter")
    x = as_float_tensor(x, "x").detach().double().requires_grad_(True)
    y = CURVES[name][0](x, parameter)
    (slope,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), slope
