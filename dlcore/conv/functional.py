r"""Convolution and pooling, written from slicing and one matrix product.

Chapter 10 of the book; equation labels (``eq-...``) refer to that chapter. Every
function follows ``torch.nn.functional``'s name, arguments and defaults, and is tested
equal to it, values and gradients. Shapes: ``(N, C, H, W)`` batched or ``(C, H, W)``
unbatched; a weight is ``(C_out, C_in / groups, kH, kW)``.

The one idea behind all of them: a window that slides over the image visits, for each
kernel offset :math:`(i, j)`, a strided slice of the (padded) input. Stacking those
slices is *im2col* (:func:`im2col`, ``F.unfold``); adding them back is its adjoint,
*col2im* (:func:`col2im`, ``F.fold``). Convolution is one matrix product with the
columns, its input gradient the product with the transposed weight followed by col2im,
and pooling a maximum or a mean over the columns.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple, Sequence

import torch

from .._validation import as_choice, as_count, as_float_like, as_float_tensor

__all__ = [
    "conv_output_size", "im2col", "col2im", "conv2d", "conv2d_by_offsets", "conv1d", "conv_transpose2d",
    "conv2d_weight_grad", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "ReceptiveField", "receptive_field",
]


# -- arguments -----------------------------------------------------------------------------------


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int, or a pair of ints, each at least ``minimum``: torch's ``_pair``, validated."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2:
        raise ValueError(f"{name} must be an integer or a pair of integers, got {value!r}")
    return tuple(as_count(v, name, minimum=minimum) for v in values)


def _images(input, name: str = "input") -> tuple[torch.Tensor, bool]:
    """A floating-point (N, C, H, W) tensor and whether it arrived unbatched, (C, H, W)."""
    input = as_float_tensor(input, name)
    if input.ndim not in (3, 4):
        raise ValueError(f"{name} must be (N, C, H, W) or (C, H, W), got shape {tuple(input.shape)}")
    if input.shape[-3] == 0 or input.shape[-2] == 0 or input.shape[-1] == 0:
        raise ValueError(f"{name} must have at least one channel, row and column, got shape {tuple(input.shape)}")
    return (input, False) if input.ndim == 4 else (input.unsqueeze(0), True)


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    r"""The length of a convolution's (or pooling's) output along one axis, Eq. (eq-conv-size):

    .. math:: \Big\lfloor \frac{n + 2p - d\,(k - 1) - 1}{s} \Big\rfloor + 1 .

    The kernel spans :math:`d(k - 1) + 1` inputs; it must fit in the padded input.
    """
    size, kernel_size = as_count(size, "size", minimum=1), as_count(kernel_size, "kernel_size", minimum=1)
    stride, padding = as_count(stride, "stride", minimum=1), as_count(padding, "padding")
    dilation = as_count(dilation, "dilation", minimum=1)
    span = dilation * (kernel_size - 1) + 1
    if span > size + 2 * padding:
        raise ValueError(f"kernel_size {kernel_size} with dilation {dilation} spans {span} inputs, more than the "
                         f"padded size {size} + 2·{padding} = {size + 2 * padding}: the kernel does not fit")
    return (size + 2 * padding - span) // stride + 1


def _output_shape(input: torch.Tensor, kernel, stride, padding, dilation) -> tuple[int, int]:
    return tuple(conv_output_size(input.shape[-2 + axis], kernel[axis], stride[axis], padding[axis], dilation[axis])
                 for axis in range(2))


# -- the sliding window: im2col and its adjoint ---------------------------------------------------


def _offsets(kernel, stride, dilation, out):
    """For each kernel offset (i, j), in row-major order, the slices of the padded input it visits."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            yield (slice(i * dilation[0], i * dilation[0] + stride[0] * (out[0] - 1) + 1, stride[0]),
                   slice(j * dilation[1], j * dilation[1] + stride[1] * (out[1] - 1) + 1, stride[1]))


def _windows(padded: torch.Tensor, kernel, stride, dilation, out, dim: int = 2) -> torch.Tensor:
    """(N, C, kH·kW, H_out, W_out): every window of an already padded input, one offset per slice
    (with ``dim=-1``, (N, C, H_out, W_out, kH·kW): each window contiguous, for reductions over it)."""
    return torch.stack([padded[..., rows, cols] for rows, cols in _offsets(kernel, stride, dilation, out)], dim=dim)


def _pad(input: torch.Tensor, padding, value: float = 0.0) -> torch.Tensor:
    if not any(padding):
        return input
    return torch.nn.functional.pad(input, (padding[1], padding[1], padding[0], padding[0]), value=value)


def im2col(input: torch.Tensor, kernel_size, dilation=1, padding=0, stride=1) -> torch.Tensor:
    r"""Every sliding window as a column, Eq. (eq-im2col): ``(N, C, H, W)`` →
    ``(N, C·kH·kW, L)`` with :math:`L = H_\text{out} W_\text{out}`; equal to ``F.unfold``.

    Row :math:`c\,k_H k_W + i\,k_W + j` holds what kernel offset :math:`(i, j)` of channel
    :math:`c` sees at each output position.
    """
    input, _ = _images(input)
    kernel, dilation = _pair(kernel_size, "kernel_size", 1), _pair(dilation, "dilation", 1)
    padding, stride = _pair(padding, "padding", 0), _pair(stride, "stride", 1)
    out = _output_shape(input, kernel, stride, padding, dilation)
    windows = _windows(_pad(input, padding), kernel, stride, dilation, out)
    return windows.reshape(input.shape[0], input.shape[1] * kernel[0] * kernel[1], out[0] * out[1])


def col2im(input: torch.Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> torch.Tensor:
    r"""The adjoint of :func:`im2col`: add each column's entries back where they came from,
    Eq. (eq-col2im); ``(N, C·kH·kW, L)`` → ``(N, C, H, W)``, equal to ``F.fold``.

    Where windows overlap, their contributions add up; that sum is what makes it the
    gradient of :func:`im2col` and the heart of :func:`conv_transpose2d`.
    """
    input = as_float_tensor(input, "input")
    size = _pair(output_size, "output_size", 1)
    kernel, dilation = _pair(kernel_size, "kernel_size", 1), _pair(dilation, "dilation", 1)
    padding, stride = _pair(padding, "padding", 0), _pair(stride, "stride", 1)
    out = tuple(conv_output_size(size[a], kernel[a], stride[a], padding[a], dilation[a]) for a in range(2))
    unbatched = input.ndim == 2
    columns = input.unsqueeze(0) if unbatched else input
    n_offsets = kernel[0] * kernel[1]
    if columns.ndim != 3 or columns.shape[1] % n_offsets or columns.shape[1] == 0 or columns.shape[2] != out[0] * out[1]:
        raise ValueError(f"input must be (N, C·{n_offsets}, {out[0] * out[1]}) for output_size {size}, kernel_size {kernel}, "
                         f"dilation {dilation}, padding {padding} and stride {stride}; got shape {tuple(input.shape)}")
    n, channels = columns.shape[0], columns.shape[1] // n_offsets
    columns = columns.reshape(n, channels, n_offsets, *out)
    canvas = columns.new_zeros(n, channels, size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    for k, (rows, cols) in enumerate(_offsets(kernel, stride, dilation, out)):
        canvas[..., rows, cols] += columns[:, :, k]
    image = canvas[..., padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return image.squeeze(0) if unbatched else image


# -- convolution ----------------------------------------------------------------------------------


class _Conv(NamedTuple):
    """A validated convolution: the batched, padded input and everything the two forms share."""
    padded: torch.Tensor
    weight: torch.Tensor
    bias: torch.Tensor | None
    stride: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    out: tuple[int, int]
    unbatched: bool


def _same_padding(kernel, dilation, stride) -> tuple[int, ...]:
    """``padding="same"``: a total of d(k − 1) per axis, the odd one on the right and bottom, as torch does."""
    if stride != (1, 1):
        raise ValueError(f"padding='same' needs stride 1 (the output could not keep the input's size), got stride {stride}")
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2)


def _bias(bias, out_channels: int, input: torch.Tensor) -> torch.Tensor | None:
    """``None``, or one bias per output channel, in input's dtype and on its device."""
    if bias is None:
        return None
    bias = as_float_like(bias, "bias", input)
    if bias.shape != (out_channels,):
        raise ValueError(f"bias must be ({out_channels},), one per output channel, got shape {tuple(bias.shape)}")
    return bias


def _prepare(input, weight, bias, stride, padding, dilation, groups) -> _Conv:
    input, unbatched = _images(input)
    weight = as_float_like(weight, "weight", input)
    if weight.ndim != 4 or 0 in weight.shape:
        raise ValueError(f"weight must be (C_out, C_in / groups, kH, kW), got shape {tuple(weight.shape)}")
    groups = as_count(groups, "groups", minimum=1)
    channels, out_channels = input.shape[1], weight.shape[0]
    if channels % groups or out_channels % groups or weight.shape[1] * groups != channels:
        raise ValueError(f"weight's shape {tuple(weight.shape)} does not fit input's {channels} channels in {groups} "
                         f"group(s): groups must divide both channel counts and weight.shape[1] be C_in / groups")
    bias = _bias(bias, out_channels, input)
    stride, dilation = _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        sides = (0, 0, 0, 0) if as_choice(padding, "padding", ("valid", "same")) == "valid" else _same_padding(kernel, dilation, stride)
        padded = torch.nn.functional.pad(input, sides) if any(sides) else input
    else:
        padded = _pad(input, _pair(padding, "padding", 0))
    out = _output_shape(padded, kernel, stride, (0, 0), dilation)
    return _Conv(padded, weight, bias, stride, dilation, groups, out, unbatched)


def _columns(conv: _Conv) -> torch.Tensor:
    """(N, g, C_in/g·kH·kW, L): the padded input's im2col columns, split by group."""
    windows = _windows(conv.padded, conv.weight.shape[2:], conv.stride, conv.dilation, conv.out)
    return windows.reshape(conv.padded.shape[0], conv.groups, conv.weight[0].numel(), conv.out[0] * conv.out[1])


def _finish(conv: _Conv, output: torch.Tensor) -> torch.Tensor:
    """(N, C_out, H_out·W_out) or (N, C_out, H_out, W_out) → the caller's shape, bias added."""
    output = output.reshape(output.shape[0], conv.weight.shape[0], *conv.out)
    if conv.bias is not None:
        output = output + conv.bias[:, None, None]
    return output.squeeze(0) if conv.unbatched else output


def conv2d(input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> torch.Tensor:
    r"""2-D convolution (a cross-correlation, as in every framework), Eq. (eq-conv2d):

    .. math:: y_{n,o,u,v} = b_o + \sum_{c,i,j} w_{o,c,i,j}\, x_{n,c,\,s u + d i,\, s v + d j},

    computed as libraries do it: :func:`im2col`, then one (batched) matrix product of the
    weight, reshaped to ``(C_out, C_in·kH·kW)``, with the columns, Eq. (eq-im2col).
    ``padding`` is an int, a pair, ``"valid"`` (none) or ``"same"`` (output as large as the
    input; stride 1). With ``groups = g`` the channels split into g independent
    convolutions. Equal to ``F.conv2d``.
    """
    conv = _prepare(input, weight, bias, stride, padding, dilation, groups)
    kernels = conv.weight.reshape(conv.groups, conv.weight.shape[0] // conv.groups, -1)  # (g, C_out/g, C_in/g·kH·kW)
    return _finish(conv, kernels @ _columns(conv))


def conv2d_by_offsets(input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride=1,
                      padding=0, dilation=1, groups: int = 1) -> torch.Tensor:
    r"""The same convolution as :func:`conv2d`, read straight off Eq. (eq-conv2d): for each
    kernel offset (i, j), multiply the input slice it sees by that offset's
    ``C_out × C_in`` weights, and add the kH·kW products up. Equal to ``F.conv2d``."""
    conv = _prepare(input, weight, bias, stride, padding, dilation, groups)
    n, g = conv.padded.shape[0], conv.groups
    images = conv.padded.reshape(n, g, conv.weight.shape[1], *conv.padded.shape[2:])  # (N, g, C_in/g, H, W)
    weights = conv.weight.reshape(g, -1, *conv.weight.shape[1:])  # (g, C_out/g, C_in/g, kH, kW)
    kernel = conv.weight.shape[2:]
    output = sum(torch.einsum("goc,ngchw->ngohw", weights[..., k // kernel[1], k % kernel[1]], images[..., rows, cols])
                 for k, (rows, cols) in enumerate(_offsets(kernel, conv.stride, conv.dilation, conv.out)))
    return _finish(conv, output)


def conv1d(input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> torch.Tensor:
    """1-D convolution as the special case of :func:`conv2d` with images one row high:
    ``(N, C, L)`` or ``(C, L)`` with a ``(C_out, C_in / groups, k)`` weight. Equal to ``F.conv1d``."""
    input, weight = as_float_tensor(input, "input"), as_float_tensor(weight, "weight")
    if input.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(f"input must be (N, C, L) or (C, L) and weight (C_out, C_in / groups, k), got shapes "
                         f"{tuple(input.shape)} and {tuple(weight.shape)}")
    one_row = padding if isinstance(padding, str) else (0, as_count(padding, "padding"))
    return conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), one_row, (1, dilation), groups).squeeze(-2)


def conv_transpose2d(input: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> torch.Tensor:
    r"""The transposed convolution: the gradient of :func:`conv2d` with respect to its input,
    Eq. (eq-conv-input-grad). Each input pixel scatters its value times the kernel into the
    output (``weight.T @ x``, then :func:`col2im`), where a convolution gathers.

    ``weight`` is ``(C_in, C_out / groups, kH, kW)`` (the convolution it transposes maps
    ``C_out`` to ``C_in`` channels); the output has
    :math:`(n - 1)s - 2p + d(k - 1) + 1 + \text{output\_padding}` rows and columns, the sizes
    that convolution maps back to ``input``'s. Equal to ``F.conv_transpose2d``.
    """
    input, unbatched = _images(input)
    weight = as_float_like(weight, "weight", input)
    groups = as_count(groups, "groups", minimum=1)
    if weight.ndim != 4 or 0 in weight.shape or weight.shape[0] != input.shape[1] or input.shape[1] % groups:
        raise ValueError(f"weight must be (C_in, C_out / groups, kH, kW) with C_in = input's {input.shape[1]} channels, "
                         f"divisible by groups = {groups}; got shape {tuple(weight.shape)}")
    stride, padding, dilation = _pair(stride, "stride", 1), _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    extra = _pair(output_padding, "output_padding", 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"output_padding must be smaller than stride or dilation, got {extra}")
    kernel = tuple(weight.shape[2:])
    size = tuple((input.shape[2 + a] - 1) * stride[a] - 2 * padding[a] + dilation[a] * (kernel[a] - 1) + 1 + extra[a]
                 for a in range(2))
    if min(size) < 1:
        raise ValueError(f"padding {padding} leaves no output for input of size {tuple(input.shape[2:])}")
    bias = _bias(bias, weight.shape[1] * groups, input)
    n, g = input.shape[0], groups
    kernels = weight.reshape(g, input.shape[1] // g, -1)  # (g, C_in/g, C_out/g·kH·kW)
    images = input.reshape(n, g, input.shape[1] // g, input.shape[2] * input.shape[3])  # (N, g, C_in/g, H·W)
    columns = (kernels.transpose(1, 2) @ images).reshape(n, g * kernels.shape[2], images.shape[-1])
    output = col2im(columns, size, kernel, dilation, padding, stride)
    if bias is not None:
        output = output + bias[:, None, None]
    return output.squeeze(0) if unbatched else output


def conv2d_weight_grad(input: torch.Tensor, weight_size: Sequence[int], grad_output: torch.Tensor, stride=1,
                       padding=0, dilation=1, groups: int = 1) -> torch.Tensor:
    r"""The gradient of :func:`conv2d` with respect to its weight, Eq. (eq-conv-weight-grad):
    a correlation of the input with the output's gradient,

    .. math:: \frac{\partial L}{\partial w_{o,c,i,j}} = \sum_{n,u,v} \frac{\partial L}{\partial y_{n,o,u,v}}\, x_{n,c,\,su + di,\, sv + dj},

    one matrix product of the output gradient with the input's columns. Equal to
    ``torch.nn.grad.conv2d_weight``.
    """
    if isinstance(weight_size, (str, bytes)) or not isinstance(weight_size, Sequence) or len(weight_size) != 4:
        raise ValueError(f"weight_size must be the weight's shape (C_out, C_in / groups, kH, kW), got {weight_size!r}")
    weight_size = tuple(as_count(s, "weight_size", minimum=1) for s in weight_size)
    probe = as_float_tensor(input, "input").new_zeros(weight_size)  # a weight of that shape, for conv2d's checks
    conv = _prepare(input, probe, None, stride, padding, dilation, groups)
    n, g = conv.padded.shape[0], conv.groups
    grad_output = as_float_like(grad_output, "grad_output", conv.padded)
    expected = (n, weight_size[0], *conv.out)
    if tuple(grad_output.shape) != expected and tuple(grad_output.shape) != expected[1:]:
        raise ValueError(f"grad_output must have conv2d's output shape {expected}, got {tuple(grad_output.shape)}")
    grads = grad_output.reshape(n, g, weight_size[0] // g, conv.out[0] * conv.out[1])  # (N, g, C_out/g, L)
    return (grads @ _columns(conv).transpose(2, 3)).sum(0).reshape(weight_size)


# -- pooling ----------------------------------------------------------------------------------------


def _pool_arguments(input, kernel_size, stride, padding, dilation=1):
    input, unbatched = _images(input)
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else _pair(stride, "stride", 1)
    padding, dilation = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(f"padding must be at most half of kernel_size {kernel}, got {padding}: a window "
                         "would hold nothing but padding")
    out = _output_shape(input, kernel, stride, padding, dilation)
    return input, unbatched, kernel, stride, padding, dilation, out


def max_pool2d(input: torch.Tensor, kernel_size, stride=None, padding=0, dilation=1, *, return_indices: bool = False):
    r"""The largest value in each window, Eq. (eq-max-pool); ``stride`` defaults to the kernel
    size (windows that tile the image). Padding is :math:`-\infty`, never chosen.

    The gradient flows only to each window's maximum (the first, where several tie; a NaN
    counts as the maximum, as in torch), because the output *is* that entry, picked with
    ``gather``. With ``return_indices`` also the position of each maximum in its channel,
    flattened as ``row · W + column``. Equal to ``F.max_pool2d``.
    """
    input, unbatched, kernel, stride, padding, dilation, out = _pool_arguments(input, kernel_size, stride, padding, dilation)
    windows = _windows(_pad(input, padding, -math.inf), kernel, stride, dilation, out, dim=-1)  # (N, C, H_out, W_out, kH·kW)
    offset = windows.argmax(dim=-1, keepdim=True)
    values = windows.gather(-1, offset).squeeze(-1)
    if not return_indices:
        return values.squeeze(0) if unbatched else values
    i, j = offset.squeeze(-1) // kernel[1], offset.squeeze(-1) % kernel[1]
    rows = torch.arange(out[0], device=input.device)[:, None] * stride[0] - padding[0] + i * dilation[0]
    cols = torch.arange(out[1], device=input.device)[None, :] * stride[1] - padding[1] + j * dilation[1]
    indices = rows * input.shape[-1] + cols
    return (values.squeeze(0), indices.squeeze(0)) if unbatched else (values, indices)


def avg_pool2d(input: torch.Tensor, kernel_size, stride=None, padding=0, count_include_pad: bool = True) -> torch.Tensor:
    r"""The mean of each window, Eq. (eq-avg-pool); ``stride`` defaults to the kernel size.
    Padding is zeros; ``count_include_pad=False`` divides by the window's real entries
    only. Equal to ``F.avg_pool2d``."""
    input, unbatched, kernel, stride, padding, dilation, out = _pool_arguments(input, kernel_size, stride, padding)
    sums = _windows(_pad(input, padding), kernel, stride, dilation, out, dim=-1).sum(dim=-1)
    if count_include_pad or not any(padding):
        counts = kernel[0] * kernel[1]
    else:
        ones = input.new_ones(1, 1, *input.shape[2:])
        counts = _windows(_pad(ones, padding), kernel, stride, dilation, out, dim=-1).sum(dim=-1)
    means = sums / counts
    return means.squeeze(0) if unbatched else means


def _bins(n_in: int, n_out: int) -> list[tuple[int, int]]:
    """Adaptive pooling's windows along one axis: output i averages inputs ⌊i·n/m⌋ … ⌈(i+1)·n/m⌉ − 1."""
    return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]


def adaptive_avg_pool2d(input: torch.Tensor, output_size) -> torch.Tensor:
    r"""Average pooling to a fixed output size, whatever the input's, Eq. (eq-adaptive-pool):
    output row i averages input rows :math:`\lfloor i n / m \rfloor` to
    :math:`\lceil (i + 1) n / m \rceil - 1` (likewise for columns), so windows may differ in
    size by one. ``output_size = 1`` is *global average pooling*. ``None`` in the size keeps
    that axis. Equal to ``F.adaptive_avg_pool2d``."""
    input, unbatched = _images(input)
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise ValueError(f"output_size must be an integer or a pair, got {output_size!r}")
    sizes = tuple(input.shape[2 + a] if s is None else as_count(s, "output_size", minimum=1) for a, s in enumerate(sizes))
    # The rectangle's mean is the mean over its rows of the mean over its columns: pool one axis, then the other.
    rows = torch.stack([input[..., start:stop, :].mean(dim=-2) for start, stop in _bins(input.shape[2], sizes[0])], dim=-2)
    pooled = torch.stack([rows[..., start:stop].mean(dim=-1) for start, stop in _bins(input.shape[3], sizes[1])], dim=-1)
    return pooled.squeeze(0) if unbatched else pooled


# -- the receptive field ----------------------------------------------------------------------------


class ReceptiveField(NamedTuple):
    size: int  #: how many input pixels (along one axis) one output pixel depends on
    jump: int  #: how far apart, in input pixels, two neighbouring output pixels are


def receptive_field(layers: Sequence[Sequence[int]]) -> ReceptiveField:
    r"""The receptive field of a stack of convolutions or poolings, each ``(kernel, stride)``
    or ``(kernel, stride, dilation)``, along one axis, Eq. (eq-receptive-field):

    .. math:: r_\ell = r_{\ell-1} + d_\ell\,(k_\ell - 1)\, j_{\ell-1}, \qquad j_\ell = j_{\ell-1}\, s_\ell, \qquad r_0 = j_0 = 1 .

    A layer adds :math:`d(k - 1)` of *its* input's pixels, each :math:`j_{\ell-1}` pixels
    of the image apart: strides early on make every later layer's kernel reach further.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a sequence of (kernel, stride[, dilation]) tuples, got {type(layers).__name__}")
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        if isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence) or len(layer) not in (2, 3) or \
                not all(isinstance(v, numbers.Integral) for v in layer):
            raise ValueError(f"layers[{index}] must be (kernel, stride) or (kernel, stride, dilation), got {layer!r}")
        kernel, stride = as_count(layer[0], "layers' kernel", minimum=1), as_count(layer[1], "layers' stride", minimum=1)
        dilation = as_count(layer[2], "layers' dilation", minimum=1) if len(layer) == 3 else 1
        size, jump = size + dilation * (kernel - 1) * jump, jump * stride
    return ReceptiveField(size, jump)
