r"""The flow of gradients through a deep network: measure it layer by layer.

Chapter 3 of the book; equation labels (``eq-...``) refer to that chapter.

Backpropagation multiplies one Jacobian per layer, Eq. (eq-backprop-product), so
the gradient that reaches the first layers is a product of ``depth`` factors: it
shrinks geometrically when they are below 1 (vanishing) and grows when they are
above 1 (exploding). :func:`gradient_flow` builds a :class:`DeepMLP` for a choice
of depth, activation and initialisation, backpropagates one loss, and returns each
layer's weight-gradient norm and activation scale, so the factors can be seen.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import torch
from torch import nn

from .. import activations
from . import init
from .._validation import as_choice, as_count, as_float_tensor, as_model_input

__all__ = ["ACTIVATIONS", "INITS", "DeepMLP", "Flow", "measure_flow", "gradient_flow"]

#: The activations the study can use, by name.
ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": activations.sigmoid,
    "tanh": activations.tanh,
    "relu": activations.relu,
    "leaky_relu": activations.leaky_relu,
    "gelu": activations.gelu,
    "silu": activations.silu,
}

#: Initialisations of the hidden weights, by name: two naive ones, blind to the
#: layer's width, and the two that scale with it (biases always start at 0).
INITS: dict[str, Callable[[torch.Tensor, str], torch.Tensor]] = {
    "normal(0.01)": lambda w, act: init.normal_(w, std=0.01),
    "normal(1)": lambda w, act: init.normal_(w, std=1.0),
    "xavier": lambda w, act: init.xavier_normal_(w),
    "he": lambda w, act: init.kaiming_normal_(w, nonlinearity="leaky_relu" if act == "leaky_relu" else "relu"),
    "zeros": lambda w, act: init.zeros_(w),
}


class DeepMLP(nn.Module):
    r"""``depth`` hidden layers of ``width`` units, then a linear read-out to ``out_features``.

    Hidden layer :math:`l` computes :math:`h_l = f(W_l h_{l-1} + b_l)`; with
    ``residual=True`` it computes :math:`h_l = h_{l-1} + \tfrac{1}{\sqrt{L}} f(W_l h_{l-1} + b_l)`,
    Eq. (eq-residual): the identity path lets the gradient skip the branch, and the
    :math:`1/\sqrt{L}` keeps the variance that :math:`L` zero-mean branches add bounded
    (GPT-2 scales its residual branches the same way). ReLU branches are not zero-mean,
    so with them the signal still grows slowly with depth.
    """

    def __init__(self, depth: int, width: int, *, activation: str = "relu", init_name: str = "he",
                 residual: bool = False, in_features: int | None = None, out_features: int = 1,
                 device: torch.device | str | None = None, dtype: torch.dtype | None = None):
        super().__init__()
        depth = as_count(depth, "depth", minimum=1)
        width = as_count(width, "width", minimum=1)
        in_features = width if in_features is None else as_count(in_features, "in_features", minimum=1)
        out_features = as_count(out_features, "out_features", minimum=1)
        self.activation_name = as_choice(activation, "activation", tuple(ACTIVATIONS))
        self.init_name = as_choice(init_name, "init_name", tuple(INITS))
        if residual and in_features != width:
            raise ValueError(f"residual=True needs in_features == width, got {in_features} and {width}")
        self.residual = bool(residual)
        self.activation = ACTIVATIONS[activation]
        sizes = [in_features] + [width] * depth
        where = {"device": device, "dtype": dtype}  # built in place: drawing 10^9 weights on a CPU is slow
        self.hidden = nn.ModuleList(nn.Linear(a, b, **where) for a, b in zip(sizes[:-1], sizes[1:]))
        self.readout = nn.Linear(width, out_features, **where)
        with torch.no_grad():
            for layer in self.hidden:
                INITS[init_name](layer.weight, activation)
                layer.bias.zero_()

    def forward(self, x: torch.Tensor, *, keep: list | None = None) -> torch.Tensor:
        """The network's output; pass a list as ``keep`` to collect every hidden layer's output."""
        x = as_model_input(self, x, "x")
        branch_scale = 1 / math.sqrt(len(self.hidden))
        for layer in self.hidden:
            branch = self.activation(layer(x))
            x = x + branch_scale * branch if self.residual else branch
            if keep is not None:
                keep.append(x)
        return self.readout(x)


class Flow(NamedTuple):
    """Per hidden layer, input side first."""

    grad_norms: torch.Tensor  #: Frobenius norm of dLoss/dW_l, in float64
    activation_stds: torch.Tensor  #: standard deviation of h_l over the batch and units
    loss: float


def measure_flow(model: DeepMLP, x: torch.Tensor, y: torch.Tensor) -> Flow:
    """Backpropagate the mean squared error of ``model(x)`` against ``y`` once and
    read every hidden layer's weight-gradient norm (the model's gradients are reset).

    The norms are summed in float64: a float32 gradient whose entries are all about 1e-32
    has squares of 1e-64, far below float32's smallest subnormal (1.4e-45), and its float32
    norm would read exactly 0."""
    x, y = as_model_input(model, x, "x"), as_float_tensor(y, "y")
    model.zero_grad(set_to_none=True)
    kept: list[torch.Tensor] = []
    output = model(x, keep=kept)
    if y.shape != output.shape:  # a (N,) target against (N, 1) outputs would broadcast to (N, N)
        raise ValueError(f"y must have the shape of the model's output {tuple(output.shape)}, got {tuple(y.shape)}")
    loss = torch.mean((output - y) ** 2)
    loss.backward()
    loss = loss.detach()
    norms = torch.stack([torch.linalg.vector_norm(layer.weight.grad, dtype=torch.float64) for layer in model.hidden])
    stds = torch.stack([h.detach().std() for h in kept])
    model.zero_grad(set_to_none=True)
    return Flow(norms.cpu(), stds.cpu(), loss.item())


def gradient_flow(depth: int = 30, width: int = 64, *, activation: str = "relu", init_name: str = "he",
                  residual: bool = False, batch: int = 256, seed: int = 0,
                  device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32) -> Flow:
    """Build a :class:`DeepMLP` with ``seed`` on ``device`` and measure its flow on a
    standard-normal batch regressed onto standard-normal targets.

    The batch is drawn on the CPU, so it is the same on every device; the weights are
    drawn on ``device`` by its own generator, so they differ between devices."""
    generator = torch.Generator().manual_seed(as_count(seed, "seed"))
    batch = as_count(batch, "batch", minimum=2)
    x = torch.randn(batch, as_count(width, "width", minimum=1), generator=generator, dtype=dtype)
    y = torch.randn(batch, 1, generator=generator, dtype=dtype)
    torch.manual_seed(seed)
    model = DeepMLP(depth, width, activation=activation, init_name=init_name, residual=residual, device=device, dtype=dtype)
    return measure_flow(model, x.to(device), y.to(device))
