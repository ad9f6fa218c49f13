"""dlcore.cluster.kmeans against sklearn.cluster.KMeans(algorithm="lloyd"), same start and
iterations (BOOK.md's budget: within 1.5x of scikit-learn's time).

    python benchmarks/bench_cluster.py
"""

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from _timing import compare, header
from dlcore import cluster


def main() -> None:
    torch.set_num_threads(torch.get_num_threads())
    for n, d, k in [(100_000, 16, 8), (1_000_000, 8, 16)]:
        X, _ = make_blobs(n, centers=k, n_features=d, cluster_std=3.0, random_state=0)
        start = X[np.random.default_rng(0).choice(n, k, replace=False)]
        iterations = KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=20).fit(X).n_iter_
        X_t = torch.from_numpy(X)
        header(f"k-means, n = {n:,}, d = {d}, k = {k}, {iterations} Lloyd iterations from the same start (CPU)", theirs="sklearn")
        compare("kmeans vs KMeans(lloyd)",
                lambda: cluster.kmeans(X_t, k, init=start, tol=0.0, max_iter=iterations),
                lambda: KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=iterations).fit(X), repeats=5)
        if torch.cuda.is_available():
            X_c = X_t.cuda()
            compare("kmeans (CUDA) vs KMeans(lloyd) (CPU)",
                    lambda: cluster.kmeans(X_c, k, init=start, tol=0.0, max_iter=iterations),
                    lambda: KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=iterations).fit(X),
                    repeats=5, sync=torch.cuda.synchronize)


if __name__ == "__main__":
    main()
