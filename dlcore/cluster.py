r"""k-means clustering (Lloyd's algorithm), k-means++ seeding, distances and the silhouette.

Chapter 8 of the book; equation labels (``eq-...``) refer to that chapter.

Written in torch, so the same code runs on a CPU or a GPU (``device=``); NumPy arrays
are accepted and converted. :func:`kmeans` follows ``sklearn.cluster.KMeans(algorithm=
"lloyd")`` step for step — the same relative tolerance, the same convergence tests, the
same repair of empty clusters — so that from the same initial centres it returns the
same labels, centres, inertia and number of iterations.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from ._validation import as_choice, as_count, as_nonnegative, refuse_meta

__all__ = [
    "KMeansResult", "as_points", "pairwise_distances", "assign", "kmeans_plus_plus", "lloyd", "kmeans",
    "silhouette_score", "k_sweep",
]

METRICS = ("euclidean", "manhattan", "cosine")
_CHUNK_ELEMENTS = 2**24  # distances computed in row blocks of at most this many entries
# The assignment step's block of distances is kept small enough (2 MiB in float64) to stay
# in a core's cache while torch.min reads it back: 2x faster than 32 MiB blocks.
_ASSIGN_BLOCK_ELEMENTS = 2**18
# Below this many features, one weighted bincount per feature sums clusters faster than
# index_add_, which pays a fixed cost per row (benchmarks/bench_cluster.py, on a CPU).
_NARROW_FEATURES = 16


class KMeansResult(NamedTuple):
    centers: torch.Tensor  #: (k, d)
    labels: torch.Tensor  #: (n,) int64: the index of each point's nearest centre
    inertia: float  #: sum of squared distances to the nearest centre, Eq. (eq-inertia)
    n_iter: int  #: Lloyd iterations run (of the best restart)
    history: torch.Tensor  #: inertia after each assignment step; never increases
    center_history: torch.Tensor  #: (n_iter + 1, k, d): the centres before each iteration, then the final ones


def as_points(X, name: str = "X", device: torch.device | str | None = None) -> torch.Tensor:
    """A finite, non-empty 2-D floating-point tensor of points (rows), on ``device``."""
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} must be an array of points, got a {type(X).__name__}")
    if isinstance(X, torch.Tensor):
        refuse_meta(X, name)
        X = X.detach()  # clustering is not differentiable; a leaf that requires grad is read as data
    elif np.iscomplexobj(X):
        raise TypeError(f"{name} must hold real coordinates, got complex values")
    else:
        try:
            X = torch.from_numpy(np.asarray(X, dtype=np.float64))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a numeric array of points, got {type(X).__name__}") from None
    if X.is_complex():
        raise TypeError(f"{name} must hold real coordinates, got dtype {X.dtype}")
    if not X.is_floating_point():
        X = X.double()
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (points in rows), got shape {tuple(X.shape)}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(X.shape)}")
    # The extremes are finite only if every entry is (NaN propagates): one pass, no n×d mask.
    # Cheap matters: kmeans checks X once, then lloyd checks it again on every restart.
    if not all(torch.isfinite(extreme) for extreme in torch.aminmax(X)):
        raise ValueError(f"{name} contains NaN or an infinite value")
    return X.to(_as_device(device)) if device is not None else X


def _as_device(device) -> torch.device:
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got {device!r}") from None


def _squared_euclidean(X: torch.Tensor, C: torch.Tensor) -> torch.Tensor:
    """‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², Eq. (eq-distance-trick): one matrix product; clamped at 0 against rounding."""
    return ((X * X).sum(1, keepdim=True) - 2 * X @ C.T + (C * C).sum(1)).clamp_(min=0)


def pairwise_distances(X, Y=None, metric: str = "euclidean") -> torch.Tensor:
    r"""Distances between the rows of ``X`` and of ``Y`` (default: ``X``), Eq. (eq-distances).

    ``"euclidean"`` :math:`\lVert x - y \rVert_2`, ``"manhattan"`` :math:`\lVert x - y \rVert_1`,
    ``"cosine"`` :math:`1 - \cos\theta`. As in ``sklearn.metrics.pairwise_distances``, a
    point's distance to itself is exactly 0 when ``Y`` is omitted.
    """
    metric = as_choice(metric, "metric", METRICS)
    X = as_points(X, "X")
    same = Y is None
    Y = X if same else as_points(Y, "Y", device=X.device).to(X.dtype)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {X.shape[1]} and {Y.shape[1]}")
    if metric == "euclidean":
        # Below float64 the expansion of Eq. (eq-distance-trick) cancels on offset data (1e4 and
        # 1e4 + 3 come out 2.83 apart) and overflows near 1e19: compute it in float64, as
        # scikit-learn does for float32, and return the input's dtype.
        wide = torch.float64 if X.dtype != torch.float64 and X.device.type != "mps" else X.dtype
        D = _squared_euclidean(X.to(wide), Y.to(wide)).sqrt_().to(X.dtype)
    elif metric == "manhattan":
        wide = torch.float32 if X.dtype in (torch.float16, torch.bfloat16) else X.dtype  # cdist has no half kernels
        D = torch.cdist(X.to(wide), Y.to(wide), p=1).to(X.dtype)
    else:
        unit_x = X / torch.linalg.vector_norm(X, dim=1, keepdim=True).clamp(min=torch.finfo(X.dtype).tiny)
        unit_y = Y / torch.linalg.vector_norm(Y, dim=1, keepdim=True).clamp(min=torch.finfo(Y.dtype).tiny)
        D = (1 - unit_x @ unit_y.T).clamp_(min=0, max=2)
    if same:
        D.fill_diagonal_(0)
    return D


def _nearest(X: torch.Tensor, centers: torch.Tensor, x_squared: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Each point's nearest centre and its squared distance.

    ‖x‖² is the same for every centre, so the argmin needs only ‖c‖² − 2 x·c, one
    matrix product per block of rows, written into one reused buffer (this loop is
    where k-means spends its time).
    """
    if x_squared is None:
        x_squared = (X * X).sum(1)
    k, n = centers.shape[0], X.shape[0]
    rows = max(1, min(n, _ASSIGN_BLOCK_ELEMENTS // max(1, k)))
    buffer = torch.empty(rows, k, dtype=X.dtype, device=X.device)
    c_squared = (centers * centers).sum(1)
    partial = torch.empty(n, dtype=X.dtype, device=X.device)
    labels = torch.empty(n, dtype=torch.long, device=X.device)
    for start in range(0, n, rows):
        block = X[start:start + rows]
        out = buffer[: len(block)]
        torch.addmm(c_squared, block, centers.T, alpha=-2, out=out)
        partial[start:start + rows], labels[start:start + rows] = out.min(1)
    return labels, (partial + x_squared).clamp_(min=0)


def assign(X, centers) -> tuple[torch.Tensor, torch.Tensor]:
    """Each point's nearest centre (labels) and its squared distance to it, Eq. (eq-lloyd-assign)."""
    X = as_points(X)
    centers = as_points(centers, "centers", device=X.device).to(X.dtype)
    if centers.shape[1] != X.shape[1]:
        raise ValueError(f"centers must have X's {X.shape[1]} columns, got {centers.shape[1]}")
    return _nearest(X, centers)


def _generator(seed: int, device: torch.device) -> torch.Generator:
    seed = as_count(seed, "seed")
    if seed >= 2**63:  # the generator takes a signed 64-bit seed
        raise ValueError(f"seed must be below 2**63, got {seed}")
    return torch.Generator(device=device).manual_seed(seed)


def kmeans_plus_plus(X, k: int, seed: int = 0, *, n_local_trials: int | None = 1,
                     device: torch.device | str | None = None) -> torch.Tensor:
    r"""k-means++ seeding, Eq. (eq-d2-sampling): the first centre uniformly at random, each
    next one with probability proportional to :math:`D(x)^2`, the squared distance from
    :math:`x` to the nearest centre chosen so far. Returns ``(k, d)`` rows of ``X``.

    ``n_local_trials`` > 1 is the greedy variant scikit-learn uses (``None``: its default,
    :math:`2 + \lfloor \ln k \rfloor`): draw that many candidates by :math:`D^2` and keep
    the one that lowers the inertia of the centres so far the most.
    """
    X = as_points(X, device=device)
    k = _cluster_count(k, X)
    trials = 2 + int(math.log(k)) if n_local_trials is None else as_count(n_local_trials, "n_local_trials", minimum=1)
    generator = _generator(seed, X.device)
    first = torch.randint(X.shape[0], (1,), generator=generator, device=X.device)
    chosen = [first]
    closest = _squared_euclidean(X, X[first]).squeeze(1)
    for _ in range(1, k):
        if closest.sum() > 0:
            candidates = torch.multinomial(closest, trials, replacement=True, generator=generator)
        else:  # every point coincides with a centre: any point will do
            candidates = torch.randint(X.shape[0], (trials,), generator=generator, device=X.device)
        with_candidate = torch.minimum(closest[:, None], _squared_euclidean(X, X[candidates]))
        best = with_candidate.sum(dim=0).argmin()
        chosen.append(candidates[best:best + 1])
        closest = with_candidate[:, best]
    return X[torch.cat(chosen)].clone()


def _cluster_count(k, X: torch.Tensor) -> int:
    k = as_count(k, "k", minimum=1)
    if k > X.shape[0]:
        raise ValueError(f"k must be at most the number of points ({X.shape[0]}), got {k}")
    return k


def _initial_centers(X: torch.Tensor, k: int, init, seed: int) -> torch.Tensor:
    if isinstance(init, str):
        as_choice(init, "init", ("k-means++", "random"))
        if init == "k-means++":
            return kmeans_plus_plus(X, k, seed, n_local_trials=None)
        chosen = torch.randperm(X.shape[0], generator=_generator(seed, X.device), device=X.device)[:k]
        return X[chosen].clone()
    centers = _as_centers(init, X, "init")
    if centers.shape[0] != k:
        raise ValueError(f"init must have shape (k, d) = ({k}, {X.shape[1]}), got {tuple(centers.shape)}")
    return centers


def _as_centers(centers, X: torch.Tensor, name: str) -> torch.Tensor:
    """Starting centres: a (k, d) array with X's d columns and at most as many rows as X, copied."""
    centers = as_points(centers, name, device=X.device).to(X.dtype)
    if centers.shape[1] != X.shape[1] or centers.shape[0] > X.shape[0]:
        raise ValueError(f"{name} must have shape (k, d) with d = {X.shape[1]} and k at most {X.shape[0]}, "
                         f"got {tuple(centers.shape)}")
    return centers.clone()


def _cluster_sums(X: torch.Tensor, labels: torch.Tensor, k: int, columns: torch.Tensor | None) -> torch.Tensor:
    """Per-cluster sums of the rows of X: ``index_add_`` by default; with ``columns`` (X
    transposed and contiguous, for narrow X on a CPU) one weighted bincount per feature."""
    if columns is None:
        return torch.zeros(k, X.shape[1], dtype=X.dtype, device=X.device).index_add_(0, labels, X)
    return torch.stack([torch.bincount(labels, weights=column, minlength=k) for column in columns], dim=1).to(X.dtype)


def _update(X: torch.Tensor, labels: torch.Tensor, squared: torch.Tensor, centers: torch.Tensor,
            columns: torch.Tensor | None = None) -> torch.Tensor:
    """New centres: the mean of each cluster, Eq. (eq-lloyd-update). An empty cluster takes
    the point farthest from its centre (and that point leaves its old cluster's mean), as
    scikit-learn does. A cluster that this leaves empty is put at the data's mean: scikit-learn
    computes on centred data, where the sum such a cluster keeps is zero, i.e. the mean."""
    k = centers.shape[0]
    sums = _cluster_sums(X, labels, k, columns)
    counts = torch.bincount(labels, minlength=k).to(X.dtype)
    empty = (counts == 0).nonzero().flatten()
    if len(empty):
        far = torch.topk(squared, len(empty)).indices
        for cluster, point in zip(empty.tolist(), far.tolist()):
            old = labels[point]
            sums[old] -= X[point]
            counts[old] -= 1
            sums[cluster] = X[point]
            counts[cluster] = 1
        emptied = counts == 0
        if emptied.any():
            sums[emptied], counts[emptied] = X.mean(dim=0), 1
    return sums / counts[:, None]


class _LloydSpeedPath:
    """What every Lloyd iteration reuses, for speed only: ‖x‖² per row, and, for narrow data
    on a CPU, X's columns (one weighted bincount per feature sums clusters faster there)."""

    def __init__(self, X: torch.Tensor):
        self.X, self.x_squared = X, (X * X).sum(1)
        self.columns = X.T.contiguous() if not X.is_cuda and X.shape[1] < _NARROW_FEATURES else None

    def nearest(self, centers: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return _nearest(self.X, centers, self.x_squared)

    def update(self, labels: torch.Tensor, squared: torch.Tensor, centers: torch.Tensor) -> torch.Tensor:
        return _update(self.X, labels, squared, centers, self.columns)


def lloyd(X, centers, *, max_iter: int = 300, tol: float = 0.0) -> KMeansResult:
    r"""Lloyd's algorithm from the starting ``centers`` (k, d): alternate the assignment,
    Eq. (eq-lloyd-assign), and the update, Eq. (eq-lloyd-update), until the labels repeat, or
    the centres move by a total squared distance of at most ``tol``, or ``max_iter``
    iterations have run. The inertia never increases (:attr:`KMeansResult.history`)."""
    X = as_points(X)
    centers = _as_centers(centers, X, "centers")
    max_iter, tol = as_count(max_iter, "max_iter", minimum=1), as_nonnegative(tol, "tol")
    fast = _LloydSpeedPath(X)
    history, trail, previous = [], [centers], None
    for iteration in range(1, max_iter + 1):
        labels, squared = fast.nearest(centers)  # assign, Eq. (eq-lloyd-assign)
        history.append(squared.sum())
        new_centers = fast.update(labels, squared, centers)  # update, Eq. (eq-lloyd-update)
        moved = ((new_centers - centers) ** 2).sum()
        centers = new_centers
        trail.append(centers)
        if previous is not None and torch.equal(labels, previous):
            break  # the labels repeat, so the centres did too: a fixed point, and the labels match them
        if moved <= tol:
            labels, squared = fast.nearest(centers)  # the centres moved a little: labels to match them
            break
        previous = labels
    else:
        labels, squared = fast.nearest(centers)  # out of iterations: labels to match the last centres
    return KMeansResult(centers, labels, squared.sum().item(), iteration, torch.stack(history).cpu(), torch.stack(trail).cpu())


def kmeans(X, k: int, init="k-means++", n_init: int = 1, max_iter: int = 300, tol: float = 1e-4, seed: int = 0,
           device: torch.device | str | None = None) -> KMeansResult:
    r"""Lloyd's k-means, Eqs. (eq-lloyd-assign) and (eq-lloyd-update): minimise the inertia, Eq. (eq-inertia).

    ``init`` is ``"k-means++"``, ``"random"`` (``k`` distinct points) or a ``(k, d)`` array of
    starting centres. With ``n_init`` restarts (seeds ``seed, seed + 1, ...``) the run with
    the lowest inertia is kept. Iteration stops when no label changes, or when the centres
    move by a total squared distance of at most ``tol`` times the data's mean per-feature
    variance (scikit-learn's relative tolerance), or after ``max_iter`` iterations.
    """
    X = as_points(X, device=device)
    k = _cluster_count(k, X)
    n_init, seed = as_count(n_init, "n_init", minimum=1), as_count(seed, "seed")
    max_iter = as_count(max_iter, "max_iter", minimum=1)
    tol = as_nonnegative(tol, "tol") * X.var(dim=0, unbiased=False).mean().item()
    if not isinstance(init, str) and n_init > 1:
        raise ValueError("n_init must be 1 when init gives the starting centres")
    best = None
    for restart in range(n_init):
        start = _initial_centers(X, k, init, seed + restart)
        run = lloyd(X, start, max_iter=max_iter, tol=tol)
        if best is None or run.inertia < best.inertia:
            best = run
    return best


def silhouette_score(X, labels) -> float:
    r"""Mean silhouette, Eq. (eq-silhouette): :math:`s = (b - a)/\max(a, b)` per point, with
    :math:`a` the mean distance to its own cluster and :math:`b` to the nearest other cluster.

    As ``sklearn.metrics.silhouette_score`` (Euclidean): a point alone in its cluster scores 0.
    Needs 2 ≤ number of clusters ≤ n − 1. Memory and time grow as n².
    """
    X = as_points(X)
    refuse_meta(labels, "labels")
    labels = np.asarray(labels.detach().cpu() if isinstance(labels, torch.Tensor) else labels)
    if labels.ndim != 1 or labels.shape[0] != X.shape[0]:
        raise ValueError(f"labels must be 1-D with one label per point ({X.shape[0]}), got shape {tuple(labels.shape)}")
    labels = torch.as_tensor(np.unique(labels, return_inverse=True)[1].reshape(-1), device=X.device)  # any labels: strings too
    n_clusters = int(labels.max()) + 1
    if not 2 <= n_clusters <= X.shape[0] - 1:
        raise ValueError(f"the silhouette needs between 2 and n - 1 = {X.shape[0] - 1} clusters, got {n_clusters}")
    sizes = torch.bincount(labels, minlength=n_clusters).to(X.dtype)
    one_hot = torch.nn.functional.one_hot(labels, n_clusters).to(X.dtype)
    rows = max(1, _CHUNK_ELEMENTS // X.shape[0])
    scores = []
    for start in range(0, X.shape[0], rows):
        block = slice(start, start + rows)
        distances = pairwise_distances(X[block], X)
        inside = torch.arange(distances.shape[0], device=X.device)
        distances[inside, inside + start] = 0  # a point's distance to itself, exactly (rounding aside)
        sums = distances @ one_hot  # each point's summed distance to every cluster
        own = labels[block]
        own_size = sizes[own]
        a = sums.gather(1, own[:, None]).squeeze(1) / (own_size - 1).clamp(min=1)
        mean_to_others = sums / sizes
        mean_to_others.scatter_(1, own[:, None], math.inf)
        b = mean_to_others.min(dim=1).values
        s = (b - a) / torch.maximum(a, b)
        scores.append(torch.where(own_size > 1, s.nan_to_num(0.0), torch.zeros_like(s)))
    return torch.cat(scores).mean().item()


def k_sweep(X: torch.Tensor, ks=range(1, 11), n_init: int = 5) -> dict[int, tuple[KMeansResult, float]]:
    """k-means at every k, with the silhouette (undefined, NaN, at k = 1)."""
    results = {}
    for k in ks:
        run = kmeans(X, k, n_init=n_init)
        results[k] = (run, silhouette_score(X, run.labels) if k > 1 else float("nan"))
    return results
