"""Chapter 3's pictures: an activation and its slope, gradients through depth, a curve from units."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import activations
from ..activations import gradflow
from ..activations.approximation import fit_hidden_units
from .._validation import as_choice, as_positive
from . import PALETTE, Explorer, Reading, slider, within

__all__ = [
    "draw_activation", "activation_explorer", "verdict", "draw_flow", "gradient_flow_explorer",
    "draw_approximation", "approximation_explorer",
]


def draw_activation(figure: Figure, name: str, parameter: float, span: float = 5.0) -> Reading:
    """The function beside its derivative; return what the readout shows."""
    span = as_positive(span, "span")
    x = torch.linspace(-span, span, 801, dtype=torch.float64)
    y, slope = activations.activation_and_slope(name, parameter, x)
    meaning = activations.CURVES[name][1]
    label = f"{name} ({meaning} = {parameter:g})" if meaning else name
    value_ax, slope_ax = figure.subplots(1, 2)
    value_ax.plot(x, y, color=PALETTE["blue"], lw=2, label=label)
    value_ax.plot(x, activations.relu(x), color=PALETTE["grey"], ls="--", lw=1, label="relu, for reference")
    value_ax.set(xlabel="x", ylabel="f(x)", title="the activation")
    value_ax.legend(loc="upper left")
    slope_ax.plot(x, slope, color=PALETTE["vermillion"], lw=2)
    slope_ax.axhline(1, color=PALETTE["grey"], ls=":", lw=1)
    slope_ax.set(xlabel="x", ylabel="f′(x)", title="its derivative (autograd)")
    top = int(torch.argmax(slope))
    return Reading(
        f"{label}: f(0) = {y[400].item():.3f} &nbsp;·&nbsp; <b>largest slope {slope[top].item():.3f}</b> at x = {x[top].item():.2f}"
        f" &nbsp;·&nbsp; slope at x = −{span:g}: {slope[0].item():.4f}, at x = +{span:g}: {slope[-1].item():.4f}",
        value_at_0=y[400].item(), largest_slope=slope[top].item(), slope_left=slope[0].item(), slope_right=slope[-1].item())


def activation_explorer(name: str = "sigmoid") -> Explorer:
    """Pick an activation and its parameter (slope α, ELU's α, Swish's β): f and f′."""
    name = as_choice(name, "name", tuple(activations.CURVES))
    controls = {
        "name": widgets.Dropdown(options=list(activations.CURVES), value=name, description="activation"),
        "parameter": slider("parameter (α or β; ignored when the activation has none)", activations.CURVES[name][2], 0.0, 3.0, 0.05, readout_format=".2f"),
    }

    def draw(figure: Figure, name: str, parameter: float) -> Reading:
        return draw_activation(figure, name, parameter)

    return Explorer(controls, draw, figsize=(8.4, 3.4), live={"name": list(activations.CURVES), "parameter": (0.1, 0.5, 1.0, 2.0, 3.0)})


def verdict(flow: gradflow.Flow) -> str:
    """'exploding', 'vanishing' or 'healthy', read from the gradient norms and activation scales."""
    grads, stds = flow.grad_norms, flow.activation_stds
    if not (torch.isfinite(grads).all() and torch.isfinite(stds).all()) or grads.max() > 1e3 or stds.max() > 1e3:
        return "exploding"
    if grads.max() < 1e-3 or grads[0] < 1e-3 * grads.max() or stds[-1] < 1e-3:
        return "vanishing"
    return "healthy"


def _log_plot(ax, values: torch.Tensor, colour: str) -> None:
    """Per-layer values on a log axis; zeros sit a decade below the smallest nonzero value, overflow is marked ×."""
    layers = np.arange(1, len(values) + 1)
    values = values.double().numpy()
    finite = np.isfinite(values)
    positive = values[finite & (values > 0)]
    floor = positive.min() / 10 if positive.size else 1e-30
    ax.semilogy(layers[finite], np.maximum(values[finite], floor), "o-", color=colour, ms=3)
    if (~finite).any():
        ax.plot(layers[~finite], np.full((~finite).sum(), ax.get_ylim()[1]), "x", color=PALETTE["black"], ms=8, label="overflow (inf/NaN)")
        ax.legend(loc="lower right")


def draw_flow(figure: Figure, depth: int, activation: str, init_name: str, residual: bool, width: int = 64) -> Reading:
    """Per-layer gradient norms and activation scales of one DeepMLP; return what the readout shows."""
    flow = gradflow.gradient_flow(depth, width, activation=activation, init_name=init_name, residual=residual)
    grad_ax, std_ax = figure.subplots(1, 2)
    _log_plot(grad_ax, flow.grad_norms, PALETTE["vermillion"])
    grad_ax.set(xlabel="layer (1 = next to the input)", ylabel="‖∂loss/∂W‖", title="weight-gradient norm per layer")
    _log_plot(std_ax, flow.activation_stds, PALETTE["blue"])
    std_ax.set(xlabel="layer", ylabel="std of the layer's output", title="forward signal per layer")
    state = verdict(flow)
    colour = {"healthy": PALETTE["green"], "vanishing": PALETTE["blue"], "exploding": PALETTE["vermillion"]}[state]
    first, last = flow.grad_norms[0].item(), flow.grad_norms[-1].item()
    return Reading(
        f"{depth} layers · {activation} · {init_name}{' · residual' if residual else ''}: "
        f"<b style='color:{colour}'>{state}</b> &nbsp;·&nbsp; gradient norm at layer 1: {first:.2e}, "
        f"at layer {depth}: {last:.2e} &nbsp;·&nbsp; output std of the last layer: {flow.activation_stds[-1].item():.2e}",
        verdict=state, first_gradient=first, last_gradient=last, last_std=flow.activation_stds[-1].item())


def gradient_flow_explorer(depth: int = 30, activation: str = "sigmoid", init_name: str = "xavier", residual: bool = False) -> Explorer:
    """Depth, activation, initialisation and residual connections → the per-layer gradient norms."""
    depth = within(depth, "depth", 2, 60, integer=True)
    activation = as_choice(activation, "activation", tuple(gradflow.ACTIVATIONS))
    init_name = as_choice(init_name, "init_name", tuple(gradflow.INITS))
    controls = {
        "depth": widgets.IntSlider(value=depth, min=2, max=60, description="depth", continuous_update=False),
        "activation": widgets.Dropdown(options=list(gradflow.ACTIVATIONS), value=activation, description="activation"),
        "init_name": widgets.Dropdown(options=list(gradflow.INITS), value=init_name, description="init"),
        "residual": widgets.Checkbox(value=residual, description="residual connections"),
    }

    def draw(figure: Figure, **values) -> Reading:
        return draw_flow(figure, **values)

    # Which activations vanish, what He's initialisation and residual connections change; depth needs the notebook.
    live = {"activation": list(gradflow.ACTIVATIONS), "init_name": ("xavier", "he"), "residual": (False, True)}
    return Explorer(controls, draw, figsize=(8.4, 3.4), live=live)


def draw_approximation(figure: Figure, x: torch.Tensor, y: torch.Tensor, n_units: int, unit: str) -> Reading:
    """The target, the least-squares fit with ``n_units`` hidden units and each unit's piece."""
    fit = fit_hidden_units(x, y, n_units, unit)
    ax = figure.subplots()
    for piece in fit.pieces[: min(n_units, 40)]:
        ax.plot(x, piece, color=PALETTE["grey"], lw=0.8, alpha=0.7)
    ax.plot(x, y, color=PALETTE["black"], lw=2, label="target")
    ax.plot(x, fit.prediction, color=PALETTE["vermillion"], lw=2, label=f"{n_units} {unit} units")
    low, high = y.min().item(), y.max().item()
    pad = 0.4 * (high - low)
    ax.set(ylim=(low - pad, high + pad), xlabel="x", ylabel="y", title="one hidden layer: a sum of units (grey: each unit's share)")
    ax.legend(loc="upper center")
    return Reading(f"{n_units} {unit} units &nbsp;·&nbsp; <b>RMSE = {fit.rmse:.4f}</b>", rmse=fit.rmse)


def approximation_explorer(x: torch.Tensor, y: torch.Tensor, n_units: int = 5, unit: str = "relu") -> Explorer:
    """Number of hidden units (ReLU or sigmoid) → how closely their sum fits ``y``."""
    n_units = within(n_units, "n_units", 1, 40, integer=True)
    controls = {
        # a fit needs fewer units than points
        "n_units": widgets.IntSlider(value=n_units, min=1, max=min(40, x.numel() - 1), description="hidden units",
                                     continuous_update=False),
        "unit": widgets.Dropdown(options=["relu", "sigmoid"], value=unit, description="unit"),
    }

    def draw(figure: Figure, n_units: int, unit: str) -> Reading:
        return draw_approximation(figure, x, y, n_units, unit)

    units = [n for n in (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 40) if n <= controls["n_units"].max]
    return Explorer(controls, draw, figsize=(8.0, 3.6), live={"n_units": units, "unit": ("relu", "sigmoid")})
