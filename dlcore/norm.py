r"""Normalization layers: BatchNorm, LayerNorm, InstanceNorm, GroupNorm and RMSNorm.

Chapter 7 of the book; equation labels (``eq-...``) refer to that chapter.

Every layer computes :math:`\hat x = (x - \mu)/\sqrt{\sigma^2 + \epsilon}` (RMSNorm:
:math:`x/\sqrt{\overline{x^2} + \epsilon}`) and then :math:`\gamma \hat x + \beta`; they differ
only in *which elements share* :math:`\mu` and :math:`\sigma^2`. For an input of shape
(N, C, \*) — batch, channels, then any spatial axes:

===============  =======================================  ============================
layer            statistics over                          depends on the batch?
===============  =======================================  ============================
BatchNorm        N and \* (per channel)                    yes (training); running stats
LayerNorm        the trailing ``normalized_shape`` axes    no
InstanceNorm     \* (per sample and channel)                no
GroupNorm        C/G channels and \* (per sample, group)    no
RMSNorm          trailing axes, root mean square only      no
===============  =======================================  ============================

Functional forms and modules take torch's argument names and parameter names
(``weight``, ``bias``, ``running_mean``, ``running_var``, ``num_batches_tracked``), so
state dicts load both ways; the tests compare outputs, gradients and running
statistics with ``torch.nn`` in float64. Variances used to normalise are biased (÷ n);
BatchNorm's running variance is unbiased (÷ n − 1), as in torch.

The chapter's experiments, which its widgets draw: :func:`shared_statistics` and
:func:`normalize` (which elements of an (N, C, S) batch share statistics),
:func:`batch_statistics` (BatchNorm's noise at small batch sizes), and
:func:`scaled_regression` with :func:`gradient_descent_path` (feature scale and the
condition number).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from torch import nn
from torch.autograd.function import once_differentiable

from ._validation import as_choice, as_count, as_float_tensor, as_positive, as_scalar

__all__ = [
    "batch_norm", "layer_norm", "instance_norm", "group_norm", "rms_norm", "BatchNorm", "LayerNorm",
    "InstanceNorm", "GroupNorm", "RMSNorm", "Normalize", "NORMS", "shared_statistics", "normalize",
    "batch_statistics", "scaled_regression", "gradient_descent_path",
]


def _summed_to(tensor: torch.Tensor, shape) -> torch.Tensor:
    """``tensor.sum_to_size(shape)`` as a new tensor: when nothing is summed (an unbatched
    input, ``weight.shape == x.shape``) ``sum_to_size`` returns ``tensor`` itself, which
    the backward pass goes on to change in place."""
    summed = tensor.sum_to_size(shape)
    return summed.clone() if summed.data_ptr() == tensor.data_ptr() else summed


class Normalize(torch.autograd.Function):
    r""":math:`y = \gamma \hat x + \beta` with :math:`\hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}`
    over ``dims`` (Eqs. (eq-batch-norm) and (eq-layer-norm)), and the backward pass derived
    in Eq. (eq-norm-backward). For :math:`g = \partial L / \partial y` and
    :math:`\hat g = \gamma g`,

    .. math:: \frac{\partial L}{\partial \beta} = \sum g, \quad
              \frac{\partial L}{\partial \gamma} = \sum g \hat x, \quad
              \frac{\partial L}{\partial x} = \frac{\hat g - \operatorname{mean}(\hat g)
              - \hat x \operatorname{mean}(\hat g \hat x)}{\sqrt{\sigma^2 + \epsilon}} ,

    the sums over the axes :math:`\gamma` and :math:`\beta` are broadcast along, the means
    over ``dims``. ``weight`` and ``bias`` (either may be None) come already shaped to
    broadcast against ``x``. Autograd would assemble the same gradient from a dozen passes
    over the data; the formula needs half as many. This is the readable form; the layers
    call :class:`_NormalizeSpeedPath`, the same arithmetic with fewer temporaries
    (``benchmarks/bench_norm.py``), which the tests check against it.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight, bias, dims: tuple[int, ...], eps: float):
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)  # biased, ÷ n
        inv_std = 1 / torch.sqrt(var + eps)
        x_hat = (x - mean) * inv_std
        ctx.dims = dims
        ctx.save_for_backward(x_hat, inv_std, weight, bias)
        ctx.mark_non_differentiable(mean, var)
        return _affine(x_hat, weight, bias), mean, var

    @staticmethod
    @once_differentiable  # the backward is not itself differentiable: a second derivative raises
    def backward(ctx, grad: torch.Tensor, _mean_grad, _var_grad):
        x_hat, inv_std, weight, bias = ctx.saved_tensors
        g_hat = grad if weight is None else grad * weight  # ∂L/∂x̂ = γ g
        mean_g_hat = g_hat.mean(dim=ctx.dims, keepdim=True)
        projection = (g_hat * x_hat).mean(dim=ctx.dims, keepdim=True)
        grad_x = (g_hat - mean_g_hat - x_hat * projection) * inv_std  # Eq. (eq-norm-backward)
        grad_weight = _summed_to(grad * x_hat, weight.shape) if weight is not None and ctx.needs_input_grad[1] else None
        grad_bias = _summed_to(grad, bias.shape) if bias is not None and ctx.needs_input_grad[2] else None
        return grad_x, grad_weight, grad_bias, None, None


class _NormalizeSpeedPath(torch.autograd.Function):
    """The speed path of :class:`Normalize`, which every layer calls: the same arithmetic and
    Eq. (eq-norm-backward), written with fewer temporaries (in-place updates, the variance
    from ``vector_norm``), which brings the layers within their budget of torch's fused
    kernels (``benchmarks/bench_norm.py``). ``tests/test_norm.py`` checks it against
    :class:`Normalize`, values and gradients."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight, bias, dims: tuple[int, ...], eps: float):
        mean = x.mean(dim=dims, keepdim=True)
        x_hat = x - mean
        n = math.prod(x.shape[d] for d in dims)
        var = torch.linalg.vector_norm(x_hat, dim=dims, keepdim=True).square_() / n  # biased; no n-sized temporary
        inv_std = torch.rsqrt(var + eps)
        x_hat.mul_(inv_std)  # a fresh tensor: safe to scale in place
        ctx.dims = dims
        ctx.save_for_backward(x_hat, inv_std, weight, bias)
        ctx.mark_non_differentiable(mean, var)
        return _affine(x_hat, weight, bias), mean, var

    @staticmethod
    @once_differentiable  # the backward is not itself differentiable: a second derivative raises
    def backward(ctx, grad: torch.Tensor, _mean_grad, _var_grad):
        x_hat, inv_std, weight, bias = ctx.saved_tensors
        grad_weight = grad_bias = None
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = _summed_to(grad, bias.shape)
        grad_x_hat = grad.clone() if weight is None else grad * weight  # ĝ, overwritten below by ∂L/∂x
        grad_times_x_hat = grad * x_hat
        if weight is not None:
            if ctx.needs_input_grad[1]:
                grad_weight = _summed_to(grad_times_x_hat, weight.shape)
            grad_times_x_hat.mul_(weight)  # now ĝ x̂
        projection = grad_times_x_hat.mean(dim=ctx.dims, keepdim=True)
        grad_x = grad_x_hat.sub_(grad_x_hat.mean(dim=ctx.dims, keepdim=True))
        grad_x.addcmul_(x_hat, projection, value=-1).mul_(inv_std)
        return grad_x, grad_weight, grad_bias, None, None


def _normalize(x: torch.Tensor, dims: tuple[int, ...], eps: float, weight=None, bias=None):
    """γ x̂ + β over ``dims``; also returns the mean and the biased variance (constants to
    autograd: only the output carries a gradient)."""
    return _NormalizeSpeedPath.apply(x, weight, bias, dims, eps)


def _broadcastable(weight, bias, shape) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Per-channel ``weight`` and ``bias`` reshaped to ``shape`` (such as (1, C, 1, 1)) to broadcast against the input."""
    return tuple(None if value is None else value.reshape(shape) for value in (weight, bias))


def _affine(x_hat: torch.Tensor, weight, bias) -> torch.Tensor:
    """γ x̂ + β, Eq. (eq-batch-norm), for ``weight`` and ``bias`` that broadcast against ``x_hat`` (either may be None)."""
    if weight is not None and bias is not None:
        return torch.addcmul(bias, x_hat, weight)
    if weight is not None:
        return x_hat * weight
    if bias is not None:
        return x_hat + bias
    return x_hat


def _channel_input(x, name: str = "input") -> torch.Tensor:
    x = as_float_tensor(x, name)
    if x.ndim < 2:
        raise ValueError(f"{name} must have shape (N, C, ...), at least 2 dimensions, got shape {tuple(x.shape)}")
    return x


def _per_channel(value, channels: int, name: str):
    if value is None:
        return None
    value = as_float_tensor(value, name)
    if value.shape != (channels,):
        raise ValueError(f"{name} must have shape ({channels},), one value per channel, got {tuple(value.shape)}")
    return value


def batch_norm(input: torch.Tensor, running_mean: torch.Tensor | None, running_var: torch.Tensor | None,
               weight: torch.Tensor | None = None, bias: torch.Tensor | None = None, training: bool = False,
               momentum: float | None = 0.1, eps: float = 1e-5) -> torch.Tensor:
    r"""Batch normalization, Eq. (eq-batch-norm), as :func:`torch.nn.functional.batch_norm`.

    Training (or no running statistics): normalise each channel with the batch's mean
    and biased variance over N and the spatial axes, and update the running statistics
    in place, Eq. (eq-running-stats): ``running = (1 − momentum) · running + momentum ·
    batch`` with the *unbiased* batch variance (``momentum=None``: a cumulative average,
    which needs ``num_batches_tracked`` and is handled by :class:`BatchNorm`).
    Evaluation: normalise with the running statistics.
    """
    x = _channel_input(input)
    channels = x.shape[1]
    running_mean = _per_channel(running_mean, channels, "running_mean")
    running_var = _per_channel(running_var, channels, "running_var")
    weight, bias = _per_channel(weight, channels, "weight"), _per_channel(bias, channels, "bias")
    eps = as_positive(eps, "eps")
    shape = [1, channels] + [1] * (x.ndim - 2)
    if training or running_mean is None or running_var is None:
        dims = (0,) + tuple(range(2, x.ndim))
        count = x.numel() // channels
        if count < 2:
            raise ValueError(f"batch_norm needs more than 1 value per channel in training, got input of shape {tuple(x.shape)}")
        y, mean, var = _normalize(x, dims, eps, *_broadcastable(weight, bias, shape))
        if training and running_mean is not None and running_var is not None:
            factor = as_scalar(momentum, "momentum") if momentum is not None else 1.0
            with torch.no_grad():
                running_mean.mul_(1 - factor).add_(factor * mean.flatten())
                running_var.mul_(1 - factor).add_(factor * var.flatten() * count / (count - 1))
        return y
    x_hat = (x - running_mean.reshape(shape)) * torch.rsqrt(running_var.reshape(shape) + eps)
    return _affine(x_hat, *_broadcastable(weight, bias, shape))


def _normalized_shape(normalized_shape) -> tuple[int, ...]:
    if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
        normalized_shape = (int(normalized_shape),)
    if not isinstance(normalized_shape, (tuple, list, torch.Size)):
        raise TypeError(f"normalized_shape must be an int or a tuple of ints, got {type(normalized_shape).__name__} {normalized_shape!r}")
    normalized_shape = tuple(normalized_shape)
    if not normalized_shape or not all(isinstance(s, numbers.Integral) and s > 0 for s in normalized_shape):
        raise ValueError(f"normalized_shape must be a positive int or a non-empty tuple of them, got {normalized_shape!r}")
    return normalized_shape


def _trailing(x: torch.Tensor, normalized_shape: tuple[int, ...]) -> tuple[int, ...]:
    if tuple(x.shape[x.ndim - len(normalized_shape):]) != normalized_shape or x.ndim < len(normalized_shape):
        raise ValueError(f"input must end in normalized_shape {normalized_shape}, got shape {tuple(x.shape)}")
    return tuple(range(x.ndim - len(normalized_shape), x.ndim))


def _elementwise(value, normalized_shape: tuple[int, ...], name: str):
    if value is None:
        return None
    value = as_float_tensor(value, name)
    if tuple(value.shape) != normalized_shape:
        raise ValueError(f"{name} must have shape normalized_shape = {normalized_shape}, got {tuple(value.shape)}")
    return value


def layer_norm(input: torch.Tensor, normalized_shape, weight: torch.Tensor | None = None,
               bias: torch.Tensor | None = None, eps: float = 1e-5) -> torch.Tensor:
    r"""Layer normalization, Eq. (eq-layer-norm): each sample standardised over its last
    ``len(normalized_shape)`` axes, then scaled and shifted element-wise."""
    x = as_float_tensor(input, "input")
    normalized_shape = _normalized_shape(normalized_shape)
    dims = _trailing(x, normalized_shape)
    weight, bias = _elementwise(weight, normalized_shape, "weight"), _elementwise(bias, normalized_shape, "bias")
    return _normalize(x, dims, as_positive(eps, "eps"), weight, bias)[0]


def instance_norm(input: torch.Tensor, weight: torch.Tensor | None = None, bias: torch.Tensor | None = None,
                  eps: float = 1e-5) -> torch.Tensor:
    r"""Instance normalization, Eq. (eq-instance-norm): each sample's each channel standardised over its spatial axes."""
    x = _channel_input(input)
    if x.ndim < 3:
        raise ValueError(f"input must have shape (N, C, L) or (N, C, H, W), with spatial axes to normalise, got {tuple(x.shape)}")
    channels = x.shape[1]
    weight, bias = _per_channel(weight, channels, "weight"), _per_channel(bias, channels, "bias")
    shape = [1, channels] + [1] * (x.ndim - 2)
    return _normalize(x, tuple(range(2, x.ndim)), as_positive(eps, "eps"), *_broadcastable(weight, bias, shape))[0]


def group_norm(input: torch.Tensor, num_groups: int, weight: torch.Tensor | None = None,
               bias: torch.Tensor | None = None, eps: float = 1e-5) -> torch.Tensor:
    r"""Group normalization, Eq. (eq-group-norm): the C channels split into ``num_groups``
    groups; each sample's each group standardised over its channels and spatial axes.
    One group is LayerNorm over (C, \*); C groups is InstanceNorm."""
    x = _channel_input(input)
    n, channels = x.shape[:2]
    num_groups = as_count(num_groups, "num_groups", minimum=1)
    if channels % num_groups:
        raise ValueError(f"num_groups must divide the {channels} channels, got {num_groups}")
    weight, bias = _per_channel(weight, channels, "weight"), _per_channel(bias, channels, "bias")
    grouped = x.reshape(n, int(num_groups), math.prod(x.shape[1:]) // int(num_groups))  # explicit: n may be 0
    x_hat = _normalize(grouped, (2,), as_positive(eps, "eps"))[0].reshape(x.shape)  # γ, β are per channel, not per group
    return _affine(x_hat, *_broadcastable(weight, bias, [1, channels] + [1] * (x.ndim - 2)))


def rms_norm(input: torch.Tensor, normalized_shape, weight: torch.Tensor | None = None, eps: float | None = None) -> torch.Tensor:
    r"""Root-mean-square normalization, Eq. (eq-rms-norm): :math:`x / \sqrt{\overline{x^2} + \epsilon} \cdot \gamma`
    over the trailing axes; no mean subtracted, no bias. ``eps=None`` is the dtype's machine epsilon, as in torch."""
    x = as_float_tensor(input, "input")
    normalized_shape = _normalized_shape(normalized_shape)
    dims = _trailing(x, normalized_shape)
    weight = _elementwise(weight, normalized_shape, "weight")
    eps = torch.finfo(x.dtype).eps if eps is None else as_positive(eps, "eps")
    x_hat = x * torch.rsqrt((x * x).mean(dim=dims, keepdim=True) + eps)
    return _affine(x_hat, weight, None)


# ------------------------------------------------------------------- modules -------


def _channels_built_for(x: torch.Tensor, channels: int, layer: str, argument: str) -> torch.Tensor:
    """A layer's input with the channel count it was built for (said before a parameter's shape does, less clearly)."""
    x = _channel_input(x)
    if x.shape[1] != channels:
        raise ValueError(f"input has {x.shape[1]} channels (dimension 1 of shape {tuple(x.shape)}), "
                         f"but this {layer} was built for {argument}={channels}")
    return x


class BatchNorm(nn.Module):
    """BatchNorm over (N, C, \\*) inputs — ``torch.nn.BatchNorm1d/2d/3d`` in one class.

    In ``train()`` mode it normalises with batch statistics and updates ``running_mean``
    and ``running_var``; in ``eval()`` mode it uses them. ``momentum=None`` averages all
    batches seen so far equally.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True):
        super().__init__()
        self.num_features = as_count(num_features, "num_features", minimum=1)
        self.eps = as_positive(eps, "eps")
        self.momentum = None if momentum is None else as_scalar(momentum, "momentum")
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None
        self.track_running_stats = track_running_stats
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _channels_built_for(x, self.num_features, "BatchNorm", "num_features")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or not self.track_running_stats
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_batch,
                          1.0 if momentum is None else momentum, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.weight is not None}"


class LayerNorm(nn.Module):
    """``torch.nn.LayerNorm``: normalise over the trailing ``normalized_shape`` axes."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True):
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape)
        self.eps = as_positive(eps, "eps")
        self.weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = nn.Parameter(torch.zeros(self.normalized_shape)) if elementwise_affine and bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class InstanceNorm(nn.Module):
    """``torch.nn.InstanceNorm1d/2d`` (without running statistics): per sample and channel."""

    def __init__(self, num_features: int, eps: float = 1e-5, affine: bool = False):
        super().__init__()
        self.num_features = as_count(num_features, "num_features", minimum=1)
        self.eps = as_positive(eps, "eps")
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return instance_norm(x, self.weight, self.bias, self.eps)


class GroupNorm(nn.Module):
    """``torch.nn.GroupNorm``: per sample, over groups of ``num_channels / num_groups`` channels."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True):
        super().__init__()
        self.num_groups, self.num_channels = as_count(num_groups, "num_groups", minimum=1), as_count(num_channels, "num_channels", minimum=1)
        if num_channels % num_groups:
            raise ValueError(f"num_groups ({num_groups}) must divide num_channels ({num_channels})")
        self.eps = as_positive(eps, "eps")
        self.weight = nn.Parameter(torch.ones(num_channels)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_channels)) if affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _channels_built_for(x, self.num_channels, "GroupNorm", "num_channels")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)


class RMSNorm(nn.Module):
    """``torch.nn.RMSNorm``: divide by the root mean square over the trailing axes, scale by ``weight``."""

    def __init__(self, normalized_shape, eps: float | None = None, elementwise_affine: bool = True):
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape)
        self.eps = None if eps is None else as_positive(eps, "eps")
        self.weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)


#: The layers of the cube figure, for an (N, C, S) tensor with C = 6 channels.
NORMS = ("BatchNorm", "LayerNorm", "InstanceNorm", "GroupNorm (2 groups)", "RMSNorm")


def shared_statistics(kind: str, n: int, c: int, s: int) -> np.ndarray:
    """Boolean (N, C, S): the elements whose mean and variance element [0, 0, 0] is normalised with."""
    kind = as_choice(kind, "kind", NORMS)
    n, c, s = as_count(n, "n", minimum=1), as_count(c, "c", minimum=1), as_count(s, "s", minimum=1)
    mask = np.zeros((n, c, s), dtype=bool)
    if kind == "BatchNorm":
        mask[:, 0, :] = True
    elif kind in ("LayerNorm", "RMSNorm"):
        mask[0, :, :] = True
    elif kind == "InstanceNorm":
        mask[0, 0, :] = True
    else:  # GroupNorm (2 groups)
        mask[0, : c // 2, :] = True
    return mask


def normalize(kind: str, x: torch.Tensor) -> torch.Tensor:
    """Apply one of :data:`NORMS` (no affine parameters) to an (N, C, S) tensor, in training mode."""
    kind, x = as_choice(kind, "kind", NORMS), as_float_tensor(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, C, ...), got {tuple(x.shape)}")
    if kind == "BatchNorm":
        return batch_norm(x, None, None, training=True)
    if kind == "LayerNorm":
        return layer_norm(x, x.shape[1:])
    if kind == "InstanceNorm":
        return instance_norm(x)
    if kind.startswith("GroupNorm"):
        return group_norm(x, 2)
    return rms_norm(x, x.shape[1:])


def batch_statistics(batch_size: int, batches: int = 400, channels: int = 8, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Channel 0 of one fixed example, normalised inside ``batches`` random batches of ``batch_size``:
    by BatchNorm (its value depends on the batch mates) and by GroupNorm (it does not)."""
    batch_size, batches = as_count(batch_size, "batch_size", minimum=2), as_count(batches, "batches", minimum=1)
    channels, seed = as_count(channels, "channels", minimum=1), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    example = torch.randn(1, channels, generator=generator, dtype=torch.float64) * 2 + 3
    population = lambda k: torch.randn(k, channels, generator=generator, dtype=torch.float64) * 2 + 3  # noqa: E731
    bn, gn = [], []
    for _ in range(batches):
        batch = torch.cat([example, population(batch_size - 1)])
        bn.append(batch_norm(batch, None, None, training=True)[0, 0])
        gn.append(group_norm(batch, 2)[0, 0])
    return torch.stack(bn), torch.stack(gn)


def scaled_regression(scale: float, n: int = 200, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two centred features, the second in units ``scale`` times larger, and a linear target of both."""
    scale, n, seed = as_positive(scale, "scale"), as_count(n, "n", minimum=2), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=generator, dtype=torch.float64) * torch.tensor([1.0, scale], dtype=torch.float64)
    y = X @ torch.tensor([1.5, -2.0 / scale], dtype=torch.float64) + 0.1 * torch.randn(n, generator=generator, dtype=torch.float64)
    return X, y


def gradient_descent_path(X: torch.Tensor, y: torch.Tensor, steps: int = 50) -> tuple[torch.Tensor, float]:
    """Gradient descent on the mean squared error from w = 0, with the step 1/L (L the largest
    curvature, the safe maximum); returns the path and the condition number of the bowl."""
    X, y, steps = as_float_tensor(X, "X"), as_float_tensor(y, "y"), as_count(steps, "steps", minimum=1)
    if X.ndim != 2 or y.shape != X.shape[:1] or X.shape[0] == 0:
        raise ValueError(f"X must be (n, d) and y (n,), got shapes {tuple(X.shape)} and {tuple(y.shape)}")
    X, y = X.double(), y.double()  # one dtype, and one with an eigenvalue kernel
    hessian = 2 * X.T @ X / len(X)
    eigenvalues = torch.linalg.eigvalsh(hessian)
    lr = 1.0 / eigenvalues[-1].item()
    w = torch.zeros(2, dtype=X.dtype)
    path = [w]
    for _ in range(steps):
        w = w - lr * 2 * X.T @ (X @ w - y) / len(X)
        path.append(w)
    return torch.stack(path), (eigenvalues[-1] / eigenvalues[0]).item()
