"""Chapter 2's pictures: one classifier's scores seen through a threshold and a prevalence."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import metrics
from .._validation import as_float_array
from . import PALETTE, Explorer, Reading, slider, within

__all__ = ["plot_confusion", "draw_threshold", "draw_prevalence", "threshold_explorer", "prevalence_explorer"]


def plot_confusion(ax: Axes, point: dict) -> None:
    """The 2×2 confusion matrix as a heat map with counts (rows: truth; columns: prediction)."""
    grid = np.array([[point["tn"], point["fp"]], [point["fn"], point["tp"]]])
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=grid.sum())
    names = [["TN", "FP"], ["FN", "TP"]]
    for (i, j), count in np.ndenumerate(grid):
        colour = "white" if count > 0.5 * grid.sum() else "black"
        ax.text(j, i, f"{names[i][j]}\n{count}", ha="center", va="center", color=colour, fontsize=11)
    ax.set_xticks([0, 1], ["predicted −", "predicted +"])
    ax.set_yticks([0, 1], ["actual −", "actual +"])
    ax.grid(False)
    ax.set_title("confusion matrix")


def _score_histograms(ax: Axes, y_true, y_score, threshold: float) -> None:
    positive = np.asarray(y_true) == 1
    bins = np.linspace(0, 1, 26)
    ax.hist(y_score[~positive], bins=bins, alpha=0.6, color=PALETTE["blue"], label="negatives")
    ax.hist(y_score[positive], bins=bins, alpha=0.6, color=PALETTE["vermillion"], label="positives")
    ax.axvline(threshold, color="black", lw=1.5)
    ax.axvspan(threshold, 1, color=PALETTE["grey"], alpha=0.25, lw=0)
    ax.set_xlabel("score  (shaded: called positive)")
    ax.set_ylabel("samples")
    ax.legend(loc="upper center")
    ax.set_title(f"threshold = {threshold:.2f}")


def _roc(ax: Axes, y_true, y_score, point: dict | None) -> None:
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    ax.plot(fpr, tpr, color=PALETTE["blue"], drawstyle="default", label=f"AUC = {metrics.roc_auc(y_true, y_score):.3f}")
    ax.plot([0, 1], [0, 1], color=PALETTE["grey"], ls="--", lw=1, label="chance")
    if point is not None:
        ax.plot(point["fpr"], point["tpr"], "o", color=PALETTE["vermillion"], ms=8)
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate (recall)", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), title="ROC curve")
    ax.legend(loc="lower right")


def _pr(ax: Axes, y_true, y_score, point: dict | None, prevalence: float | None = None, reference: bool = False) -> None:
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score, prevalence=prevalence)
    ap = metrics.average_precision(y_true, y_score, prevalence=prevalence)
    pi = np.mean(np.asarray(y_true) == 1) if prevalence is None else prevalence
    if reference:
        p0, r0, _ = metrics.precision_recall_curve(y_true, y_score)
        ax.step(r0, p0, where="post", color=PALETTE["grey"], lw=1.2, label="at the test set's prevalence")
    ax.step(recall, precision, where="post", color=PALETTE["green"], label=f"AP = {ap:.3f}")
    ax.axhline(pi, color=PALETTE["grey"], ls="--", lw=1, label=f"chance = prevalence {pi:.3f}")
    if point is not None and point["precision"] is not None:
        ax.plot(point["tpr"], point["precision"], "o", color=PALETTE["vermillion"], ms=8)
    ax.set(xlabel="recall", ylabel="precision", xlim=(-0.02, 1.02), ylim=(-0.02, 1.02), title="precision-recall curve")
    ax.legend(loc="lower left")


def draw_threshold(figure: Figure, y_true, y_score, threshold: float) -> Reading:
    """Scores, confusion matrix, ROC and PR curves at one threshold; return what the readout shows."""
    y_score = as_float_array(y_score, "y_score", ndim=1)
    y_score = np.asarray(y_score)
    point = metrics.operating_point(y_true, y_score, threshold)
    (hist_ax, cm_ax), (roc_ax, pr_ax) = figure.subplots(2, 2)
    _score_histograms(hist_ax, y_true, y_score, threshold)
    plot_confusion(cm_ax, point)
    _roc(roc_ax, y_true, y_score, point)
    _pr(pr_ax, y_true, y_score, point)
    precision = "undefined (nothing called positive)" if point["precision"] is None else f"{point['precision']:.3f}"
    return Reading(
        f"accuracy = {point['accuracy']:.3f} &nbsp;·&nbsp; <b>precision = {precision}</b> &nbsp;·&nbsp; "
        f"<b>recall = {point['tpr']:.3f}</b> &nbsp;·&nbsp; F1 = {point['f1']:.3f} &nbsp;·&nbsp; FPR = {point['fpr']:.3f}",
        accuracy=point["accuracy"], precision=point["precision"], recall=point["tpr"], f1=point["f1"], fpr=point["fpr"])


def draw_prevalence(figure: Figure, y_true, y_score, prevalence: float, threshold: float = 0.5) -> Reading:
    """ROC (independent of prevalence) beside the PR curve at ``prevalence``; return what the readout shows."""
    y_score, prevalence = as_float_array(y_score, "y_score", ndim=1), within(prevalence, "prevalence", 0.0, 1.0)
    y_score = np.asarray(y_score)
    point = metrics.operating_point(y_true, y_score, threshold, prevalence=prevalence)
    roc_ax, pr_ax = figure.subplots(1, 2)
    _roc(roc_ax, y_true, y_score, point)
    roc_ax.set_title("ROC curve: the same at every prevalence")
    _pr(pr_ax, y_true, y_score, point, prevalence=prevalence, reference=True)
    pr_ax.set_title(f"precision-recall at prevalence {prevalence:.1%}")
    ap, auc = metrics.average_precision(y_true, y_score, prevalence=prevalence), metrics.roc_auc(y_true, y_score)
    return Reading(
        f"prevalence = {prevalence:.1%} &nbsp;·&nbsp; at threshold {threshold}: <b>precision = {point['precision']:.3f}</b>, "
        f"recall = {point['tpr']:.3f} (unchanged) &nbsp;·&nbsp; AP = {ap:.3f} &nbsp;·&nbsp; ROC AUC = {auc:.3f} (unchanged)",
        precision=point["precision"], recall=point["tpr"], average_precision=ap, roc_auc=auc)


def threshold_explorer(y_true, y_score, threshold: float = 0.5) -> Explorer:
    """A threshold slider → confusion matrix, precision / recall / F1, points on ROC and PR."""
    y_score = as_float_array(y_score, "y_score", ndim=1)
    controls = {"threshold": slider("threshold", threshold, 0.0, 1.0, 0.01, readout_format=".2f")}

    def draw(figure: Figure, threshold: float) -> Reading:
        return draw_threshold(figure, y_true, y_score, threshold)

    return Explorer(controls, draw, figsize=(8.4, 6.4), live={"threshold": [round(0.05 * i, 2) for i in range(1, 20)]})


def prevalence_explorer(y_true, y_score, prevalence: float | None = None, threshold: float = 0.5) -> Explorer:
    """A prevalence slider → the PR curve and precision move; the ROC curve stays."""
    y_score = as_float_array(y_score, "y_score", ndim=1)
    if prevalence is None:
        prevalence = round(float(np.mean(np.asarray(y_true) == 1)), 3)
    controls = {"prevalence": slider("prevalence P(positive)", prevalence, 0.005, 0.5, 0.005)}

    def draw(figure: Figure, prevalence: float) -> Reading:
        return draw_prevalence(figure, y_true, y_score, prevalence, threshold)

    live = {"prevalence": (0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)}
    return Explorer(controls, draw, figsize=(8.4, 3.6), live=live)
