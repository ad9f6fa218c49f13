"""Chapter 7's pictures: which axes each normalization shares, BatchNorm's batch-size noise, and scaled features."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import norm
from .._validation import as_choice
from . import PALETTE, Explorer, Reading, slider, within

__all__ = [
    "draw_axes", "axes_explorer", "draw_batch_size", "batch_size_explorer", "draw_scaling",
    "scaling_explorer",
]


def _example_batch(n: int = 8, c: int = 6, s: int = 16, seed: int = 0) -> torch.Tensor:
    """Activations whose channels and samples have their own offsets and scales."""
    generator = torch.Generator().manual_seed(seed)
    channel_shift = torch.linspace(-3, 3, c, dtype=torch.float64)[None, :, None]
    channel_scale = torch.linspace(0.5, 2.5, c, dtype=torch.float64)[None, :, None]
    sample_shift = torch.randn(n, 1, 1, generator=generator, dtype=torch.float64)
    return torch.randn(n, c, s, generator=generator, dtype=torch.float64) * channel_scale + channel_shift + sample_shift


def draw_axes(figure: Figure, kind: str) -> Reading:
    """The (N, C, H·W) cube with the elements sharing statistics shaded, and per-channel statistics before/after."""
    n, c, s = 4, 6, 5
    mask = norm.shared_statistics(kind, n, c, s)
    cube = figure.add_subplot(1, 2, 1, projection="3d")
    colours = np.where(mask[..., None], np.array([0.0, 0.447, 0.698, 0.9]), np.array([0.85, 0.85, 0.85, 0.25]))
    cube.voxels(np.ones((n, c, s), dtype=bool), facecolors=colours, edgecolor=(0, 0, 0, 0.25), linewidth=0.4)
    cube.set(xlabel="N (batch)", ylabel="C (channels)", zlabel="H·W (spatial)", xticks=[], yticks=[], zticks=[])
    cube.set_title(f"{kind}: one set of statistics", fontsize=10)
    x = _example_batch()
    y = norm.normalize(kind, x)
    stats_ax = figure.add_subplot(1, 2, 2)
    channels = np.arange(x.shape[1])
    stats_ax.errorbar(channels - 0.12, x.mean(dim=(0, 2)), yerr=x.std(dim=(0, 2)), fmt="o", color=PALETTE["grey"], label="before")
    stats_ax.errorbar(channels + 0.12, y.mean(dim=(0, 2)), yerr=y.std(dim=(0, 2)), fmt="o", color=PALETTE["blue"], label="after")
    stats_ax.axhline(0, color=PALETTE["black"], lw=0.8)
    stats_ax.set(xlabel="channel", ylabel="mean ± std over N and H·W", title="per-channel statistics of a batch")
    stats_ax.legend(loc="upper left")
    spread = y.mean(dim=(0, 2)).abs().max().item()
    sample_spread = y.mean(dim=(1, 2)).std().item()
    return Reading(f"{kind}: after it, channel means differ from 0 by up to <b>{spread:.2f}</b>; "
                   f"sample means vary with std <b>{sample_spread:.2f}</b>", channel_mean_spread=spread, sample_mean_std=sample_spread)


def axes_explorer(kind: str = "BatchNorm") -> Explorer:
    """Pick a normalization → the axes it reduces over, and the statistics before and after."""
    kind = as_choice(kind, "kind", norm.NORMS)
    controls = {"kind": widgets.Dropdown(options=list(norm.NORMS), value=kind, description="layer")}

    def draw(figure: Figure, kind: str) -> Reading:
        return draw_axes(figure, kind)

    return Explorer(controls, draw, figsize=(9.5, 4.0), live={"kind": list(norm.NORMS)})


def draw_batch_size(figure: Figure, batch_size: int) -> Reading:
    """Spread of one example's BatchNorm output across batches, against GroupNorm's, and its fall with batch size."""
    hist_ax, curve_ax = figure.subplots(1, 2)
    bn, gn = norm.batch_statistics(batch_size)
    hist_ax.hist(bn.numpy(), bins=30, color=PALETTE["blue"], alpha=0.8, label="BatchNorm, over 400 batches")
    hist_ax.axvline(gn[0].item(), color=PALETTE["vermillion"], lw=2.5, label="GroupNorm (every batch)")
    hist_ax.set(xlabel="normalised value of one fixed example", ylabel="batches", title=f"batch size {batch_size}")
    hist_ax.legend(loc="upper left", fontsize=9)
    sizes = [2, 4, 8, 16, 32, 64, 128, 256]
    spreads = [norm.batch_statistics(b, batches=150)[0].std().item() for b in sizes]
    curve_ax.loglog(sizes, spreads, "o-", color=PALETTE["blue"], label="BatchNorm")
    curve_ax.plot(batch_size, bn.std().item(), "o", color=PALETTE["vermillion"], ms=9)
    curve_ax.set(xlabel="batch size", ylabel="std of the example's output", title="noise from batch statistics")
    return Reading(f"batch size {batch_size}: the same example's BatchNorm output varies with <b>std {bn.std().item():.3f}</b> "
                   f"across batches; GroupNorm's varies by {gn.std().item():.1e}", batch_norm_std=bn.std().item(),
                   group_norm_std=gn.std().item())


def batch_size_explorer(batch_size: int = 8) -> Explorer:
    """A batch-size slider → the noise BatchNorm's batch statistics put on one example, next to GroupNorm's."""
    batch_size = within(batch_size, "batch_size", 2, 256, integer=True)
    controls = {"batch_size": widgets.IntSlider(value=batch_size, min=2, max=256, description="batch size", continuous_update=False)}

    def draw(figure: Figure, batch_size: int) -> Reading:
        return draw_batch_size(figure, batch_size)

    return Explorer(controls, draw, figsize=(9.0, 3.5), live={"batch_size": (2, 4, 8, 16, 32, 64, 128, 256)})


def draw_scaling(figure: Figure, scale: float, steps: int = 50) -> Reading:
    """Loss contours and the gradient-descent path, raw (left) and standardised (right)."""
    X, y = norm.scaled_regression(scale)
    standardized = (X - X.mean(0)) / X.std(0)
    readouts, gaps = [], {}
    for ax, (name, features) in zip(figure.subplots(1, 2), (("raw features", X), ("standardised", standardized))):
        path, condition = norm.gradient_descent_path(features, y, steps)
        best = torch.linalg.lstsq(features, y[:, None]).solution.squeeze(1)
        span = max(1.0, (path - best).abs().max().item()) * 1.3
        w1, w2 = torch.meshgrid(torch.linspace(best[0] - span, best[0] + span, 120, dtype=torch.float64),
                                torch.linspace(best[1] - span, best[1] + span, 120, dtype=torch.float64), indexing="ij")
        grid = torch.stack([w1, w2], -1)
        loss = ((grid @ features.T - y) ** 2).mean(-1)
        ax.contour(w1, w2, loss, levels=np.quantile(loss.numpy(), np.linspace(0.01, 0.9, 12)), cmap="Blues")
        ax.plot(path[:, 0], path[:, 1], "o-", ms=2.5, color=PALETTE["vermillion"], lw=1)
        ax.plot(best[0], best[1], "*", color=PALETTE["black"], ms=12)
        final = ((features @ path[-1] - y) ** 2).mean().item()
        optimum = ((features @ best - y) ** 2).mean().item()
        ax.set(xlabel="w₁", ylabel="w₂", title=f"{name}: condition number {condition:,.0f}")
        ax.set_aspect("equal", adjustable="datalim")
        readouts.append(f"{name}: loss {final - optimum:.2e} above the optimum")
        gaps[name] = final - optimum
    return Reading(f"feature scale {scale:g} &nbsp;·&nbsp; after {steps} steps, " + " &nbsp;·&nbsp; ".join(f"<b>{r}</b>" for r in readouts),
                   raw_gap=gaps["raw features"], standardised_gap=gaps["standardised"])


def scaling_explorer(scale: float = 10.0) -> Explorer:
    """A feature-scale slider → gradient descent's path on the elongated bowl and on the standardised one."""
    controls = {"scale": slider("second feature's scale", scale, 1.0, 30.0, 0.5, readout_format=".1f")}

    def draw(figure: Figure, scale: float) -> Reading:
        return draw_scaling(figure, scale)

    return Explorer(controls, draw, figsize=(9.0, 4.0), live={"scale": (1.0, 2.0, 5.0, 10.0, 30.0)})
