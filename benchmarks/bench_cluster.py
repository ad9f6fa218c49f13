"""dlcore.cluster.kmeans against sklearn.cluster.KMeans(algorithm="lloyd", n_init=1), from the
same initial centres for the same number of iterations (the budget in docs/DESIGN.md: within 1.5x).

    python benchmarks/bench_cluster.py

The first case is the budget's (n = 100,000, d = 32, k = 64); the second has narrow rows,
where dlcore sums clusters with one bincount per feature instead of index_add_.
"""

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from _timing import compare, devices, header
from dlcore import cluster

CASES = [(100_000, 32, 64), (1_000_000, 8, 16)]


def main() -> None:
    for n, d, k in CASES:
        X, _ = make_blobs(n, centers=k, n_features=d, cluster_std=3.0, random_state=0)
        start = X[np.random.default_rng(0).choice(n, k, replace=False)]
        iterations = KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=20).fit(X).n_iter_

        def sklearn_run():
            KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=iterations).fit(X)

        header(f"k-means, n = {n:,}, d = {d}, k = {k}: {iterations} Lloyd iterations from the same start, float64",
               theirs="sklearn (CPU)")
        for device in devices():
            X_device = torch.from_numpy(X).to(device)
            compare(f"kmeans ({device}) vs KMeans(lloyd)",
                    lambda: cluster.kmeans(X_device, k, init=start, tol=0.0, max_iter=iterations), sklearn_run,
                    repeats=5, device=device, target=1.5 if device == "cpu" else None)


if __name__ == "__main__":
    main()
