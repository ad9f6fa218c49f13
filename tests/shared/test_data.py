"""dlcore.data: the bundled data sets, split and standardised without leaking the test set."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcore import data


def test_breast_cancer_codes_malignant_as_positive_and_standardises_on_train_only():
    split = data.breast_cancer()
    assert split.X_train.shape[1] == 30 and split.X_train.dtype == torch.float32
    assert int(split.y_train.sum() + split.y_test.sum()) == 212  # malignant tumours
    assert split.target_names == ("benign", "malignant")
    torch.testing.assert_close(split.X_train.mean(0), torch.zeros(30), atol=1e-5, rtol=0)
    torch.testing.assert_close(split.X_train.std(0, unbiased=False), torch.ones(30), atol=1e-4, rtol=0)
    assert split.X_test.mean(0).abs().max() > 1e-3  # the test set was not standardised on itself


def test_split_is_stratified_and_fixed_by_the_seed():
    a, b = data.breast_cancer(seed=3), data.breast_cancer(seed=3)
    torch.testing.assert_close(a.X_test, b.X_test)
    assert abs(a.y_train.float().mean() - a.y_test.float().mean()) < 0.01
    assert not torch.equal(a.X_test, data.breast_cancer(seed=4).X_test)


def test_feature_subset_by_name():
    split = data.breast_cancer(["mean texture", "mean symmetry"])
    assert split.X_train.shape[1] == 2 and split.feature_names == ("mean texture", "mean symmetry")
    with pytest.raises(ValueError, match="unknown: \\['mean colour'\\]"):
        data.breast_cancer(["mean colour"])


def test_digits_and_its_long_tail():
    balanced = data.digits()
    assert balanced.X_train.shape[1] == 64 and set(balanced.y_train.tolist()) == set(range(10))
    tailed = data.digits(tail_ratio=0.1)
    counts = np.bincount(torch.cat([tailed.y_train, tailed.y_test]).numpy())
    assert counts[0] == 178 and 15 <= counts[9] <= 20
    assert (np.diff(counts) < 5).all()  # decreasing, up to the classes' own small differences


def test_long_tail_validates_and_keeps_every_class():
    labels = np.repeat(np.arange(3), 100)
    keep = data.long_tail(labels, 0.25)
    assert np.bincount(labels[keep]).tolist() == [100, 50, 25]
    with pytest.raises(ValueError, match="tail_ratio must be > 0"):
        data.long_tail(labels, 0.0)
    with pytest.raises(ValueError, match=r"tail_ratio must lie in \[0, 1\]"):
        data.long_tail(labels, 2.0)


def test_diabetes_is_a_regression_split():
    split = data.diabetes()
    assert split.X_train.shape == (221, 10) and split.y_train.dtype == torch.float32
    assert 25 <= float(split.y_train.min()) and float(split.y_train.max()) <= 346


@pytest.mark.parametrize("kwargs, message", [
    (dict(test_size=1.0), "strictly between 0 and 1"),
    (dict(test_size=-0.1), r"test_size must lie in \[0, 1\]"),
    (dict(seed=-1), "seed must be >= 0"),
    (dict(seed=1.5), "seed must be an integer"),
])
def test_bad_split_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        data.breast_cancer(**kwargs)


def test_imbalanced_has_the_asked_share_of_positives_in_both_splits():
    split = data.imbalanced(4000, positive_fraction=0.02, n_features=6, seed=1)
    assert split.X_train.shape == (2000, 6) and split.y_train.dtype == torch.int64
    assert split.y_train.float().mean().item() == pytest.approx(0.02, abs=0.002)
    assert split.y_test.float().mean().item() == pytest.approx(0.02, abs=0.002)
    with pytest.raises(ValueError, match=r"positive_fraction must lie in \(0, 1\)"):
        data.imbalanced(100, positive_fraction=0.0)
    with pytest.raises(ValueError, match="leaves a split without positives"):
        data.imbalanced(100, positive_fraction=0.001)


def test_cluster_shapes():
    for kind in data.CLUSTER_SHAPES:
        X, y = data.cluster_shapes(kind, n_samples=120, seed=2)
        assert X.shape == (120, 2) and X.dtype == torch.float64 and y.shape == (120,)
        assert set(y.tolist()) == set(range(int(y.max()) + 1))
    with pytest.raises(ValueError, match="kind must be one of"):
        data.cluster_shapes("spirals")


def test_raw_digits_are_the_same_split_before_standardisation():
    raw, standard = data.digits(standardize=False), data.digits()
    assert raw.X_train.min() == 0 and raw.X_train.max() == 16
    assert torch.equal(raw.y_train, standard.y_train)
    mean, std = raw.X_train.mean(0), raw.X_train.std(0, unbiased=False)
    std[std == 0] = 1
    torch.testing.assert_close((raw.X_test - mean) / std, standard.X_test, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("n, k", [(10, 2), (23, 5), (7, 7), (100, 10)])
def test_k_folds_in_order_equal_scikit_learns_kfold(n, k):
    from sklearn.model_selection import KFold

    for (train_ours, val_ours), (train_sk, val_sk) in zip(data.k_folds(n, k, seed=None), KFold(k).split(np.zeros(n))):
        assert np.array_equal(train_ours, train_sk) and np.array_equal(val_ours, val_sk)


@given(st.integers(2, 200), st.integers(2, 12), st.integers(0, 10))
def test_k_folds_validate_every_sample_once_on_a_model_that_never_saw_it(n, k, seed):
    k = min(k, n)
    folds = data.k_folds(n, k, seed=seed)
    validated = np.concatenate([val for _, val in folds])
    assert len(folds) == k and np.array_equal(np.sort(validated), np.arange(n))
    assert all(np.intersect1d(train, val).size == 0 and train.size + val.size == n for train, val in folds)
    sizes = [val.size for _, val in folds]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("n, k, error, message", [
    (5, 6, ValueError, "k must be at most n"), (5, 1, ValueError, "k must be >= 2"), (1, 2, ValueError, "n must be >= 2"),
    (5.0, 2, TypeError, "n must be an integer"),
])
def test_k_folds_refuse_bad_input(n, k, error, message):
    with pytest.raises(error, match=message):
        data.k_folds(n, k)


def test_sorting_sequences_ask_for_the_sorted_digits_after_the_separator():
    task = data.sorting_sequences(50, 5, 7, seed=3)
    assert task.tokens.shape == task.targets.shape == (50, 10) and task.tokens.dtype == torch.int64
    digits = task.tokens[:, :5]
    assert (task.tokens[:, 5] == 7).all() and ((digits >= 0) & (digits < 7)).all()
    assert (task.targets[:, :5] == data.IGNORE).all()
    assert torch.equal(task.targets[:, 5:], digits.sort(dim=1).values)
    assert torch.equal(task.tokens[:, 6:], task.targets[:, 5:9])  # teacher forcing: the answer so far, shifted by one
    assert torch.equal(data.sorting_sequences(50, 5, 7, seed=3).tokens, task.tokens)
    assert not torch.equal(data.sorting_sequences(50, 5, 7, seed=4).tokens, task.tokens)
    with pytest.raises(ValueError, match="vocab"):
        data.sorting_sequences(5, 3, 1)
