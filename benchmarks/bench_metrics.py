"""dlcore.metrics against sklearn.metrics on 10^6 scores (the budget in docs/DESIGN.md: no slower, ratio <= 1).

    python benchmarks/bench_metrics.py
"""

import numpy as np
import torch
from sklearn import metrics as sk

from _timing import compare, devices, header
from dlcore import metrics

N = 10**6


def main() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, N)
    scores = rng.normal(size=N) + labels
    tied = np.round(scores, 2)
    header(f"ranking metrics, n = {N:,} scores", theirs="sklearn (CPU)")
    compare("roc_auc vs roc_auc_score", lambda: metrics.roc_auc(labels, scores),
            lambda: sk.roc_auc_score(labels, scores), target=1.0)
    compare("roc_auc vs roc_auc_score, scores tied", lambda: metrics.roc_auc(labels, tied),
            lambda: sk.roc_auc_score(labels, tied), target=1.0)
    compare("average_precision vs average_precision_score", lambda: metrics.average_precision(labels, scores),
            lambda: sk.average_precision_score(labels, scores), target=1.0)
    for device in devices():
        labels_t, scores_t = torch.from_numpy(labels).to(device), torch.from_numpy(scores).to(device)
        compare(f"roc_auc_ranks (torch, {device}) vs roc_auc_score", lambda: metrics.roc_auc_ranks(labels_t, scores_t),
                lambda: sk.roc_auc_score(labels, scores), device=device)


if __name__ == "__main__":
    main()
