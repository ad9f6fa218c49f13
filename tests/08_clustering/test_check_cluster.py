"""dlcore.check.cluster: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore import cluster
from dlcore.check.cluster import check_kmeans_plus_plus


def test_kmeans_plus_plus_checker_passes_d2_sampling(capsys):
    assert check_kmeans_plus_plus(lambda X, k, seed: cluster.kmeans_plus_plus(X, k, seed))
    assert "D² sampling over 4000 seeds" in capsys.readouterr().out


def test_kmeans_plus_plus_checker_fails_uniform_and_greedy_farthest_and_plain_distance(capsys):
    def uniform(X, k, seed):
        return X[torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))[:k]]

    def distance_not_squared(X, k, seed):
        generator = torch.Generator().manual_seed(seed)
        rows = [int(torch.randint(len(X), (1,), generator=generator))]
        d = (X - X[rows[0]]).norm(dim=1)
        for _ in range(k - 1):
            rows.append(int(torch.multinomial(d, 1, generator=generator)))
            d = torch.minimum(d, (X - X[rows[-1]]).norm(dim=1))
        return X[rows]

    assert not check_kmeans_plus_plus(uniform)
    assert not check_kmeans_plus_plus(distance_not_squared)
    assert "not drawn by D² sampling" in capsys.readouterr().out


def test_kmeans_plus_plus_checker_fails_centres_that_are_not_points(capsys):
    assert not check_kmeans_plus_plus(lambda X, k, seed: X[:k] + 0.5)
    assert "is not a point of X" in capsys.readouterr().out


def test_kmeans_plus_plus_that_rewrites_the_points_fails_and_leaves_the_data_alone(capsys):
    from dlcore import cluster
    from dlcore.check import cluster as checker

    line_before = checker.LINE.clone()

    def scribbles(X, k, seed):
        centres = cluster.kmeans_plus_plus(X, k, seed)
        X.mul_(0)
        return centres

    assert not check_kmeans_plus_plus(scribbles)
    assert "changed in place" in capsys.readouterr().out
    assert torch.equal(checker.LINE, line_before)
