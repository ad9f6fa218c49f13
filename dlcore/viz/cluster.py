"""Chapter 8's pictures: Lloyd's iterations, choosing k, and where k-means fails."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn.metrics import adjusted_rand_score

from .. import cluster, data
from .._validation import as_choice, as_count, refuse_meta
from . import PALETTE, Explorer, Reading, one_of, within

__all__ = [
    "plot_clusters", "draw_lloyd", "lloyd_explorer", "draw_k", "k_explorer", "draw_shape",
    "shape_explorer",
]

COLOURS = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow", "black", "grey")]


def plot_clusters(ax: Axes, X: torch.Tensor, labels: torch.Tensor, centers: torch.Tensor | None = None) -> None:
    """Points coloured by label (cycling the palette), centres as black-edged crosses."""
    X = cluster.as_points(X)
    refuse_meta(labels, "labels")
    X, labels = X.cpu().numpy(), labels.cpu().numpy()
    colours = np.array(COLOURS)[labels % len(COLOURS)]
    ax.scatter(X[:, 0], X[:, 1], s=9, c=colours, alpha=0.7, linewidths=0)
    if centers is not None:
        c = centers.cpu().numpy()
        ax.scatter(c[:, 0], c[:, 1], s=160, marker="X", c=np.array(COLOURS)[np.arange(len(c)) % len(COLOURS)],
                   edgecolors="black", linewidths=1.5, zorder=3)
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(False)


def draw_lloyd(figure: Figure, X: torch.Tensor, run: cluster.KMeansResult, step: int) -> Reading:
    """The assignment to the centres of iteration ``step`` (trails behind them) and the inertia curve."""
    X, step = cluster.as_points(X), as_count(step, "step")
    step = min(step, run.n_iter)
    points_ax, inertia_ax = figure.subplots(1, 2, width_ratios=[1.3, 1])
    centers = run.center_history[step].to(X.dtype)
    labels, squared = cluster.assign(X, centers)
    plot_clusters(points_ax, X, labels, centers)
    trail = run.center_history[: step + 1].numpy()
    for j in range(trail.shape[1]):
        points_ax.plot(trail[:, j, 0], trail[:, j, 1], "-", color="black", lw=1, alpha=0.6)
    points_ax.set_title(f"centres after {step} update{'s' if step != 1 else ''}")
    history = run.history.numpy()
    inertia_ax.plot(np.arange(len(history)), history, "o-", color=PALETTE["blue"], ms=4)
    inertia_ax.plot(min(step, len(history) - 1), history[min(step, len(history) - 1)], "o", color=PALETTE["vermillion"], ms=9)
    inertia_ax.set(xlabel="iteration (assignment step)", ylabel="inertia", title="inertia never increases")
    return Reading(f"iteration {step} of {run.n_iter}: <b>inertia {squared.sum().item():,.1f}</b> "
                   f"(final {run.inertia:,.1f})", inertia=squared.sum().item(), final_inertia=run.inertia)


def lloyd_explorer(X: torch.Tensor, k: int, init: str = "random", seed: int = 3) -> Explorer:
    """An iteration slider (and the initialisation and seed) → the clustering at that step and the inertia curve."""
    seed = within(seed, "seed", 0, 20, integer=True)
    runs: dict[tuple[str, int], cluster.KMeansResult] = {}

    def run_for(init: str, seed: int) -> cluster.KMeansResult:
        if (init, seed) not in runs:
            runs[init, seed] = cluster.kmeans(X, k, init=init, seed=seed, tol=0.0)
        return runs[init, seed]

    controls = {
        "step": widgets.IntSlider(value=0, min=0, max=30, description="iteration", continuous_update=False),
        "init": widgets.Dropdown(options=["random", "k-means++"], value=init, description="init"),
        "seed": widgets.IntSlider(value=seed, min=0, max=20, description="seed", continuous_update=False),
    }

    def draw(figure: Figure, step: int, init: str, seed: int) -> Reading:
        return draw_lloyd(figure, X, run_for(init, seed), step)

    # The early iterations (where Lloyd moves most) and both initialisations; other seeds need the notebook.
    live = {"step": (0, 1, 2, 3, 4, 5, 7, 10, 20, 30), "init": ("random", "k-means++")}
    return Explorer(controls, draw, figsize=(9.0, 3.8), live=live)


def draw_k(figure: Figure, X: torch.Tensor, sweep: dict, k: int) -> Reading:
    """The clustering at ``k`` beside the elbow (inertia) and silhouette curves."""
    X, k = cluster.as_points(X), one_of(k, "k", sweep)
    points_ax, elbow_ax, silhouette_ax = figure.subplots(1, 3, width_ratios=[1.2, 1, 1])
    run, silhouette = sweep[k]
    plot_clusters(points_ax, X, run.labels, run.centers)
    points_ax.set_title(f"k = {k}")
    ks = sorted(sweep)
    elbow_ax.plot(ks, [sweep[j][0].inertia for j in ks], "o-", color=PALETTE["blue"], ms=4)
    elbow_ax.plot(k, run.inertia, "o", color=PALETTE["vermillion"], ms=9)
    elbow_ax.set(xlabel="k", ylabel="inertia", title="the elbow")
    silhouette_ax.plot(ks[1:], [sweep[j][1] for j in ks[1:]], "o-", color=PALETTE["green"], ms=4)
    if k > 1:
        silhouette_ax.plot(k, silhouette, "o", color=PALETTE["vermillion"], ms=9)
    silhouette_ax.set(xlabel="k", ylabel="mean silhouette", title="the silhouette")
    best = max(ks[1:], key=lambda j: sweep[j][1])
    shown = "undefined at k = 1" if k == 1 else f"{silhouette:.3f}"
    return Reading(f"k = {k}: inertia {run.inertia:,.1f}, <b>silhouette {shown}</b> &nbsp;·&nbsp; best silhouette at k = {best}",
                   inertia=run.inertia, silhouette=None if k == 1 else silhouette, best_k=best)


def k_explorer(X: torch.Tensor, k: int = 3, ks=range(1, 11)) -> Explorer:
    """A k slider → the clustering, and where it sits on the elbow and silhouette curves."""
    k = within(k, "k", min(ks), max(ks), integer=True)
    sweep = cluster.k_sweep(X, ks)
    controls = {"k": widgets.IntSlider(value=k, min=min(ks), max=max(ks), description="k", continuous_update=False)}

    def draw(figure: Figure, k: int) -> Reading:
        return draw_k(figure, X, sweep, k)

    return Explorer(controls, draw, figsize=(10.0, 3.4), live={"k": list(ks)})


def draw_shape(figure: Figure, kind: str, standardize: bool = False, seed: int = 0) -> Reading:
    """The true groups beside k-means' clusters (k = the true number) for one of ``data.CLUSTER_SHAPES``."""
    X, truth = data.cluster_shapes(kind, seed=seed)
    if standardize:
        X = (X - X.mean(0)) / X.std(0)
    k = int(truth.max()) + 1
    run = cluster.kmeans(X, k, n_init=10)
    truth_ax, kmeans_ax = figure.subplots(1, 2)
    plot_clusters(truth_ax, X, truth)
    truth_ax.set_title(f"{kind}{' (standardised)' if standardize else ''}: the true groups")
    plot_clusters(kmeans_ax, X, run.labels, run.centers)
    kmeans_ax.set_title(f"k-means, k = {k}")
    ari = adjusted_rand_score(truth.numpy(), run.labels.numpy())
    return Reading(f"{kind}: <b>adjusted Rand index {ari:.3f}</b> (1 = the true groups, 0 = chance)", adjusted_rand_index=ari)


def shape_explorer(kind: str = "anisotropic") -> Explorer:
    """A data-set picker (and standardisation) → where k-means' assumptions break."""
    kind = as_choice(kind, "kind", tuple(data.CLUSTER_SHAPES))
    controls = {
        "kind": widgets.Dropdown(options=list(data.CLUSTER_SHAPES), value=kind, description="data"),
        "standardize": widgets.Checkbox(value=False, description="standardise the features"),
    }

    def draw(figure: Figure, kind: str, standardize: bool) -> Reading:
        return draw_shape(figure, kind, standardize)

    return Explorer(controls, draw, figsize=(9.0, 3.8), live={"kind": list(data.CLUSTER_SHAPES), "standardize": (False, True)})
