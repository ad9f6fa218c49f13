"""Chapter 11's pictures: attention weights as the scale and the mask change, and the gates of
an LSTM or GRU with the gradient they let through time."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import sequences
from .._validation import as_choice, as_count, as_flag
from ..sequences import rnn
from . import PALETTE, Explorer, Reading, within

__all__ = ["MASKS", "attention_example", "draw_attention", "attention_explorer", "draw_gates", "gate_explorer"]

#: The masks of the attention explorer: none, causal, or the last two keys padding.
MASKS = ("none", "causal", "padding")
_TOKENS = 8


def attention_example(dim: int, mask: str = "none", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Queries, keys (8 each, N(0, 1) entries of width ``dim``, float64, from ``seed``) and the boolean mask (True = may attend)."""
    dim, mask = as_count(dim, "dim", minimum=1), as_choice(mask, "mask", MASKS)
    generator = torch.Generator().manual_seed(as_count(seed, "seed"))
    query, key = (torch.randn(_TOKENS, dim, generator=generator, dtype=torch.float64) for _ in range(2))
    allowed = torch.ones(_TOKENS, _TOKENS, dtype=torch.bool)
    if mask == "causal":
        allowed = sequences.causal_mask(_TOKENS)
    elif mask == "padding":
        allowed[:, -2:] = False
    return query, key, allowed


def draw_attention(figure: Figure, dim: int, scaled: bool, mask: str, query: int) -> Reading:
    """Self-attention weights of 8 random tokens: the whole (query × key) matrix on the left,
    the chosen query's row as bars on the right, and the output it reads when the values are
    the key indices (v_j = j). Without the 1/√d scale, the logits' spread grows like √d and
    each row collapses onto its largest key."""
    scaled = as_flag(scaled, "scaled")
    query = within(query, "query", 0, _TOKENS - 1, integer=True)
    q, k, allowed = attention_example(dim, mask)
    weights = sequences.attention_weights(q, k, allowed, scale=1 / math.sqrt(dim) if scaled else 1.0)
    logits = (q @ k.T) * (1 / math.sqrt(dim) if scaled else 1.0)
    matrix_ax, row_ax = figure.subplots(1, 2, width_ratios=[1, 1.3])
    matrix_ax.imshow(weights.numpy(), cmap="Blues", vmin=0, vmax=1)
    matrix_ax.axhline(query - 0.5, color=PALETTE["vermillion"], lw=1.5)
    matrix_ax.axhline(query + 0.5, color=PALETTE["vermillion"], lw=1.5)
    matrix_ax.set(xlabel="key", ylabel="query", title="weights (each row sums to 1)", xticks=range(_TOKENS), yticks=range(_TOKENS))
    matrix_ax.grid(False)
    row = weights[query]
    colours = [PALETTE["blue"] if allowed[query, j] else PALETTE["grey"] for j in range(_TOKENS)]
    row_ax.bar(range(_TOKENS), row.numpy(), color=colours)
    row_ax.set(ylim=(0, 1.05), xlabel="key (grey: masked)", ylabel="weight", xticks=range(_TOKENS),
               title=f"query {query}: d = {dim}, {'scaled by 1/√d' if scaled else 'not scaled'}")
    output = (row * torch.arange(_TOKENS, dtype=row.dtype)).sum().item()  # the lookup's answer for values v_j = j
    visible = row[allowed[query]]
    entropy = -(visible * visible.clamp_min(1e-300).log()).sum().item()
    spread = logits[allowed].std().item()
    return Reading(f"logits' standard deviation <b>{spread:.2f}</b> &nbsp;·&nbsp; largest weight of query {query}: "
                   f"<b>{row.max().item():.2f}</b> &nbsp;·&nbsp; entropy {entropy:.2f} nats "
                   f"(uniform over its {int(allowed[query].sum())} keys: {math.log(int(allowed[query].sum())):.2f}) &nbsp;·&nbsp; "
                   f"output with values v<sub>j</sub> = j: <b>{output:.2f}</b>",
                   weights=row.tolist(), largest=row.max().item(), entropy=entropy, logit_std=spread, output=output)


def attention_explorer(dim: int = 64, scaled: bool = True, mask: str = "none", query: int = 5) -> Explorer:
    """The width d, the 1/√d scale on or off, a mask and a query → the weights matrix and the query's row."""
    dims = (4, 16, 64, 256, 1024)
    if dim not in dims:
        raise ValueError(f"dim must be one of {dims}, got {dim!r}")
    draw_attention(Figure(), dim, scaled, mask, query)  # refuses bad starting values by name
    controls = {"dim": widgets.SelectionSlider(options=dims, value=dim, description="width d", continuous_update=False),
                "scaled": widgets.Checkbox(value=scaled, description="divide the logits by √d"),
                "mask": widgets.Dropdown(options=list(MASKS), value=mask, description="mask"),
                "query": widgets.IntSlider(value=query, min=0, max=_TOKENS - 1, description="query", continuous_update=False)}
    live = {"dim": (64, 1024), "scaled": (False, True), "mask": list(MASKS), "query": range(_TOKENS)}
    return Explorer(controls, draw_attention, figsize=(8.0, 3.4), live=live)


def draw_gates(figure: Figure, kind: str, keep_bias: float, length: int) -> Reading:
    """A freshly initialised LSTM or GRU (16 units) reads ``length`` random inputs. Top: the mean
    of each gate over the units at each step; middle: the state of four units; bottom: how much
    the last output depends on each input, :math:`\\lVert\\partial h_T/\\partial x_t\\rVert`, beside a
    plain tanh RNN of the same size (grey)."""
    kind = as_choice(kind, "kind", ("LSTM", "GRU"))
    keep_bias = within(keep_bias, "keep_bias", -5.0, 5.0)
    length = within(length, "length", 2, 200, integer=True)
    inputs = torch.randn(length, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    layer = rnn.initial_layer(kind, 4, 16, keep_bias=keep_bias)
    trace = rnn.gate_trace(layer, inputs)
    gradient = rnn.gradient_through_time(layer, inputs)
    plain = rnn.gradient_through_time(rnn.initial_layer("RNN", 4, 16), inputs)
    gate_ax, state_ax, grad_ax = figure.subplots(3, 1, sharex=True)
    steps = np.arange(1, length + 1)
    gates = ("input", "forget", "output") if kind == "LSTM" else ("reset", "update")
    for name in gates:
        gate_ax.plot(steps, trace[name].mean(dim=1).numpy(), label=name)
    gate_ax.set(ylim=(0, 1), ylabel="gate mean")
    gate_ax.legend(ncol=3, fontsize=8, loc="lower right")
    state = trace["c" if kind == "LSTM" else "h"]
    state_ax.plot(steps, state[:, :4].numpy(), lw=1)
    state_ax.set(ylabel="cell state c" if kind == "LSTM" else "state h")
    grad_ax.semilogy(steps, gradient.numpy(), color=PALETTE["blue"], label=kind)
    grad_ax.semilogy(steps, plain.numpy(), color=PALETTE["grey"], label="tanh RNN")
    grad_ax.set(xlabel="input step t", ylabel="‖∂h_T/∂x_t‖")
    grad_ax.legend(fontsize=8, loc="lower right")
    keep = trace["forget" if kind == "LSTM" else "update"].mean().item()
    reach, reach_plain = (g[0].item() / g[-1].item() for g in (gradient, plain))
    return Reading(f"mean {'forget' if kind == 'LSTM' else 'update'} gate <b>{keep:.2f}</b> &nbsp;·&nbsp; gradient from the first "
                   f"input relative to the last: {kind} <b>{reach:.1e}</b>, tanh RNN {reach_plain:.1e}",
                   keep_gate=keep, reach=reach, reach_rnn=reach_plain)


def gate_explorer(kind: str = "LSTM", keep_bias: float = 0.0, length: int = 60) -> Explorer:
    """LSTM or GRU, the bias of the gate that keeps the state, and the sequence length → the gates,
    the state and the gradient through time."""
    draw_gates(Figure(), kind, keep_bias, length)  # refuses bad starting values by name
    controls = {"kind": widgets.Dropdown(options=["LSTM", "GRU"], value=kind, description="cell"),
                "keep_bias": widgets.FloatSlider(value=keep_bias, min=-3.0, max=5.0, step=0.5, description="keep-gate bias",
                                                 continuous_update=False, style={"description_width": "initial"}),
                "length": widgets.IntSlider(value=length, min=10, max=150, step=10, description="length", continuous_update=False)}
    live = {"kind": ("LSTM", "GRU"), "keep_bias": (0.0, 1.0, 3.0), "length": (20, 60, 150)}
    return Explorer(controls, draw_gates, figsize=(8.0, 5.2), live=live)
