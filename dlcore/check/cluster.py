"""Checkers for chapter 8's exercises.

k-means++ is random, so its checker cannot compare outputs with dlcore's. It checks
that the reader's ``kmeans_plus_plus(X, k, seed)`` returns ``k`` distinct rows of ``X``,
and then, over many seeds, that the first two centres are drawn with the probabilities
of D² sampling (Eq. (eq-d2-sampling)): a chi-square goodness-of-fit test.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .. import cluster

__all__ = ["d2_pair_probabilities", "check_kmeans_plus_plus"]

#: Four points on a line: D² sampling and uniform sampling give very different second centres.
LINE = torch.tensor([[0.0], [1.0], [2.0], [6.0]], dtype=torch.float64)


def d2_pair_probabilities(X: torch.Tensor) -> torch.Tensor:
    """P(first centre = i, second = j) under k-means++: 1/n times D(x_j)² / Σ D²."""
    X = cluster.as_points(X).double()  # cdist has no half-precision kernel
    d2 = torch.cdist(X, X) ** 2
    if not d2.any():
        raise ValueError("X must hold at least two distinct points: D² sampling needs a positive distance")
    return d2 / d2.sum(dim=1, keepdim=True) / X.shape[0]


def _chi_square_p_value(observed: torch.Tensor, expected: torch.Tensor) -> float:
    keep = expected > 0
    if (observed[~keep] > 0).any():
        return 0.0  # a pair that D² sampling never draws
    statistic = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    degrees = int(keep.sum()) - 1
    return torch.special.gammaincc(torch.tensor(degrees / 2, dtype=torch.float64), statistic / 2).item()


def _rows_of(X: torch.Tensor, centers) -> list[int] | str:
    centers = torch.as_tensor(np.asarray(centers.detach().cpu() if isinstance(centers, torch.Tensor) else centers), dtype=torch.float64)
    if centers.ndim != 2 or centers.shape[1] != X.shape[1]:
        return f"expected a (k, {X.shape[1]}) array of centres, got shape {tuple(centers.shape)}"
    rows = []
    for c in centers:
        match = (X == c).all(dim=1).nonzero().flatten()
        if len(match) == 0:
            return f"the centre {c.tolist()} is not a point of X"
        rows.append(int(match[0]))
    return rows


def check_kmeans_plus_plus(fn: Callable, draws: int = 4000, alpha: float = 1e-3) -> bool:
    """Grade a reader's ``kmeans_plus_plus(X, k, seed)``; prints a report and returns whether it passed."""
    generator = torch.Generator().manual_seed(0)
    blobs = torch.cat([torch.randn(50, 2, generator=generator, dtype=torch.float64) + offset for offset in (0.0, 8.0, 16.0)])
    for X, k in ((blobs, 3), (blobs, 1), (LINE, 4), (blobs, 150)):
        try:
            given = X.clone()  # the reader's own copy: the data sets are shared by every check
            rows = _rows_of(X, fn(given, k, 0))
            if not torch.equal(given, X):
                rows = "the points X were changed in place; kmeans_plus_plus must only read them"
        except Exception as error:  # noqa: BLE001  (report whatever the reader's code raised)
            print(f"\u2718 kmeans_plus_plus raised {type(error).__name__}: {error} on {len(X)} points, k = {k}")
            return False
        if isinstance(rows, str) or len(rows) != k or len(set(rows)) != k:
            problem = rows if isinstance(rows, str) else f"expected {k} distinct points of X, got rows {rows}"
            print(f"\u2718 kmeans_plus_plus on {len(X)} points, k = {k}: {problem}")
            return False
    counts = torch.zeros(4, 4, dtype=torch.float64)
    for seed in range(draws):
        first, second = _rows_of(LINE, fn(LINE.clone(), 2, seed))[:2]
        counts[first, second] += 1
    p_value = _chi_square_p_value(counts.flatten(), d2_pair_probabilities(LINE).flatten() * draws)
    if p_value < alpha:
        expected = d2_pair_probabilities(LINE)[0] / d2_pair_probabilities(LINE)[0].sum()
        seen = counts[0] / counts[0].sum().clamp(min=1)
        print(f"\u2718 kmeans_plus_plus: over {draws} seeds the first two centres are not drawn by D\u00b2 sampling "
              f"(chi-square p = {p_value:.1e}).\n  With the first centre at x = 0, the second should be x = 1, 2, 6 with "
              f"probabilities {np.round(expected[1:].numpy(), 3).tolist()}; yours: {np.round(seen[1:].numpy(), 3).tolist()}")
        return False
    print(f"\u2714 kmeans_plus_plus: valid centres on 4 problems, and D\u00b2 sampling over {draws} seeds (chi-square p = {p_value:.2f})")
    return True
