"""Small data sets that need no download: the ones scikit-learn ships with itself.

Each loader returns a :class:`Split` of torch tensors — features standardised with
the training set's mean and standard deviation (never the test set's, which would
leak it into training), a stratified train/test split, fixed by ``seed``.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import torch
from sklearn import datasets
from sklearn.model_selection import train_test_split

from ._validation import as_count, as_fraction, as_labels, as_probabilities

__all__ = ["Split", "breast_cancer", "digits", "diabetes", "imbalanced", "long_tail", "k_folds", "CLUSTER_SHAPES",
           "cluster_shapes", "SequenceTask", "IGNORE", "sorting_sequences"]


class Split(NamedTuple):
    X_train: torch.Tensor
    X_test: torch.Tensor
    y_train: torch.Tensor
    y_test: torch.Tensor
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]


def _test_size(test_size) -> float:
    test_size = float(as_probabilities(test_size, "test_size"))
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie strictly between 0 and 1, got {test_size}")
    return test_size


def _split(X, y, feature_names, target_names, test_size, seed, *, stratify=True, standardize=True) -> Split:
    test_size = _test_size(test_size)
    seed = as_count(seed, "seed")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y if stratify else None
    )
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0  # a constant feature (a blank pixel) stays 0 instead of 0/0
    if not standardize:
        mean, std = np.zeros_like(mean), np.ones_like(std)
    target_dtype = torch.int64 if stratify else torch.float32
    return Split(
        torch.tensor((X_train - mean) / std, dtype=torch.float32),
        torch.tensor((X_test - mean) / std, dtype=torch.float32),
        torch.tensor(y_train, dtype=target_dtype),
        torch.tensor(y_test, dtype=target_dtype),
        tuple(feature_names),
        tuple(target_names),
    )


def breast_cancer(features: Sequence[str] | None = None, *, test_size: float = 0.5, seed: int = 0) -> Split:
    """Wisconsin diagnostic breast cancer: 569 tumours, 30 measurements each.

    The label is 1 for **malignant** (212 tumours, the positive class a screening
    test looks for) and 0 for benign — the reverse of scikit-learn's coding.
    ``features`` picks columns by name (default: all 30).
    """
    bunch = datasets.load_breast_cancer()
    names = list(bunch.feature_names)
    if features is None:
        features = names
    else:
        features = list(features)
        unknown = [f for f in features if f not in names]
        if unknown or not features:
            raise ValueError(f"features must be names of breast-cancer columns, unknown: {unknown or 'none given'}")
    columns = [names.index(f) for f in features]
    malignant = (bunch.target == 0).astype(np.int64)
    return _split(bunch.data[:, columns], malignant, features, ("benign", "malignant"), test_size, seed)


def digits(*, test_size: float = 0.5, seed: int = 0, tail_ratio: float = 1.0, standardize: bool = True) -> Split:
    """1,797 handwritten digits as 8×8 grey images flattened to 64 features; labels 0–9.

    Pixels are standardised with the training split's statistics unless ``standardize=False``,
    which keeps the raw grey levels 0–16 (what image augmentations must work on). ``tail_ratio`` < 1 makes the classes long-tailed (see :func:`long_tail`) before
    splitting, so training and test sets share the same imbalance.
    """
    bunch = datasets.load_digits()
    X, y = bunch.data, bunch.target
    if tail_ratio != 1.0:
        keep = long_tail(y, tail_ratio, seed=seed)
        X, y = X[keep], y[keep]
        if np.bincount(y).min() < 2:
            raise ValueError(f"tail_ratio={tail_ratio} leaves a class with fewer than 2 samples: too few to split")
    return _split(X, y, [f"pixel_{i}" for i in range(64)], [str(d) for d in range(10)], test_size, seed,
                  standardize=standardize)


def diabetes(*, test_size: float = 0.5, seed: int = 0) -> Split:
    """Disease progression one year on (a number, 25–346) from 10 baseline measurements of 442 patients."""
    bunch = datasets.load_diabetes(scaled=False)
    return _split(bunch.data, bunch.target, bunch.feature_names, ("progression",), test_size, seed, stratify=False)


def imbalanced(n_samples: int = 20_000, *, positive_fraction: float = 0.01, n_features: int = 20,
               class_sep: float = 1.0, test_size: float = 0.5, seed: int = 0) -> Split:
    """A synthetic binary problem with rare positives (label 1), from
    :func:`sklearn.datasets.make_classification`: Gaussian clusters per class, half of
    the features informative, no label noise."""
    n_samples = as_count(n_samples, "n_samples", minimum=4)
    n_features = as_count(n_features, "n_features", minimum=2)
    fraction = as_fraction(positive_fraction, "positive_fraction", "()")
    test_size = _test_size(test_size)
    if round(n_samples * fraction * min(test_size, 1 - test_size)) < 1:
        raise ValueError(f"n_samples={n_samples} at positive_fraction={fraction} and test_size={test_size} "
                         "leaves a split without positives")
    X, y = datasets.make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=max(2, n_features // 2),
        n_redundant=0, n_clusters_per_class=1, weights=[1 - fraction], flip_y=0.0, class_sep=class_sep,
        random_state=as_count(seed, "seed"),
    )
    return _split(X, y, [f"x{i}" for i in range(n_features)], ("negative", "positive"), test_size, seed)


def k_folds(n: int, k: int = 5, *, seed: int | None = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``k`` (training indices, validation indices) pairs of k-fold cross-validation on
    ``n`` samples: every sample is validated on exactly once, by a model that never saw it.

    The samples are shuffled with ``seed`` first (``seed=None`` keeps their order, as
    ``sklearn.model_selection.KFold(k)`` does); the folds' sizes differ by at most one.
    """
    n, k = as_count(n, "n", minimum=2), as_count(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k must be at most n ({n}), got {k}")
    order = np.arange(n) if seed is None else np.random.default_rng(as_count(seed, "seed")).permutation(n)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), fold) for i, fold in enumerate(folds)]


def long_tail(labels, tail_ratio: float, *, seed: int = 0) -> np.ndarray:
    """Indices that subsample classes 0, 1, …, K−1 geometrically, from all of class 0
    down to a share ``tail_ratio`` of class K−1: the long tail real data sets have."""
    labels = as_labels(labels, "labels")
    tail_ratio = float(as_probabilities(tail_ratio, "tail_ratio"))
    if tail_ratio == 0:
        raise ValueError("tail_ratio must be > 0 (0 would drop the last class entirely)")
    classes = np.unique(labels)
    rng = np.random.default_rng(as_count(seed, "seed"))
    keep = []
    for rank, label in enumerate(classes):
        members = np.flatnonzero(labels == label)
        share = tail_ratio ** (rank / max(1, classes.size - 1))
        keep.append(rng.choice(members, size=max(1, round(share * members.size)), replace=False))
    return np.sort(np.concatenate(keep))


#: The point clouds of chapter 8, from the scikit-learn gallery's "k-means assumptions".
CLUSTER_SHAPES = ("blobs", "anisotropic", "unequal variance", "unequal sizes", "unequal scales", "moons")


def cluster_shapes(kind: str = "blobs", n_samples: int = 600, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """2-D points (float64) and their true groups (int64), in one of :data:`CLUSTER_SHAPES`.

    Three round blobs suit k-means; the others each break one of its assumptions:
    sheared (anisotropic) blobs, blobs of very different spreads or sizes, a feature
    measured in units 10 times larger, and two interleaved half-moons.
    """
    if kind not in CLUSTER_SHAPES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, CLUSTER_SHAPES))}; got {kind!r}")
    n_samples = as_count(n_samples, "n_samples", minimum=6)
    seed = as_count(seed, "seed")
    if kind == "moons":
        X, y = datasets.make_moons(n_samples, noise=0.06, random_state=seed)
    elif kind == "unequal variance":
        X, y = datasets.make_blobs(n_samples, centers=[[-4, 0], [1, 0], [3.5, 3]], cluster_std=[2.2, 0.4, 0.6], random_state=seed)
    elif kind == "unequal sizes":
        sizes = [int(n_samples * 0.8), n_samples // 10, n_samples - int(n_samples * 0.8) - n_samples // 10]
        X, y = datasets.make_blobs(sizes, centers=[[-2, 0], [2.5, 2.5], [2.5, -2.5]], cluster_std=1.2, random_state=seed)
    elif kind == "unequal scales":  # groups apart along y; x is pure noise, in units 10 times larger
        X, y = datasets.make_blobs(n_samples, centers=[[0, -4], [0, 0], [0, 4]], cluster_std=1.0, random_state=seed)
        X[:, 0] *= 10
    else:
        X, y = datasets.make_blobs(n_samples, centers=[[-5, -2], [0, 3], [5, -1]], cluster_std=1.0, random_state=seed)
        if kind == "anisotropic":
            X = X @ np.array([[0.6, -0.64], [-0.41, 0.85]]) * 2.0
    return torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.int64)


class SequenceTask(NamedTuple):
    tokens: torch.Tensor   #: (n, 2·length) int64: the sequence, a separator, the answer so far (teacher forcing)
    targets: torch.Tensor  #: (n, 2·length) int64: the next answer token, or ``IGNORE`` where nothing is asked


#: The target that ``F.cross_entropy`` skips by default (its ``ignore_index``).
IGNORE = -100


def sorting_sequences(n: int, length: int = 6, vocab: int = 10, *, seed: int = 0) -> SequenceTask:
    """``n`` random sequences of ``length`` digits from ``0 … vocab − 1``, to be sorted by a causal model.

    The model reads ``x_1 … x_L, SEP, y_1 … y_{L−1}`` (``SEP`` is token ``vocab``, so the
    model needs ``vocab + 1`` embeddings) and must predict ``y_1 … y_L``, the sorted digits,
    at the positions from ``SEP`` on; earlier positions have target :data:`IGNORE`. To
    answer, a model has to remember the whole sequence and count: a test of memory that a
    Transformer meets with attention and a recurrent network with its state.
    """
    n, length = as_count(n, "n", minimum=1), as_count(length, "length", minimum=1)
    vocab, seed = as_count(vocab, "vocab", minimum=2), as_count(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    digits = torch.randint(0, vocab, (n, length), generator=generator)
    answer = digits.sort(dim=1).values
    tokens = torch.cat([digits, torch.full((n, 1), vocab), answer[:, :-1]], dim=1)
    targets = torch.cat([torch.full((n, length), IGNORE), answer], dim=1)
    return SequenceTask(tokens, targets)
