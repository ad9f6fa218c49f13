"""Chapter 6's pictures: polynomial over- and underfitting, L1 vs L2 coefficient paths, and dropout's curves."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import regularization
from .._validation import as_float_array, as_scalar
from . import PALETTE, Explorer, Reading, one_of, within

__all__ = [
    "draw_polynomial", "polynomial_explorer", "draw_paths", "path_explorer",
    "draw_dropout", "dropout_explorer",
]

D = torch.float64


def draw_polynomial(figure: Figure, degree: int, log_lambda: float) -> Reading:
    """The fitted curve on the data (left); training and validation error against the degree (right)."""
    log_lambda = as_scalar(log_lambda, "log_lambda")
    lam = 0.0 if log_lambda <= -8 else 10.0**log_lambda
    (x, y), (xv, yv) = regularization.polynomial_data()
    fit_ax, err_ax = figure.subplots(1, 2)
    grid = torch.linspace(-1, 1, 400, dtype=D)
    w = regularization.fit_polynomial(x, y, degree, lam)
    fit_ax.scatter(xv, yv, s=6, color=PALETTE["grey"], label="validation")
    fit_ax.scatter(x, y, s=25, color=PALETTE["black"], label="training (20 points)")
    fit_ax.plot(grid, torch.sin(torch.pi * grid), "--", color=PALETTE["green"], label="truth sin(πx)")
    fit_ax.plot(grid, regularization.legendre_features(grid, degree) @ w, color=PALETTE["vermillion"], lw=2, label=f"degree {degree}")
    fit_ax.set(ylim=(-2, 2), xlabel="x", ylabel="y", title=f"degree {degree}, λ = {lam:.0e}")
    fit_ax.legend(fontsize=8, loc="lower right")
    degrees = list(range(16))
    train_err, val_err = regularization.polynomial_errors(degrees, lam)
    err_ax.semilogy(degrees, train_err, "o-", color=PALETTE["blue"], ms=4, label="training")
    err_ax.semilogy(degrees, val_err, "o-", color=PALETTE["orange"], ms=4, label="validation")
    err_ax.axvline(degree, color=PALETTE["vermillion"], lw=1)
    err_ax.set(xlabel="degree", ylabel="RMSE", title="error against model complexity", ylim=(0.05, 3))
    err_ax.legend(fontsize=8)
    best = int(np.argmin(val_err))
    return Reading(f"degree {degree}, λ = {lam:.0e}: training RMSE <b>{train_err[degree]:.3f}</b>, validation RMSE "
                   f"<b>{val_err[degree]:.3f}</b> &nbsp;·&nbsp; at this λ the best validation error is at degree {best}",
                   train_rmse=float(train_err[degree]), val_rmse=float(val_err[degree]), best_degree=best)


def polynomial_explorer(degree: int = 9, log_lambda: float = -9.0) -> Explorer:
    """Degree and λ sliders → the fitted curve, and training vs validation error (λ = 0 at the left end)."""
    degree, log_lambda = within(degree, "degree", 0, 15, integer=True), as_scalar(log_lambda, "log_lambda")
    controls = {
        "degree": widgets.IntSlider(value=degree, min=0, max=15, description="degree", continuous_update=False),
        "log_lambda": widgets.FloatSlider(value=log_lambda, min=-9, max=1, step=0.5, description="log₁₀ λ",
                                          continuous_update=False, readout_format=".1f"),
    }

    def draw(figure: Figure, degree: int, log_lambda: float) -> Reading:
        return draw_polynomial(figure, degree, log_lambda)

    live = {"degree": (0, 1, 2, 3, 5, 7, 9, 12, 15), "log_lambda": (-9.0, -4.0, 0.0)}
    return Explorer(controls, draw, figsize=(10.0, 3.8), live=live)


def draw_paths(figure: Figure, paths: dict[str, np.ndarray], lambdas: np.ndarray, index: int) -> Reading:
    """Both coefficient paths against λ, the chosen λ marked, and the exact zeros counted."""
    lambdas = as_float_array(lambdas, "lambdas", ndim=1)
    index = within(index, "index", 0, len(lambdas) - 1, integer=True)
    readouts, zero_counts = [], {}
    for ax, kind in zip(figure.subplots(1, 2, sharey=True), ("L1", "L2")):
        path = paths[kind]
        for j in range(path.shape[1]):
            ax.semilogx(lambdas, path[:, j], color=PALETTE["blue"] if j < 3 else PALETTE["grey"], lw=1.5 if j < 3 else 1)
        ax.axvline(lambdas[index], color=PALETTE["vermillion"])
        zeros = int((path[index] == 0).sum())
        ax.set(xlabel="λ", title=f"{kind}: {zeros} of {path.shape[1]} coefficients exactly 0")
        readouts.append(f"{kind}: <b>{zeros}</b> exact zeros, ‖w‖ = {np.linalg.norm(path[index]):.2f}")
        zero_counts[kind] = zeros
    figure.axes[0].set_ylabel("coefficient (blue: the 3 that matter)")
    return Reading(f"λ = {lambdas[index]:.3g} &nbsp;·&nbsp; " + " &nbsp;·&nbsp; ".join(readouts),
                   l1_zeros=zero_counts["L1"], l2_zeros=zero_counts["L2"])


def path_explorer(paths: dict[str, np.ndarray], lambdas, index: int = 20) -> Explorer:
    """A λ slider over precomputed L1 and L2 paths → the coefficients at that λ and how many are exactly zero."""
    lambdas = as_float_array(lambdas, "lambdas", ndim=1)
    index = within(index, "index", 0, len(lambdas) - 1, integer=True)
    lambdas = np.asarray(lambdas)
    controls = {"index": widgets.IntSlider(value=index, min=0, max=len(lambdas) - 1, description="λ step",
                                           continuous_update=False)}

    def draw(figure: Figure, index: int) -> Reading:
        return draw_paths(figure, paths, lambdas, index)

    return Explorer(controls, draw, figsize=(10.0, 3.6), live={"index": range(0, len(lambdas), 2)})


def draw_dropout(figure: Figure, curves: dict[float, dict], p: float) -> Reading:
    """Training loss and validation accuracy per epoch for rate ``p`` over the no-dropout run."""
    p = one_of(p, "p", curves)
    loss_ax, acc_ax = figure.subplots(1, 2)
    for rate, colour, width in ((0.0, PALETTE["grey"], 1.5), (p, PALETTE["vermillion"], 2.0)):
        label = "no dropout" if rate == 0 else f"dropout {rate:g}"
        loss_ax.semilogy(curves[rate]["loss"], color=colour, lw=width, label=label)
        acc_ax.plot(curves[rate]["val_accuracy"], color=colour, lw=width, label=label)
    loss_ax.set(xlabel="epoch", ylabel="training loss", title="training loss (with dropout active)")
    acc_ax.set(xlabel="epoch", ylabel="validation accuracy", title="validation accuracy", ylim=(0.6, 1.0))
    loss_ax.legend(fontsize=8)
    acc_ax.legend(fontsize=8, loc="lower right")
    run = curves[p]
    return Reading(f"dropout {p:g}: final training loss <b>{run['loss'][-1]:.3f}</b>, training accuracy {run['train_accuracy']:.3f}, "
                   f"validation accuracy <b>{run['val_accuracy'][-1]:.3f}</b> (best {max(run['val_accuracy']):.3f})",
                   final_loss=run["loss"][-1], train_accuracy=run["train_accuracy"], val_accuracy=run["val_accuracy"][-1],
                   best_val_accuracy=max(run["val_accuracy"]))


def dropout_explorer(curves: dict[float, dict], p: float = 0.5) -> Explorer:
    """A dropout-rate slider over precomputed curves: rate → {"loss": per epoch, "val_accuracy": per epoch,
    "train_accuracy": at the end} (chapter 6 trains them with :func:`dlcore.train.fit`)."""
    p = one_of(p, "p", curves)
    controls = {"p": widgets.SelectionSlider(options=sorted(curves), value=p, description="dropout p", continuous_update=False)}

    def draw(figure: Figure, p: float) -> Reading:
        return draw_dropout(figure, curves, p)

    return Explorer(controls, draw, figsize=(10.0, 3.6), live={"p": sorted(curves)})
