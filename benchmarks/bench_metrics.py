"""dlcore.metrics against sklearn.metrics on 10^6 scores (target: ratio <= 1).

    python benchmarks/bench_metrics.py
"""

import numpy as np
import torch
from sklearn import metrics as sk

from _timing import compare, header
from dlcore import metrics

N = 10**6


def main() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, N)
    scores = rng.normal(size=N) + labels
    tied = np.round(scores, 2)
    header(f"metrics, n = {N:,} (CPU)", theirs="sklearn")
    compare("roc_auc vs roc_auc_score", lambda: metrics.roc_auc(labels, scores), lambda: sk.roc_auc_score(labels, scores))
    compare("roc_auc vs roc_auc_score, ties", lambda: metrics.roc_auc(labels, tied), lambda: sk.roc_auc_score(labels, tied))
    compare("average_precision vs average_precision_score",
            lambda: metrics.average_precision(labels, scores), lambda: sk.average_precision_score(labels, scores))
    labels_t, scores_t = torch.from_numpy(labels), torch.from_numpy(scores)
    compare("roc_auc_ranks (torch, CPU) vs roc_auc_score",
            lambda: metrics.roc_auc_ranks(labels_t, scores_t), lambda: sk.roc_auc_score(labels, scores))
    if torch.cuda.is_available():
        cuda = torch.device("cuda")
        labels_c, scores_c = labels_t.to(cuda), scores_t.to(cuda)
        compare("roc_auc_ranks (CUDA) vs roc_auc_score (CPU)",
                lambda: metrics.roc_auc_ranks(labels_c, scores_c), lambda: sk.roc_auc_score(labels, scores),
                sync=torch.cuda.synchronize)


if __name__ == "__main__":
    main()
