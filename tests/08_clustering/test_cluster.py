"""dlcore.cluster against sklearn.cluster.KMeans (lloyd), sklearn.metrics.pairwise_distances
and silhouette_score: the same labels, centres, inertia and iterations from the same start."""

import numpy as np
import pytest
import torch
from scipy.spatial.distance import cdist
from sklearn import metrics as skm
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from dlcore import cluster, data


def blobs(seed=0, n=3000, k=5, d=4, std=1.5):
    X, _ = make_blobs(n, centers=k, n_features=d, cluster_std=std, random_state=seed)
    return X


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("tol", [1e-4, 0.0])
def test_lloyd_from_the_same_start_equals_sklearn(seed, tol):
    X = blobs(seed, std=2.5)
    start = X[np.random.default_rng(seed).choice(len(X), 5, replace=False)]
    reference = KMeans(5, init=start, n_init=1, algorithm="lloyd", tol=tol, max_iter=300).fit(X)
    ours = cluster.kmeans(X, 5, init=start, tol=tol)
    np.testing.assert_array_equal(ours.labels.numpy(), reference.labels_)
    np.testing.assert_allclose(ours.centers.numpy(), reference.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.inertia == pytest.approx(reference.inertia_, rel=1e-10)
    assert ours.n_iter == reference.n_iter_


@pytest.mark.parametrize("seed", range(3))
def test_lloyd_from_given_centres_equals_sklearn_with_an_absolute_tolerance(seed):
    X = blobs(seed, std=2.5)
    start = X[np.random.default_rng(seed).choice(len(X), 5, replace=False)]
    reference = KMeans(5, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=300).fit(X)
    ours = cluster.lloyd(X, start, max_iter=300, tol=0.0)
    np.testing.assert_array_equal(ours.labels.numpy(), reference.labels_)
    np.testing.assert_allclose(ours.centers.numpy(), reference.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.n_iter == reference.n_iter_
    assert (ours.history.diff() <= 1e-9 * ours.history[0]).all()  # the inertia never increases
    assert ours.center_history.shape == (ours.n_iter + 1, 5, X.shape[1])


def test_lloyd_refuses_centres_that_do_not_fit_the_points():
    X = blobs(0, n=10, d=3)
    with pytest.raises(ValueError, match=r"centers must have shape \(k, d\) with d = 3 and k at most 10"):
        cluster.lloyd(X, X[:2, :2])
    with pytest.raises(ValueError, match="centers must have shape"):
        cluster.lloyd(X, np.vstack([X, X]))


@pytest.mark.parametrize("d", [4, 32])  # both ways of summing clusters: per-feature bincount and index_add_
def test_lloyd_equals_sklearn_when_the_distances_span_several_blocks(d):
    k = 64  # 2**18 // 64 = 4096 rows per block: 9000 points take three blocks
    X = blobs(d, n=9000, k=k, d=d, std=3.0)
    start = X[np.random.default_rng(d).choice(len(X), k, replace=False)]
    reference = KMeans(k, init=start, n_init=1, algorithm="lloyd", tol=0.0, max_iter=30).fit(X)
    ours = cluster.kmeans(X, k, init=start, tol=0.0, max_iter=30)
    np.testing.assert_array_equal(ours.labels.numpy(), reference.labels_)
    np.testing.assert_allclose(ours.centers.numpy(), reference.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.n_iter == reference.n_iter_


def test_max_iter_stops_where_sklearn_stops():
    X = blobs(1, std=3.0)
    start = X[:5]
    for max_iter in (1, 2, 3):
        reference = KMeans(5, init=start, n_init=1, algorithm="lloyd", max_iter=max_iter).fit(X)
        ours = cluster.kmeans(X, 5, init=start, max_iter=max_iter)
        np.testing.assert_array_equal(ours.labels.numpy(), reference.labels_)
        assert ours.inertia == pytest.approx(reference.inertia_, rel=1e-10) and ours.n_iter == reference.n_iter_


def test_an_empty_cluster_is_repaired_as_sklearn_does():
    X = np.r_[np.random.default_rng(0).normal(size=(200, 2)), np.random.default_rng(1).normal(size=(200, 2)) + 10]
    start = np.array([[0.0, 0.0], [10.0, 10.0], [100.0, 100.0]])  # the third centre owns nothing
    reference = KMeans(3, init=start, n_init=1, algorithm="lloyd", max_iter=1).fit(X)
    ours = cluster.kmeans(X, 3, init=start, max_iter=1)
    np.testing.assert_allclose(ours.centers.numpy(), reference.cluster_centers_, rtol=1e-12)
    assert (torch.bincount(ours.labels, minlength=3) > 0).all()


def test_inertia_never_increases_and_history_matches_the_centres():
    X = blobs(2, std=3.0)
    run = cluster.kmeans(X, 6, init="random", seed=4, tol=0.0)
    assert (run.history[1:] <= run.history[:-1] + 1e-9).all()
    assert run.center_history.shape == (run.n_iter + 1, 6, 4)
    for step in range(run.n_iter):
        _, squared = cluster.assign(X, run.center_history[step])
        assert squared.sum().item() == pytest.approx(run.history[step].item(), rel=1e-12)
    assert run.history[-1].item() == pytest.approx(run.inertia, rel=1e-12) or run.inertia <= run.history[-1].item()


@pytest.mark.parametrize("seed", range(3))
def test_kmeans_plus_plus_with_restarts_is_no_worse_than_sklearn_on_standard_blobs(seed):
    X = blobs(seed, n=4000, k=6, d=5, std=1.0)
    ours = cluster.kmeans(X, 6, n_init=10, seed=seed)
    reference = KMeans(6, n_init=10, random_state=seed).fit(X)
    assert ours.inertia <= reference.inertia_ * (1 + 1e-9)


def test_overlapping_blobs_land_within_a_thousandth_of_sklearn():
    X = blobs(2, n=4000, k=6, d=5, std=2.0)
    assert cluster.kmeans(X, 6, n_init=10).inertia <= KMeans(6, n_init=10, random_state=0).fit(X).inertia_ * 1.001


def test_kmeans_plus_plus_returns_distinct_points_and_is_seeded():
    X = torch.from_numpy(blobs(0, n=500))
    for trials in (1, None, 5):
        centers = cluster.kmeans_plus_plus(X, 7, seed=3, n_local_trials=trials)
        rows = [int((X == c).all(1).nonzero()[0]) for c in centers]
        assert len(set(rows)) == 7
    assert torch.equal(cluster.kmeans_plus_plus(X, 5, seed=1), cluster.kmeans_plus_plus(X, 5, seed=1))
    assert not torch.equal(cluster.kmeans_plus_plus(X, 5, seed=1), cluster.kmeans_plus_plus(X, 5, seed=2))


def test_kmeans_plus_plus_draws_by_d_squared():
    from dlcore.check.cluster import LINE, d2_pair_probabilities

    counts = torch.zeros(4, 4, dtype=torch.float64)
    for seed in range(3000):
        rows = [int((LINE == c).all(1).nonzero()[0]) for c in cluster.kmeans_plus_plus(LINE, 2, seed=seed)]
        counts[rows[0], rows[1]] += 1
    expected = d2_pair_probabilities(LINE) * 3000
    assert ((counts - expected).abs() < 5 * expected.sqrt() + 1).all()


def test_duplicate_points_and_k_equal_to_n():
    X = np.zeros((5, 2))
    run = cluster.kmeans(X, 2)
    assert run.inertia == 0.0
    Y = blobs(0, n=12)
    assert cluster.kmeans(Y, 12).inertia == pytest.approx(0.0, abs=1e-10)  # the distance trick rounds


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_pairwise_distances_equal_sklearn_and_scipy(metric):
    X, Y = blobs(0, n=300), blobs(1, n=200)
    ours = cluster.pairwise_distances(X, Y, metric).numpy()
    np.testing.assert_allclose(ours, skm.pairwise_distances(X, Y, metric=metric), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours, cdist(X, Y, {"manhattan": "cityblock"}.get(metric, metric)), rtol=1e-9, atol=1e-9)
    square = cluster.pairwise_distances(X, metric=metric).numpy()
    assert (np.diag(square) == 0).all()
    np.testing.assert_allclose(square, skm.pairwise_distances(X, metric=metric), rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("kind", ["blobs", "moons", "unequal sizes"])
def test_silhouette_equals_sklearn(kind):
    X, truth = data.cluster_shapes(kind, n_samples=400)
    for labels in (truth, cluster.kmeans(X, 4, n_init=3).labels):
        assert cluster.silhouette_score(X, labels) == pytest.approx(skm.silhouette_score(X.numpy(), labels.numpy()), abs=1e-10)
    singleton = truth.clone()
    singleton[0] = 9  # a cluster of one point scores 0, as in sklearn
    assert cluster.silhouette_score(X, singleton) == pytest.approx(skm.silhouette_score(X.numpy(), singleton.numpy()), abs=1e-10)


def test_float32_input_stays_float32():
    X = torch.from_numpy(blobs(0, n=400)).float()
    run = cluster.kmeans(X, 3)
    assert run.centers.dtype == torch.float32


def test_bad_input_is_named():
    X = blobs(0, n=20)
    with pytest.raises(ValueError, match="k must be at most the number of points \\(20\\), got 21"):
        cluster.kmeans(X, 21)
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        cluster.kmeans(X, 0)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        cluster.kmeans(X[:, 0], 2)
    with pytest.raises(ValueError, match="X must not be empty"):
        cluster.kmeans(np.zeros((0, 3)), 1)
    with pytest.raises(ValueError, match="X contains NaN or an infinite value"):
        cluster.kmeans(np.full((4, 2), np.nan), 2)
    with pytest.raises(TypeError, match="X must be a numeric array of points"):
        cluster.kmeans([["a", "b"]], 1)
    with pytest.raises(ValueError, match="init must be one of 'k-means\\+\\+', 'random'; got 'kmeans'"):
        cluster.kmeans(X, 2, init="kmeans")
    with pytest.raises(ValueError, match="init must have shape \\(k, d\\) = \\(3, 4\\), got \\(2, 4\\)"):
        cluster.kmeans(X, 3, init=X[:2])
    with pytest.raises(ValueError, match="n_init must be 1 when init gives the starting centres"):
        cluster.kmeans(X, 3, init=X[:3], n_init=2)
    with pytest.raises(ValueError, match="tol must be >= 0"):
        cluster.kmeans(X, 3, tol=-1)
    with pytest.raises(ValueError, match="metric must be one of"):
        cluster.pairwise_distances(X, metric="chebyshev")
    with pytest.raises(ValueError, match="X and Y must have the same number of columns, got 4 and 3"):
        cluster.pairwise_distances(X, X[:, :3])
    with pytest.raises(ValueError, match="the silhouette needs between 2 and n - 1 = 19 clusters, got 1"):
        cluster.silhouette_score(X, np.zeros(20, int))
    with pytest.raises(ValueError, match="labels must be 1-D with one label per point"):
        cluster.silhouette_score(X, np.zeros(5, int))


def test_repairing_an_empty_cluster_that_empties_its_donor_matches_scikit_learn():
    # Regression: the point moved to the empty cluster was its donor's only point, and the
    # donor's centre became 0 / 0 (NaN) with wrong labels after it.
    X = np.array([[0.0], [1.0], [10.0]])
    init = np.array([[0.5], [18.0], [1000.0]])
    ours = cluster.kmeans(X, 3, init=init)
    reference = KMeans(3, init=init, n_init=1, algorithm="lloyd").fit(X)
    assert torch.isfinite(ours.history).all() and torch.isfinite(ours.centers).all()
    # Which of two equally far points is moved first is a tie that each library breaks its
    # own way; the clustering reached is the same.
    np.testing.assert_allclose(np.sort(ours.centers.numpy(), axis=0), np.sort(reference.cluster_centers_, axis=0), atol=1e-12)
    assert len(set(ours.labels.tolist())) == 3
    assert ours.inertia == pytest.approx(reference.inertia_, abs=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_distances_on_offset_data_keep_scikit_learns_accuracy(dtype):
    # Regression: the float32 expansion ‖x‖² − 2x·y + ‖y‖² cancelled (2.83 instead of 3).
    X = torch.tensor([[1e4], [1e4 + 3.0]], dtype=dtype)
    D = cluster.pairwise_distances(X)
    assert D.dtype == dtype
    np.testing.assert_allclose(D.numpy(), skm.pairwise_distances(X.numpy()), rtol=1e-6)
    assert D[0, 1].item() == pytest.approx(3.0, rel=1e-6)


def test_distances_and_silhouette_of_huge_float32_points_do_not_overflow():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, (20, 2)), rng.normal(10, 1, (20, 2))]).astype(np.float32) * np.float32(1e19)
    labels = np.repeat([0, 1], 20)
    D = cluster.pairwise_distances(X)
    assert torch.isfinite(D).all()
    exact = X.astype(np.float64)  # scikit-learn's own float32 path overflows here too
    np.testing.assert_allclose(D.numpy(), cdist(exact, exact), rtol=1e-5)
    assert cluster.silhouette_score(X, labels) == pytest.approx(skm.silhouette_score(exact, labels), abs=1e-5)


def test_inputs_that_used_to_crash_work_as_scikit_learn_or_raise_clearly():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    leaf = torch.tensor(X, requires_grad=True)
    assert cluster.kmeans(leaf, 3, seed=1).inertia == pytest.approx(cluster.kmeans(X, 3, seed=1).inertia, rel=1e-12)
    letters = np.array(list("ab") * 15)
    assert cluster.silhouette_score(X, letters) == pytest.approx(skm.silhouette_score(X, letters), abs=1e-12)
    half = torch.tensor(X[:5], dtype=torch.float16)
    D = cluster.pairwise_distances(half, metric="manhattan")
    assert D.dtype == torch.float16
    np.testing.assert_allclose(D.float().numpy(), skm.pairwise_distances(half.float().numpy(), metric="manhattan"), rtol=1e-3)
    with pytest.raises(TypeError, match="X must hold real coordinates"):
        cluster.kmeans(X + 1j, 2)
    with pytest.raises(ValueError, match="seed must be below 2\\*\\*63"):
        cluster.kmeans(X, 2, seed=2**64)
    with pytest.raises(ValueError, match="device must name a torch device"):
        cluster.kmeans(X, 2, device="nonsense")
