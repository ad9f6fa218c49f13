"""Chapter 9's pictures: a teacher's softened beliefs, the T × α sweep, and pruning."""

from __future__ import annotations


import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from .. import distill, train
from .._validation import as_float_array, as_float_tensor, refuse_meta
from . import PALETTE, Explorer, Reading, one_of, slider, within

__all__ = [
    "draw_temperature", "temperature_explorer", "draw_sweep", "sweep_explorer", "draw_pruning",
    "pruning_explorer",
]


def draw_temperature(figure: Figure, image: torch.Tensor, teacher_logits: torch.Tensor, label: int, T: float) -> Reading:
    """The 8×8 digit beside the teacher's distribution at temperature 1 and at ``T``."""
    image, teacher_logits = as_float_tensor(image, "image"), as_float_tensor(teacher_logits, "teacher_logits")
    label = within(label, "label", 0, teacher_logits.shape[-1] - 1, integer=True)
    image_ax, bar_ax = figure.subplots(1, 2, width_ratios=[1, 2.4])
    image_ax.imshow(image.reshape(8, 8).numpy(), cmap="gray_r")
    image_ax.set(xticks=[], yticks=[], title=f"a {label}")
    classes = np.arange(teacher_logits.numel())
    hard, soft = distill.soft_targets(teacher_logits, 1.0), distill.soft_targets(teacher_logits, T)
    bar_ax.bar(classes - 0.2, hard.numpy(), width=0.4, color=PALETTE["grey"], label="T = 1")
    bar_ax.bar(classes + 0.2, soft.numpy(), width=0.4, color=PALETTE["blue"], label=f"T = {T:g}")
    bar_ax.set(xticks=classes, xlabel="class", ylabel="probability", ylim=(0, 1), title="the teacher's soft targets")
    bar_ax.legend(loc="upper right")
    runner_up = int(torch.topk(teacher_logits, 2).indices[1])
    return Reading(f"T = {T:g}: the true class gets <b>{soft[label].item():.3f}</b>; the runner-up, "
                   f"{runner_up}, gets <b>{soft[runner_up].item():.3f}</b> (at T = 1: {hard[runner_up].item():.1e})",
                   true_class=soft[label].item(), runner_up=soft[runner_up].item(), runner_up_at_1=hard[runner_up].item())


def temperature_explorer(images: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor, index: int = 0, T: float = 4.0) -> Explorer:
    """A temperature slider (and an example picker) → the teacher's softened distribution for one digit."""
    images, teacher_logits = as_float_tensor(images, "images"), as_float_tensor(teacher_logits, "teacher_logits")
    refuse_meta(labels, "labels")
    index = within(index, "index", 0, len(labels) - 1, integer=True)
    controls = {
        "index": widgets.IntSlider(value=index, min=0, max=len(labels) - 1, description="example", continuous_update=False),
        "T": slider("temperature T", T, 0.5, 20.0, 0.5, readout_format=".1f"),
    }

    def draw(figure: Figure, index: int, T: float) -> Reading:
        return draw_temperature(figure, images[index], teacher_logits[index], int(labels[index]), T)

    live = {"index": sorted({index, *range(min(3, len(labels)))}), "T": (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0)}
    return Explorer(controls, draw, figsize=(9.0, 3.2), live=live)


def draw_sweep(figure: Figure, temperatures, alphas, accuracy: np.ndarray, alpha: float) -> Reading:
    """The student's test accuracy over T × α as a heat map; the chosen α's row as a curve."""
    accuracy, alpha = as_float_array(accuracy, "accuracy", ndim=2), one_of(alpha, "alpha", alphas)
    heat_ax, row_ax = figure.subplots(1, 2)
    image = heat_ax.imshow(accuracy, cmap="cividis", aspect="auto", origin="lower")
    heat_ax.set(xticks=range(len(temperatures)), xticklabels=[f"{t:g}" for t in temperatures], xlabel="temperature T",
                yticks=range(len(alphas)), yticklabels=[f"{a:g}" for a in alphas], ylabel="α (weight of the soft loss)",
                title="student test accuracy")
    for (i, j), value in np.ndenumerate(accuracy):
        heat_ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="white" if value < accuracy.mean() else "black", fontsize=9)
    heat_ax.grid(False)
    figure.colorbar(image, ax=heat_ax, shrink=0.8)
    row = list(alphas).index(alpha)
    row_ax.plot(temperatures, accuracy[row], "o-", color=PALETTE["blue"])
    row_ax.set(xscale="log", xlabel="temperature T", ylabel="test accuracy", title=f"α = {alpha:g}")
    best = np.unravel_index(accuracy.argmax(), accuracy.shape)
    return Reading(f"α = {alpha:g}: best T = {temperatures[int(accuracy[row].argmax())]:g} ({accuracy[row].max():.3f}) "
                   f"&nbsp;·&nbsp; <b>best overall: T = {temperatures[best[1]]:g}, α = {alphas[best[0]]:g} ({accuracy.max():.3f})</b>",
                   best_T=temperatures[int(accuracy[row].argmax())], best_accuracy=float(accuracy[row].max()),
                   best_overall=(temperatures[best[1]], alphas[best[0]], float(accuracy.max())))


def sweep_explorer(temperatures, alphas, accuracy: np.ndarray) -> Explorer:
    """An α picker over a precomputed T × α accuracy grid."""
    accuracy = as_float_array(accuracy, "accuracy", ndim=2)
    controls = {"alpha": widgets.Dropdown(options=list(alphas), value=alphas[-1], description="α")}

    def draw(figure: Figure, alpha: float) -> Reading:
        return draw_sweep(figure, temperatures, alphas, accuracy, alpha)

    return Explorer(controls, draw, figsize=(9.5, 3.4), live={"alpha": list(alphas)})


def draw_pruning(figure: Figure, model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, amount: float,
                 curve: tuple[list, list]) -> Reading:
    """Accuracy against sparsity (with the chosen point) and the surviving weights' histogram."""
    curve_ax, hist_ax = figure.subplots(1, 2)
    pruned = distill.pruned_copy(model, amount)
    accuracy = train.accuracy_of(pruned, X, y)
    curve_ax.plot(curve[0], curve[1], "o-", color=PALETTE["blue"], ms=3)
    curve_ax.plot(amount, accuracy, "o", color=PALETTE["vermillion"], ms=9)
    curve_ax.set(xlabel="share of weights pruned", ylabel="test accuracy", ylim=(0, 1), title="magnitude pruning")
    weights = torch.cat([m.weight.detach().flatten() for m in pruned.modules() if isinstance(m, torch.nn.Linear)])
    hist_ax.hist(weights[weights != 0].numpy(), bins=60, color=PALETTE["green"])
    hist_ax.set(xlabel="weight value", ylabel="count", title=f"{int((weights != 0).sum())} of {weights.numel()} weights left")
    return Reading(f"{amount:.0%} of the weights pruned: <b>test accuracy {accuracy:.3f}</b> (unpruned {curve[1][0]:.3f})",
                   accuracy=accuracy, unpruned=curve[1][0])


def pruning_explorer(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, amount: float = 0.5) -> Explorer:
    """A pruning-ratio slider → accuracy and the weight histogram."""
    amounts = [i / 20 for i in range(20)]
    curve = (amounts, [train.accuracy_of(distill.pruned_copy(model, a), X, y) for a in amounts])
    controls = {"amount": slider("share pruned", amount, 0.0, 0.95, 0.05, readout_format=".2f")}

    def draw(figure: Figure, amount: float) -> Reading:
        return draw_pruning(figure, model, X, y, amount, curve)

    return Explorer(controls, draw, figsize=(9.0, 3.4), live={"amount": amounts})
