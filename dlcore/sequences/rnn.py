r"""Recurrent networks: the RNN, LSTM and GRU cells, one equation each, and the layers that run them.

Chapter 11 of the book; equation labels (``eq-...``) refer to that chapter. Cells take
torch's arguments in torch's order, with the gates stacked in torch's order (LSTM: input,
forget, cell, output; GRU: reset, update, new), so that ``torch.nn.RNN/LSTM/GRU``'s state
dicts load into :class:`RNN`, :class:`LSTM` and :class:`GRU` and give the same outputs.
The tests compare values and gradients with torch in float32 and float64.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn

from .._validation import as_choice, as_count, as_flag, as_float_like, as_float_tensor, as_scalar, as_tokens

__all__ = [
    "rnn_cell", "lstm_gates", "lstm_cell", "gru_gates", "gru_cell", "RNN", "LSTM", "GRU",
    "LSTMGates", "GRUGates", "initial_layer", "gate_trace", "gradient_through_time", "RecurrentTagger",
]


def _affine(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    return nn.functional.linear(x, weight, bias)


def _cell_inputs(input, hx, w_ih, w_hh, b_ih, b_hh, gates: int):
    """Check a cell's tensors: ``input`` (N, I) or (I,), ``hx`` (N, H) or (H,), weights (gates·H, I) and (gates·H, H)."""
    input = as_float_tensor(input, "input")
    tensors = {"hx": hx, "w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh}
    for name, tensor in tensors.items():
        if tensor is not None or name not in ("b_ih", "b_hh"):
            as_float_like(tensor, name, input)
    hidden = hx.shape[-1] if hx.ndim else 0
    expected = {"w_ih": (gates * hidden, input.shape[-1] if input.ndim else 0), "w_hh": (gates * hidden, hidden),
                "b_ih": (gates * hidden,), "b_hh": (gates * hidden,)}
    if input.ndim not in (1, 2) or hx.ndim != input.ndim or (input.ndim == 2 and hx.shape[0] != input.shape[0]) or hidden == 0:
        raise ValueError(f"input must be (N, input_size) or (input_size,) and hx (N, hidden_size) or (hidden_size,), "
                         f"batched alike; got input {tuple(input.shape)} and hx {tuple(hx.shape)}")
    for name, shape in expected.items():
        if tensors[name] is not None and tuple(tensors[name].shape) != shape:
            raise ValueError(f"{name} must have shape {shape} ({gates} gate{'s' * (gates > 1)} × hidden_size {hidden}), "
                             f"got {tuple(tensors[name].shape)}")


def rnn_cell(input: torch.Tensor, hx: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor | None = None,
             b_hh: torch.Tensor | None = None, nonlinearity: str = "tanh") -> torch.Tensor:
    r"""One step of an Elman RNN, Eq. (eq-rnn): :math:`h' = \tanh(W_{ih} x + b_{ih} + W_{hh} h + b_{hh})`
    (``nonlinearity="relu"``: ReLU). Equal to ``torch.nn.RNNCell``."""
    nonlinearity = as_choice(nonlinearity, "nonlinearity", ("tanh", "relu"))
    _cell_inputs(input, hx, w_ih, w_hh, b_ih, b_hh, gates=1)
    pre = _affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh)
    return torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)


class LSTMGates(NamedTuple):
    input: torch.Tensor   #: i, how much of the candidate to write
    forget: torch.Tensor  #: f, how much of the old cell to keep
    cell: torch.Tensor    #: g, the candidate (tanh)
    output: torch.Tensor  #: o, how much of the cell to show


def lstm_gates(input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor], w_ih: torch.Tensor, w_hh: torch.Tensor,
               b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None) -> LSTMGates:
    r"""The four LSTM gates, Eq. (eq-lstm-gates): :math:`[i; f; g; o] = W_{ih} x + b_{ih} + W_{hh} h + b_{hh}`,
    then :math:`\sigma` on :math:`i, f, o` and :math:`\tanh` on :math:`g`."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"hx must be the pair (h, c), got {type(hx).__name__}")
    _cell_inputs(input, hx[0], w_ih, w_hh, b_ih, b_hh, gates=4)
    c = as_float_tensor(hx[1], "hx[1]")
    if c.shape != hx[0].shape:
        raise ValueError(f"the cell state c must have h's shape {tuple(hx[0].shape)}, got {tuple(c.shape)}")
    i, f, g, o = (_affine(input, w_ih, b_ih) + _affine(hx[0], w_hh, b_hh)).chunk(4, dim=-1)
    return LSTMGates(torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o))


def lstm_cell(input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor], w_ih: torch.Tensor, w_hh: torch.Tensor,
              b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One LSTM step, Eq. (eq-lstm-cell): :math:`c' = f \odot c + i \odot g`, :math:`h' = o \odot \tanh(c')`.
    Returns ``(h', c')``; equal to ``torch.nn.LSTMCell``.

    The cell path is a sum, not a product through a squashing function: :math:`\partial c'/\partial c = f`,
    so the gradient along it shrinks only as fast as the forget gate lets it.
    """
    gates = lstm_gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    c = gates.forget * hx[1] + gates.input * gates.cell
    return gates.output * torch.tanh(c), c


class GRUGates(NamedTuple):
    reset: torch.Tensor   #: r, how much of the old state the candidate reads
    update: torch.Tensor  #: z, how much of the old state to keep
    new: torch.Tensor     #: n, the candidate (tanh)


def gru_gates(input: torch.Tensor, hx: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
              b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None) -> GRUGates:
    r"""The GRU gates, Eq. (eq-gru): :math:`r = \sigma(\cdot)`, :math:`z = \sigma(\cdot)`, and the candidate
    :math:`n = \tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn}))` — the reset gate multiplies the
    recurrent term *after* its bias, as in torch (and cuDNN)."""
    _cell_inputs(input, hx, w_ih, w_hh, b_ih, b_hh, gates=3)
    x_r, x_z, x_n = _affine(input, w_ih, b_ih).chunk(3, dim=-1)
    h_r, h_z, h_n = _affine(hx, w_hh, b_hh).chunk(3, dim=-1)
    reset = torch.sigmoid(x_r + h_r)
    return GRUGates(reset, torch.sigmoid(x_z + h_z), torch.tanh(x_n + reset * h_n))


def gru_cell(input: torch.Tensor, hx: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
             b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None) -> torch.Tensor:
    r"""One GRU step, Eq. (eq-gru): :math:`h' = (1 - z) \odot n + z \odot h`. Equal to ``torch.nn.GRUCell``."""
    gates = gru_gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    return (1 - gates.update) * gates.new + gates.update * hx


# -- layers ---------------------------------------------------------------------------------------


class _Recurrent(nn.Module):
    """The shared body of RNN, LSTM and GRU: torch's parameters, initialisation and shapes,
    one cell applied along time, layer after layer. (No dropout, no bidirection.)"""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True, batch_first: bool = False):
        super().__init__()
        self.input_size, self.hidden_size = as_count(input_size, "input_size", minimum=1), as_count(hidden_size, "hidden_size", minimum=1)
        self.num_layers = as_count(num_layers, "num_layers", minimum=1)
        self.bias, self.batch_first = as_flag(bias, "bias"), as_flag(batch_first, "batch_first")
        rows = self.gates * hidden_size
        for layer in range(num_layers):  # torch's order, so that one seed draws the same weights
            width = input_size if layer == 0 else hidden_size
            self.register_parameter(f"weight_ih_l{layer}", nn.Parameter(torch.empty(rows, width)))
            self.register_parameter(f"weight_hh_l{layer}", nn.Parameter(torch.empty(rows, hidden_size)))
            if bias:
                self.register_parameter(f"bias_ih_l{layer}", nn.Parameter(torch.empty(rows)))
                self.register_parameter(f"bias_hh_l{layer}", nn.Parameter(torch.empty(rows)))
        bound = 1 / math.sqrt(hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def layer_weights(self, layer: int) -> tuple[torch.Tensor, ...]:
        """``(w_ih, w_hh, b_ih, b_hh)`` of one layer (biases ``None`` without ``bias``)."""
        return tuple(getattr(self, f"{kind}_l{layer}", None) for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def _step(self, x: torch.Tensor, state, weights):
        raise NotImplementedError

    def _sequence(self, input) -> tuple[torch.Tensor, bool]:
        """(L, N, input_size) whatever the layout, and whether it arrived unbatched."""
        weight = self.weight_ih_l0
        input = as_float_tensor(input, "input")
        if (input.dtype, input.device) != (weight.dtype, weight.device):
            raise TypeError(f"input must have the layer's dtype {weight.dtype} and device {weight.device}, got {input.dtype} on {input.device}")
        time_axis = 1 if input.ndim == 3 and self.batch_first else 0
        if input.ndim not in (2, 3) or input.shape[-1] != self.input_size or input.shape[time_axis] == 0:
            raise ValueError(f"input must be ({'N, L' if self.batch_first else 'L, N'}, {self.input_size}) or "
                             f"(L, {self.input_size}) with L >= 1, got shape {tuple(input.shape)}")
        if input.ndim == 2:
            return input.unsqueeze(1), True
        return (input.transpose(0, 1) if self.batch_first else input), False

    def _initial(self, hx, batch: int, unbatched: bool, like: torch.Tensor, name: str = "hx") -> torch.Tensor:
        shape = (self.num_layers, self.hidden_size) if unbatched else (self.num_layers, batch, self.hidden_size)
        if hx is None:
            return like.new_zeros(self.num_layers, batch, self.hidden_size)
        hx = as_float_tensor(hx, name)
        if tuple(hx.shape) != shape or (hx.dtype, hx.device) != (like.dtype, like.device):
            raise ValueError(f"{name} must be {shape} in {like.dtype} on {like.device} (num_layers, batch, hidden_size), "
                             f"got {tuple(hx.shape)} in {hx.dtype}")
        return hx.unsqueeze(1) if unbatched else hx

    def _states(self, hx, batch, unbatched, like) -> list:
        h = self._initial(hx, batch, unbatched, like)
        return list(h)

    def _finals(self, states: list, unbatched: bool):
        h = torch.stack(states)
        return h.squeeze(1) if unbatched else h

    def forward(self, input: torch.Tensor, hx=None):
        """``(output, h_n)`` as torch: output holds the last layer's state at every step,
        ``(L, N, H)`` (``(N, L, H)`` with ``batch_first``, ``(L, H)`` unbatched); h_n the final
        state of every layer, ``(num_layers, N, H)`` (LSTM: the pair ``(h_n, c_n)``)."""
        sequence, unbatched = self._sequence(input)
        states = self._states(hx, sequence.shape[1], unbatched, sequence)
        for layer in range(self.num_layers):
            weights, outputs = self.layer_weights(layer), []
            for x in sequence:
                states[layer] = self._step(x, states[layer], weights)
                outputs.append(states[layer][0] if isinstance(states[layer], tuple) else states[layer])
            sequence = torch.stack(outputs)
        if unbatched:
            output = sequence.squeeze(1)
        else:
            output = sequence.transpose(0, 1) if self.batch_first else sequence
        return output, self._finals(states, unbatched)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, batch_first={self.batch_first}"


class RNN(_Recurrent):
    """``torch.nn.RNN`` (``nonlinearity`` ``"tanh"`` or ``"relu"``), stepping with :func:`rnn_cell`."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh", bias: bool = True,
                 batch_first: bool = False):
        self.nonlinearity = as_choice(nonlinearity, "nonlinearity", ("tanh", "relu"))
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first)

    def _step(self, x, h, weights):
        return rnn_cell(x, h, *weights, nonlinearity=self.nonlinearity)


class GRU(_Recurrent):
    """``torch.nn.GRU``, stepping with :func:`gru_cell`."""

    gates = 3

    def _step(self, x, h, weights):
        return gru_cell(x, h, *weights)


class LSTM(_Recurrent):
    """``torch.nn.LSTM`` (without ``proj_size``), stepping with :func:`lstm_cell`; its state is the pair ``(h, c)``."""

    gates = 4

    def _step(self, x, state, weights):
        return lstm_cell(x, state, *weights)

    def _states(self, hx, batch, unbatched, like) -> list:
        if hx is None:
            hx = (None, None)
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"hx must be the pair (h_0, c_0) for an LSTM, got {type(hx).__name__}")
        h, c = (self._initial(state, batch, unbatched, like, name) for state, name in zip(hx, ("h_0", "c_0")))
        return list(zip(h, c))

    def _finals(self, states: list, unbatched: bool):
        h, c = (torch.stack([state[k] for state in states]) for k in range(2))
        return (h.squeeze(1), c.squeeze(1)) if unbatched else (h, c)


# -- what the chapter measures --------------------------------------------------------------------


def initial_layer(kind: str, input_size: int, hidden_size: int, *, keep_bias: float = 0.0, seed: int = 0,
                  dtype: torch.dtype = torch.float64) -> RNN | LSTM | GRU:
    """A freshly initialised one-layer ``kind`` (``"RNN"``, ``"LSTM"`` or ``"GRU"``) drawn from ``seed``,
    with ``keep_bias`` added to the bias of the gate that keeps the old state: the LSTM's
    forget gate (Jozefowicz et al. set it to 1) or the GRU's update gate. A plain RNN has no such gate."""
    kind = as_choice(kind, "kind", ("RNN", "LSTM", "GRU"))
    keep_bias = as_scalar(keep_bias, "keep_bias")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(as_count(seed, "seed"))
        layer = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}[kind](input_size, hidden_size).to(dtype)
    gate = {"LSTM": 1, "GRU": 1, "RNN": None}[kind]  # forget is the LSTM's 2nd block (i, f, g, o); update the GRU's (r, z, n)
    if gate is not None:
        with torch.no_grad():
            layer.bias_hh_l0[gate * hidden_size:(gate + 1) * hidden_size] += keep_bias
    return layer


def gate_trace(layer: LSTM | GRU, input: torch.Tensor) -> dict[str, torch.Tensor]:
    """Run the first layer of ``layer`` over one unbatched sequence ``(L, input_size)`` and
    record, per step, its gates and states: ``(L, hidden_size)`` each. LSTM: ``input``,
    ``forget``, ``cell``, ``output``, ``c``, ``h``; GRU: ``reset``, ``update``, ``new``, ``h``."""
    if not isinstance(layer, (LSTM, GRU)):
        raise TypeError(f"layer must be a dlcore LSTM or GRU, got {type(layer).__name__}")
    sequence, unbatched = layer._sequence(input)
    if not unbatched:
        raise ValueError(f"input must be one unbatched sequence (L, {layer.input_size}), got shape {tuple(input.shape)}")
    weights, trace = layer.layer_weights(0), {}
    h = sequence.new_zeros(1, layer.hidden_size)
    c = torch.zeros_like(h)
    with torch.no_grad():
        for x in sequence:
            if isinstance(layer, LSTM):
                gates = lstm_gates(x, (h, c), *weights)
                c = gates.forget * c + gates.input * gates.cell
                h = gates.output * torch.tanh(c)
                record = {**gates._asdict(), "c": c, "h": h}
            else:
                gates = gru_gates(x, h, *weights)
                h = (1 - gates.update) * gates.new + gates.update * h
                record = {**gates._asdict(), "h": h}
            for name, value in record.items():
                trace.setdefault(name, []).append(value[0])
    return {name: torch.stack(values) for name, values in trace.items()}


def gradient_through_time(layer: RNN | LSTM | GRU, input: torch.Tensor) -> torch.Tensor:
    r"""How much the last output depends on each input: :math:`\lVert \partial (\mathbf 1^\top h_T) / \partial x_t \rVert`
    for :math:`t = 1, \dots, T`, averaged over the batch — the signal that backpropagation
    through time carries back :math:`T - t` steps (Eq. eq-bptt). ``input`` as ``layer`` takes it."""
    if not isinstance(layer, _Recurrent):
        raise TypeError(f"layer must be a dlcore RNN, LSTM or GRU, got {type(layer).__name__}")
    sequence, _ = layer._sequence(input)  # (L, N, input_size), whatever the layout
    x = sequence.detach().clone().requires_grad_(True)
    output, _ = layer(x.transpose(0, 1) if layer.batch_first else x)
    last = output[:, -1] if layer.batch_first else output[-1]
    (grad,) = torch.autograd.grad(last.sum(), x)
    return grad.norm(dim=-1).mean(dim=1).detach()


class RecurrentTagger(nn.Module):
    """Tokens → embedding → :class:`LSTM` (or :class:`GRU`, :class:`RNN`) → one logit vector per
    position: the recurrent model the chapter compares with its Transformer on the same task."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden_size: int, num_layers: int = 1, kind: str = "LSTM"):
        super().__init__()
        kind = as_choice(kind, "kind", ("LSTM", "GRU", "RNN"))
        self.embed = nn.Embedding(as_count(vocab_size, "vocab_size", minimum=1), as_count(embed_dim, "embed_dim", minimum=1))
        self.recurrent = {"LSTM": LSTM, "GRU": GRU, "RNN": RNN}[kind](embed_dim, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        output, _ = self.recurrent(self.embed(as_tokens(tokens, self.embed.num_embeddings)))
        return self.head(output)
