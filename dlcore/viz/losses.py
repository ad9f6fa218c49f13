"""Chapter 4's pictures: robust regression, the focal loss, and cross-entropy between two distributions."""

from __future__ import annotations


import numpy as np
import torch
from matplotlib.figure import Figure

from .. import losses
from ..losses.robust import fit_line
from .._validation import as_positive, as_scalar, as_xy
from . import PALETTE, Explorer, Reading, slider, within

__all__ = [
    "draw_robust", "robust_explorer", "draw_focal", "focal_explorer", "draw_information",
    "information_explorer",
]

LOSS_COLOURS = {"mse": PALETTE["blue"], "mae": PALETTE["orange"], "huber": PALETTE["green"]}


def draw_robust(figure: Figure, x: torch.Tensor, y: torch.Tensor, outlier: int, shift: float, delta: float) -> Reading:
    """Loss vs residual (left); the data with ``y[outlier]`` moved by ``shift`` and the line each loss fits (right)."""
    x, y = as_xy(x, y)
    outlier, shift = within(outlier, "outlier", 0, len(x) - 1, integer=True), as_scalar(shift, "shift")
    y = y.clone().double()
    y[outlier] += shift
    curve_ax, fit_ax = figure.subplots(1, 2)
    r = torch.linspace(-4, 4, 401, dtype=torch.float64)
    zero = torch.zeros_like(r)
    curves = {"mse": losses.mse(r, zero, "none"), "mae": losses.mae(r, zero, "none"), "huber": losses.huber(r, zero, delta, "none")}
    for name, values in curves.items():
        curve_ax.plot(r, values, color=LOSS_COLOURS[name], lw=2, label=f"huber (δ = {delta:.1f})" if name == "huber" else name)
    curve_ax.axvspan(-delta, delta, color=PALETTE["grey"], alpha=0.2, lw=0)
    curve_ax.set(xlabel="residual r = ŷ − y", ylabel="loss", ylim=(-0.2, 6), title="loss of one residual (shaded: |r| ≤ δ)")
    curve_ax.legend(loc="upper center")
    fit_ax.scatter(x, y, s=16, color=PALETTE["black"], zorder=3)
    fit_ax.scatter(x[outlier], y[outlier], s=70, facecolors="none", edgecolors=PALETTE["vermillion"], lw=2, zorder=4, label="the outlier")
    grid = torch.linspace(x.min().item(), x.max().item(), 2, dtype=torch.float64)
    slopes = {}
    for name in ("mse", "mae", "huber"):
        line = fit_line(x, y, name, delta=delta)
        slopes[name] = line.slope
        fit_ax.plot(grid, line.slope * grid + line.intercept, color=LOSS_COLOURS[name], lw=2, label=f"{name}: slope {line.slope:.2f}")
    fit_ax.set(xlabel="x", ylabel="y", title="the line each loss fits")
    fit_ax.legend(loc="upper left", fontsize=9)
    return Reading(f"outlier moved by {shift:+.0f} &nbsp;·&nbsp; fitted slopes: <b>MSE {slopes['mse']:.3f}</b>, "
                   f"MAE {slopes['mae']:.3f}, Huber (δ = {delta:.1f}) {slopes['huber']:.3f}", slopes=dict(slopes))


def robust_explorer(x: torch.Tensor, y: torch.Tensor, outlier: int, shift: float = 30.0, delta: float = 1.0) -> Explorer:
    """A δ slider and an outlier slider → the three losses' curves and fitted lines."""
    x, y = as_xy(x, y)
    outlier, shift = within(outlier, "outlier", 0, len(x) - 1, integer=True), as_scalar(shift, "shift")
    controls = {
        "shift": slider("move the outlier by", shift, -40.0, 60.0, 1.0, readout_format=".0f"),
        "delta": slider("Huber's δ", delta, 0.1, 5.0, 0.1, readout_format=".1f"),
    }

    def draw(figure: Figure, shift: float, delta: float) -> Reading:
        return draw_robust(figure, x, y, outlier, shift, delta)

    live = {"shift": (-40.0, -20.0, 0.0, 20.0, 40.0, 60.0), "delta": (0.5, 1.0, 5.0)}
    return Explorer(controls, draw, figsize=(9.0, 3.6), live=live)


def draw_focal(figure: Figure, logits: torch.Tensor, targets: torch.Tensor, gamma: float) -> Reading:
    """Focal loss against p_t for several γ (left); who carries the loss on the data (right)."""
    curve_ax, share_ax = figure.subplots(1, 2)
    p_t = torch.linspace(0.005, 1, 400, dtype=torch.float64)
    logit = torch.log(p_t) - torch.log1p(-p_t.clamp(max=1 - 1e-12))
    ones = torch.ones_like(p_t)
    for g, colour, width in [(0.0, PALETTE["grey"], 1.5), (1.0, PALETTE["sky"], 1), (5.0, PALETTE["purple"], 1)]:
        curve_ax.plot(p_t, losses.focal_loss(logit, ones, gamma=g, reduction="none"), color=colour, lw=width, label=f"γ = {g:g}" + (" (BCE)" if g == 0 else ""))
    curve_ax.plot(p_t, losses.focal_loss(logit, ones, gamma=gamma, reduction="none"), color=PALETTE["vermillion"], lw=2.5, label=f"γ = {gamma:.1f}")
    curve_ax.axvspan(0.5, 1, color=PALETTE["grey"], alpha=0.15, lw=0)
    curve_ax.set(xlabel="p_t, the probability of the true class", ylabel="loss", ylim=(0, 5), title="focal loss (shaded: well classified)")
    curve_ax.legend(loc="upper right")
    shares = losses.loss_shares(logits, targets, gamma)
    base = losses.loss_shares(logits, targets, 0.0)
    names = list(shares)
    positions = np.arange(len(names))
    share_ax.barh(positions + 0.2, [base[n] for n in names], height=0.4, color=PALETTE["grey"], label="BCE (γ = 0)")
    share_ax.barh(positions - 0.2, [shares[n] for n in names], height=0.4, color=PALETTE["vermillion"], label=f"focal, γ = {gamma:.1f}")
    share_ax.set_yticks(positions, names)
    share_ax.invert_yaxis()
    share_ax.set(xlim=(0, 1), xlabel="share of the total loss", title=f"{int(targets.sum())} positives, {int((targets == 0).sum())} negatives")
    share_ax.legend(loc="lower right")
    easy_share = shares["easy negatives"] + shares["easy positives"]
    easy_base = base["easy negatives"] + base["easy positives"]
    positive_share = shares["easy positives"] + shares["hard positives"]
    return Reading(f"γ = {gamma:.1f}: <b>easy examples (p_t > 0.5) carry {easy_share:.1%} of the loss</b> "
                   f"(BCE: {easy_base:.1%}) &nbsp;·&nbsp; positives carry {positive_share:.1%}",
                   easy_share=easy_share, easy_share_bce=easy_base, positive_share=positive_share)


def focal_explorer(logits: torch.Tensor, targets: torch.Tensor, gamma: float = 2.0) -> Explorer:
    """A γ slider → the focal loss curves and the share of the loss easy examples carry."""
    controls = {"gamma": slider("focusing parameter γ", gamma, 0.0, 5.0, 0.1, readout_format=".1f")}

    def draw(figure: Figure, gamma: float) -> Reading:
        return draw_focal(figure, logits, targets, gamma)

    return Explorer(controls, draw, figsize=(9.0, 3.6), live={"gamma": (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0)})


def _two_normals(mean_p, std_p, mean_q, std_q) -> tuple[float, float, float, float]:
    return (as_scalar(mean_p, "mean_p"), as_positive(std_p, "std_p"), as_scalar(mean_q, "mean_q"),
            as_positive(std_q, "std_q"))


def draw_information(figure: Figure, mean_p: float, std_p: float, mean_q: float, std_q: float) -> Reading:
    """The two distributions (left) and their entropy, cross-entropy and KL divergences (right)."""
    mean_p, std_p, mean_q, std_q = _two_normals(mean_p, std_p, mean_q, std_q)
    p, q = losses.binned_normal(mean_p, std_p), losses.binned_normal(mean_q, std_q)
    dist_ax, bar_ax = figure.subplots(1, 2, width_ratios=[1.4, 1])
    bins = np.arange(len(p))
    dist_ax.bar(bins - 0.2, p.numpy(), width=0.4, color=PALETTE["blue"], label="P (the truth)")
    dist_ax.bar(bins + 0.2, q.numpy(), width=0.4, color=PALETTE["orange"], label="Q (the model)")
    dist_ax.set(xlabel="outcome", ylabel="probability", title="two distributions")
    dist_ax.legend(loc="upper right")
    values = losses.information(p, q)
    colours = [PALETTE["blue"], PALETTE["purple"], PALETTE["green"], PALETTE["vermillion"]]
    bar_ax.bar(list(values), list(values.values()), color=colours)
    bar_ax.set(ylabel="nats", title="H(P, Q) = H(P) + KL(P‖Q)")
    bar_ax.tick_params(axis="x", labelsize=9)
    return Reading(f"H(P) = {values['H(P)']:.3f} &nbsp;·&nbsp; H(P, Q) = {values['H(P, Q)']:.3f} &nbsp;·&nbsp; "
                   f"<b>KL(P‖Q) = {values['KL(P‖Q)']:.3f}</b> &nbsp;·&nbsp; <b>KL(Q‖P) = {values['KL(Q‖P)']:.3f}</b> (nats)",
                   entropy=values["H(P)"], cross_entropy=values["H(P, Q)"], kl_pq=values["KL(P‖Q)"], kl_qp=values["KL(Q‖P)"])


def information_explorer(mean_p: float = 4.0, std_p: float = 1.0, mean_q: float = 6.0, std_q: float = 2.0) -> Explorer:
    """Sliders for two binned normals P and Q → entropy, cross-entropy and KL both ways."""
    mean_p, std_p, mean_q, std_q = _two_normals(mean_p, std_p, mean_q, std_q)
    controls = {
        "mean_p": slider("mean of P", mean_p, 0.0, 11.0, 0.1, readout_format=".1f"),
        "std_p": slider("std of P", std_p, 0.3, 4.0, 0.1, readout_format=".1f"),
        "mean_q": slider("mean of Q", mean_q, 0.0, 11.0, 0.1, readout_format=".1f"),
        "std_q": slider("std of Q", std_q, 0.3, 4.0, 0.1, readout_format=".1f"),
    }

    def draw(figure: Figure, **values) -> Reading:
        return draw_information(figure, **values)

    # Q moves against a fixed P: enough to see KL's asymmetry and where it blows up.
    live = {"mean_q": tuple(float(m) for m in range(12)), "std_q": (0.5, 1.0, 2.0, 4.0)}
    return Explorer(controls, draw, figsize=(9.0, 3.4), live=live)
