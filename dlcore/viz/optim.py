"""Chapter 5's pictures: an optimizer race on 2-D surfaces, the cloud of mini-batch gradients,
and learning-rate schedules."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import optim
from ..optim import landscape
from .._validation import as_choice
from . import PALETTE, Explorer, Reading, one_of, slider, within

__all__ = [
    "draw_race", "race_explorer", "draw_batch_cloud", "batch_explorer", "draw_schedule",
    "schedule_explorer",
]

_COLOURS = dict(zip(landscape.RACERS, ("black", "blue", "sky", "green", "orange", "vermillion")))


def draw_race(figure: Figure, surface: str, names, lr_sgd: float, lr_adaptive: float, momentum: float, steps: int) -> Reading:
    """Trajectories on the contour plot (left) and the loss above the minimum per step (right)."""
    surface = as_choice(surface, "surface", tuple(landscape.SURFACES))
    s = landscape.SURFACES[surface]
    runs = landscape.race(surface, names, lr_sgd, lr_adaptive, momentum, steps)
    contour_ax, loss_ax = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    xs, ys = np.linspace(*s.xlim, 200), np.linspace(*s.ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    Z = s.fn(torch.from_numpy(X), torch.from_numpy(Y)).numpy()
    floor = float(s.fn(torch.tensor(s.minimum[0]), torch.tensor(s.minimum[1])))
    contour_ax.contour(X, Y, np.log10(Z - floor + 1e-3), levels=18, cmap="Greys", linewidths=0.7)
    contour_ax.plot(*s.start, "o", color=PALETTE["black"], ms=6)
    contour_ax.plot(*s.minimum, "*", color=PALETTE["black"], ms=12)
    parts = []
    for name, run in runs.items():
        colour = PALETTE[_COLOURS[name]]
        path = np.clip(run.path, [s.xlim[0] - 1, s.ylim[0] - 1], [s.xlim[1] + 1, s.ylim[1] + 1])
        contour_ax.plot(path[:, 0], path[:, 1], ".-", ms=2, lw=1.2, color=colour, label=name)
        loss_ax.semilogy(np.maximum(run.loss - floor, 1e-16), color=colour, lw=1.5, label=name)
        parts.append(f"{name} <b>diverged</b> at step {len(run.loss) - 1}" if run.diverged
                     else f"{name} <b>{run.loss[-1] - floor:.1e}</b>")
    contour_ax.set(xlim=s.xlim, ylim=s.ylim, xlabel="x", ylabel="y", title=f"{surface}: paths from ●, minimum ★")
    loss_ax.set(xlabel="step", ylabel="loss − minimum", title="loss curves", xlim=(0, steps))
    if runs:
        loss_ax.legend(loc="lower left", fontsize=8)
    if not parts:
        return Reading("pick an optimizer", gaps={}, diverged=())
    return Reading(f"after {steps} steps, loss above the minimum: " + " &nbsp;·&nbsp; ".join(parts),
                   gaps={name: run.loss[-1] - floor for name, run in runs.items() if not run.diverged},
                   diverged=tuple(name for name, run in runs.items() if run.diverged))


def race_explorer(surface: str = "ravine", names=("SGD", "momentum", "Adam"), lr_sgd: float = 0.03,
                  lr_adaptive: float = 0.1, momentum: float = 0.9, steps: int = 150) -> Explorer:
    """Pick a surface, optimizers and their hyper-parameters → paths on the contours and loss curves."""
    surface, steps = as_choice(surface, "surface", tuple(landscape.SURFACES)), within(steps, "steps", 10, 500, integer=True)
    log_slider = dict(min=-4, max=0, step=0.1, continuous_update=False, readout_format=".4f",
                      style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
    controls = {
        "surface": widgets.Dropdown(options=list(landscape.SURFACES), value=surface, description="surface"),
        "names": widgets.SelectMultiple(options=list(landscape.RACERS), value=tuple(names), description="optimizers", rows=6),
        "lr_sgd": widgets.FloatLogSlider(value=lr_sgd, description="lr (SGD, momentum, Nesterov)", **log_slider),
        "lr_adaptive": widgets.FloatLogSlider(value=lr_adaptive, description="lr (Adagrad, RMSprop, Adam)", **log_slider),
        "momentum": slider("momentum μ (Adam's β₁)", momentum, 0.0, 0.99, 0.01, readout_format=".2f"),
        "steps": widgets.IntSlider(value=steps, min=10, max=500, step=10, description="steps", continuous_update=False),
    }

    def draw(figure: Figure, **values) -> Reading:
        return draw_race(figure, **values)

    # Each surface at a small and a large step (the large one diverges on Rosenbrock), with and without much
    # momentum; the adaptive methods' rate, the racers and the length need the notebook.
    live = {"surface": list(landscape.SURFACES), "lr_sgd": (0.001, 0.03), "momentum": (0.5, 0.9)}
    return Explorer(controls, draw, figsize=(10.0, 4.2), live=live)


def draw_batch_cloud(figure: Figure, batch_size: int) -> Reading:
    """Mini-batch gradients around the full gradient (left); SGD's loss per epoch against full-batch GD (right)."""
    x, y = landscape.linear_regression_problem(1000)
    w = torch.zeros(2, dtype=torch.float64)
    batches, full = landscape.minibatch_gradients(x, y, w, batch_size, n_batches=400)
    points, (fx, fy) = batches.numpy(), full.tolist()
    cloud_ax, loss_ax = figure.subplots(1, 2)
    cloud_ax.scatter(points[:, 0], points[:, 1], s=6, alpha=0.35, color=PALETTE["blue"], label=f"400 batches of {batch_size}")
    cloud_ax.plot(*points.mean(0), "x", color=PALETTE["orange"], ms=11, mew=2.5, label="their mean")
    cloud_ax.plot(fx, fy, "*", color=PALETTE["vermillion"], ms=14, label="full-batch gradient")
    cloud_ax.set(xlim=(fx - 9, fx + 9), ylim=(fy - 6, fy + 6), xlabel="∂L/∂slope",
                 ylabel="∂L/∂intercept", title="gradients at w = (0, 0)")
    cloud_ax.legend(loc="upper right", fontsize=8)
    for size, colour in ((len(x), PALETTE["black"]), (batch_size, PALETTE["blue"])):
        seen, losses = landscape.sgd_on_regression(x, y, size)
        label = "full batch (GD)" if size == len(x) else f"batch {size}"
        loss_ax.plot(seen, losses, ".-" if len(seen) < 40 else "-", color=colour, lw=1.2, label=f"{label}: {len(seen) - 1} updates")
    loss_ax.set(xlabel="epochs", ylabel="training loss (MSE)", yscale="log", title="SGD, lr 0.05, 2 epochs")
    loss_ax.legend(loc="upper right", fontsize=8)
    spread = batches.var(0).sum().item()
    bias, updates = (batches.mean(0) - full).norm().item(), len(x) // batch_size + (len(x) % batch_size > 0)
    return Reading(f"batch size {batch_size}: the mean of the batch gradients is off the full gradient by "
                   f"<b>{bias:.2f}</b> (noise of 400 draws); their variance is "
                   f"<b>{spread:.2f}</b>, and {updates} updates fit in one epoch", bias=bias, variance=spread, updates=updates)


BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000]  #: the batch explorer's choices


def batch_explorer(batch_size: int = 16) -> Explorer:
    """A batch-size slider → the cloud of mini-batch gradients around the full gradient, and the loss curves."""
    batch_size = one_of(batch_size, "batch_size", BATCH_SIZES)
    controls = {"batch_size": widgets.SelectionSlider(options=BATCH_SIZES, value=batch_size,
                                                      description="batch size", continuous_update=False)}

    def draw(figure: Figure, batch_size: int) -> Reading:
        return draw_batch_cloud(figure, batch_size)

    return Explorer(controls, draw, figsize=(10.0, 4.0), live={"batch_size": BATCH_SIZES})


_FRACTION_MEANING = {
    "constant": "not used", "step": "halve every (fraction × total) steps", "cosine": "floor = fraction × lr",
    "warmup + cosine": "warm-up = fraction × total", "one-cycle": "peak at fraction × total",
}


def draw_schedule(figure: Figure, name: str, lr: float, total: int, fraction: float) -> Reading:
    """The chosen schedule in colour over the others in grey."""
    ax = figure.subplots()
    for other in optim.SCHEDULES:
        if other != name:
            ax.plot(optim.schedule_curve(other, lr, total, fraction), color=PALETTE["grey"], lw=1)
    curve = optim.schedule_curve(name, lr, total, fraction)
    ax.plot(curve, color=PALETTE["vermillion"], lw=2.5, label=name)
    ax.set(xlabel="step", ylabel="learning rate", title=f"{name} (grey: the others with the same settings)")
    ax.legend(loc="upper right")
    return Reading(f"{name}: starts at <b>{curve[0]:.2e}</b>, peaks at {curve.max():.2e} on step {int(curve.argmax())}, "
                   f"ends at <b>{curve[-1]:.2e}</b>; mean {curve.mean():.2e} &nbsp;·&nbsp; fraction: {_FRACTION_MEANING[name]}",
                   start=float(curve[0]), peak=float(curve.max()), peak_step=int(curve.argmax()), end=float(curve[-1]),
                   mean=float(curve.mean()))


def schedule_explorer(name: str = "warmup + cosine", lr: float = 0.1, total: int = 1000, fraction: float = 0.1) -> Explorer:
    """Pick a schedule and its settings → the learning rate over training."""
    name, total = as_choice(name, "name", tuple(optim.SCHEDULES)), within(total, "total", 20, 2000, integer=True)
    controls = {
        "name": widgets.Dropdown(options=list(optim.SCHEDULES), value=name, description="schedule"),
        "lr": widgets.FloatLogSlider(value=lr, min=-4, max=0, step=0.1, description="peak lr", continuous_update=False),
        "total": widgets.IntSlider(value=total, min=20, max=2000, step=20, description="total steps", continuous_update=False),
        "fraction": slider("fraction", fraction, 0.05, 0.95, 0.05, readout_format=".2f"),
    }

    def draw(figure: Figure, **values) -> Reading:
        return draw_schedule(figure, **values)

    live = {"name": list(optim.SCHEDULES), "fraction": (0.05, 0.1, 0.2, 0.3, 0.5)}
    return Explorer(controls, draw, figsize=(8.0, 3.4), live=live)
