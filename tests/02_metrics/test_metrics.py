"""dlcore.metrics against sklearn.metrics: random inputs, ties, edges and bad input."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn import metrics as sk

from dlcore import metrics
from dlcore.metrics import operating_point

EXACT = dict(rtol=1e-12, atol=1e-12)


@st.composite
def binary_problems(draw, max_size=60):
    """Labels with both classes and scores drawn from a few values, so ties are common."""
    n = draw(st.integers(2, max_size))
    labels = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    labels[:2] = [0, 1]
    levels = draw(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=8))
    scores = np.array(draw(st.lists(st.sampled_from(levels), min_size=n, max_size=n)))
    return labels, scores


@st.composite
def label_pairs(draw, max_classes=5, max_size=60):
    n = draw(st.integers(1, max_size))
    k = draw(st.integers(1, max_classes))
    label = st.integers(0, k - 1)
    return (np.array(draw(st.lists(label, min_size=n, max_size=n))),
            np.array(draw(st.lists(label, min_size=n, max_size=n))))


def random_problem(seed, n=500, ties=True):
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.r_[0, 1, rng.integers(0, 2, n - 2)])
    scores = rng.normal(size=n) + labels
    return labels, np.round(scores, 1) if ties else scores


# -- ROC, AUC, PR and AP: equal to scikit-learn, ties included -----------------------------


CURVES_AND_AREAS = [
    (metrics.roc_curve, sk.roc_curve, metrics.roc_auc, sk.roc_auc_score),
    (metrics.precision_recall_curve, sk.precision_recall_curve, metrics.average_precision, sk.average_precision_score),
]


@pytest.mark.parametrize("curve, sk_curve, area, sk_area", CURVES_AND_AREAS, ids=["roc", "pr"])
@given(problem=binary_problems())
def test_curves_and_areas_equal_sklearn(curve, sk_curve, area, sk_area, problem):
    labels, scores = problem
    for ours, theirs in zip(curve(labels, scores), sk_curve(labels, scores)):
        np.testing.assert_allclose(ours, theirs, **EXACT)
    assert area(labels, scores) == pytest.approx(sk_area(labels, scores), abs=1e-12)


@given(binary_problems())
def test_the_three_auc_computations_agree(problem):
    labels, scores = problem
    expected = sk.roc_auc_score(labels, scores)
    assert metrics.roc_auc_pairs(labels, scores) == pytest.approx(expected, abs=1e-12)
    assert metrics.roc_auc_ranks(torch.tensor(labels), torch.tensor(scores)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_larger_problems_equal_sklearn(seed, ties):
    labels, scores = random_problem(seed, n=20_000, ties=ties)
    assert metrics.roc_auc(labels, scores) == pytest.approx(sk.roc_auc_score(labels, scores), abs=1e-12)
    assert metrics.average_precision(labels, scores) == pytest.approx(sk.average_precision_score(labels, scores), abs=1e-12)
    assert metrics.roc_auc_pairs(labels, scores, chunk_size=10_000) == pytest.approx(sk.roc_auc_score(labels, scores), abs=1e-12)
    float32 = torch.tensor(scores, dtype=torch.float32)
    assert metrics.roc_auc_ranks(torch.tensor(labels), float32) == pytest.approx(sk.roc_auc_score(labels, float32.numpy()), abs=1e-12)


def test_roc_curve_without_dropping_keeps_every_threshold():
    labels, scores = random_problem(1, n=300)
    ours = metrics.roc_curve(labels, scores, drop_intermediate=False)
    theirs = sk.roc_curve(labels, scores, drop_intermediate=False)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **EXACT)
    assert ours.thresholds.size == np.unique(scores).size + 1
    assert ours.thresholds[0] == np.inf


@pytest.mark.parametrize("labels, pos_label", [
    (["cat", "dog", "dog", "cat", "dog"], "dog"),
    ([-1, 1, 1, -1, 1], 1),
    ([False, True, True, False, True], True),
    ([2, 7, 7, 2, 7], 7),
])
def test_label_kinds_and_pos_label(labels, pos_label):
    scores = [0.1, 0.8, 0.3, 0.3, 0.6]
    assert metrics.roc_auc(labels, scores) == pytest.approx(sk.roc_auc_score(labels, scores), abs=1e-12)
    for ours, theirs in zip(metrics.roc_curve(labels, scores, pos_label=pos_label), sk.roc_curve(labels, scores, pos_label=pos_label)):
        np.testing.assert_allclose(ours, theirs, **EXACT)
    ap = sk.average_precision_score(labels, scores, pos_label=pos_label)
    assert metrics.average_precision(labels, scores, pos_label=pos_label) == pytest.approx(ap, abs=1e-12)


def test_the_other_label_as_positive_flips_the_auc():
    labels, scores = random_problem(2, n=200)
    assert metrics.roc_auc(labels, scores, pos_label=0) == pytest.approx(1 - metrics.roc_auc(labels, scores), abs=1e-12)


@pytest.mark.parametrize("labels, scores, expected", [
    ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75),
    ([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3], 0.5),   # every score tied: a coin flip
    ([0, 1], [0.2, 0.9], 1.0),
    ([0, 1], [0.9, 0.2], 0.0),
    ([0, 1], [1e300, 1e300], 0.5),
    ([1, 0, 0], [-1e-300, 0.0, -1e-300], 0.25),  # a tie with one negative, below the other
])
def test_auc_edge_values(labels, scores, expected):
    assert metrics.roc_auc(labels, scores) == expected
    assert metrics.roc_auc_pairs(labels, scores) == expected
    assert metrics.roc_auc_ranks(torch.tensor(labels), torch.tensor(scores, dtype=torch.float64)) == expected


def test_auc_ranks_is_exact_on_huge_rank_sums():
    # n_+ n_- ~ 2.5e11 pairs; the doubled-rank sum is an exact integer
    n = 10**6
    labels = torch.arange(n) % 2
    scores = torch.arange(n, dtype=torch.float32)  # positives sit one rank above their negative
    assert metrics.roc_auc_ranks(labels, scores) == pytest.approx(0.5 + 0.5 / (n // 2), abs=1e-15)


@pytest.mark.parametrize("prevalence", [0.01, 0.2, 0.5, 0.9])
def test_pr_curve_at_another_prevalence_equals_sklearn_with_sample_weights(prevalence):
    labels, scores = random_problem(3, n=400)
    n_pos = labels.sum()
    weights = np.where(labels == 1, prevalence / n_pos, (1 - prevalence) / (labels.size - n_pos))
    ours = metrics.precision_recall_curve(labels, scores, prevalence=prevalence)
    for a, b in zip(ours, sk.precision_recall_curve(labels, scores, sample_weight=weights)):
        np.testing.assert_allclose(a, b, **EXACT)
    ap = sk.average_precision_score(labels, scores, sample_weight=weights)
    assert metrics.average_precision(labels, scores, prevalence=prevalence) == pytest.approx(ap, abs=1e-12)


def test_prevalence_moves_precision_and_leaves_recall_alone():
    labels, scores = random_problem(4, n=400)
    rare = metrics.precision_recall_curve(labels, scores, prevalence=0.01)
    common = metrics.precision_recall_curve(labels, scores, prevalence=0.5)
    np.testing.assert_array_equal(rare.recall, common.recall)
    assert (rare.precision[:-1] <= common.precision[:-1]).all()
    assert metrics.average_precision(labels, scores, prevalence=0.01) < metrics.average_precision(labels, scores, prevalence=0.5)


@given(binary_problems())
def test_curve_properties(problem):
    labels, scores = problem
    fpr, tpr, thresholds = metrics.roc_curve(labels, scores)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert (np.diff(fpr) >= 0).all() and (np.diff(tpr) >= 0).all() and (np.diff(thresholds) < 0).all()
    precision, recall, _ = metrics.precision_recall_curve(labels, scores)
    assert ((0 <= precision) & (precision <= 1)).all() and (np.diff(recall) <= 0).all()
    assert 0 <= metrics.roc_auc(labels, scores) <= 1 and 0 <= metrics.average_precision(labels, scores) <= 1


@given(binary_problems())
def test_auc_is_invariant_to_monotone_transforms_and_flips_with_the_labels(problem):
    labels, scores = problem
    auc = metrics.roc_auc(labels, scores)
    assert metrics.roc_auc(labels, 4 * scores) == pytest.approx(auc, abs=1e-12)  # exact: a power of two
    assert metrics.roc_auc(labels, np.cbrt(scores)) == pytest.approx(auc, abs=1e-12)
    assert metrics.roc_auc(1 - labels, scores) == pytest.approx(1 - auc, abs=1e-12)
    assert metrics.roc_auc(labels, -scores) == pytest.approx(1 - auc, abs=1e-12)


# -- confusion matrix, accuracy, precision, recall, F ---------------------------------------


@pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")
@given(label_pairs())
def test_confusion_matrix_and_accuracy_equal_sklearn(pair):
    y_true, y_pred = pair
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), sk.confusion_matrix(y_true, y_pred))
    for normalize in ("true", "pred", "all"):
        np.testing.assert_allclose(
            metrics.confusion_matrix(y_true, y_pred, normalize=normalize),
            sk.confusion_matrix(y_true, y_pred, normalize=normalize), **EXACT,
        )
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=1e-15)
    assert metrics.accuracy(y_true, y_pred, normalize=False) == sk.accuracy_score(y_true, y_pred, normalize=False)


def test_confusion_matrix_with_chosen_labels_and_strings():
    y_true = ["cat", "dog", "bird", "dog", "cat", "fish"]
    y_pred = ["dog", "dog", "bird", "cat", "cat", "bird"]
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), sk.confusion_matrix(y_true, y_pred))
    labels = ["dog", "cat", "bird"]  # unsorted, and "fish" left out
    np.testing.assert_array_equal(
        metrics.confusion_matrix(y_true, y_pred, labels=labels), sk.confusion_matrix(y_true, y_pred, labels=labels)
    )


def test_binary_confusion_matrix_layout():
    assert metrics.confusion_matrix([0, 0, 0, 1, 1], [0, 1, 1, 0, 1]).tolist() == [[1, 2], [1, 1]]  # [[TN, FP], [FN, TP]]


@given(label_pairs(), st.sampled_from(["micro", "macro", "weighted", None]), st.sampled_from([0.5, 1.0, 2.0]), st.sampled_from([0, 1]))
def test_precision_recall_fscore_equal_sklearn(pair, average, beta, zero_division):
    y_true, y_pred = pair
    ours = metrics.precision_recall_fscore(y_true, y_pred, beta=beta, average=average, zero_division=zero_division)
    theirs = sk.precision_recall_fscore_support(y_true, y_pred, beta=beta, average=average, zero_division=zero_division)
    for a, b in zip(ours[:3], theirs[:3]):
        np.testing.assert_allclose(a, b, **EXACT)
    if average is None:
        np.testing.assert_array_equal(ours.support, theirs[3])


@given(label_pairs(max_classes=2), st.sampled_from([0, 1]))
def test_binary_scores_equal_sklearn(pair, zero_division):
    y_true, y_pred = pair
    kwargs = dict(zero_division=zero_division)
    for ours, theirs in [
        (metrics.precision, sk.precision_score), (metrics.recall, sk.recall_score), (metrics.f1_score, sk.f1_score)
    ]:
        assert ours(y_true, y_pred, **kwargs) == pytest.approx(theirs(y_true, y_pred, **kwargs), abs=1e-12)
    beta = metrics.fbeta_score(y_true, y_pred, beta=2.0, **kwargs)
    assert beta == pytest.approx(sk.fbeta_score(y_true, y_pred, beta=2.0, **kwargs), abs=1e-12)


@given(label_pairs())
def test_micro_f1_is_accuracy_for_single_label_problems(pair):
    y_true, y_pred = pair
    assert metrics.f1_score(y_true, y_pred, average="micro") == pytest.approx(metrics.accuracy(y_true, y_pred), abs=1e-12)


def test_string_labels_and_pos_label():
    y_true = ["spam", "ham", "spam", "spam", "ham"]
    y_pred = ["spam", "spam", "ham", "spam", "ham"]
    assert metrics.precision(y_true, y_pred, pos_label="spam") == sk.precision_score(y_true, y_pred, pos_label="spam")
    assert metrics.recall(y_true, y_pred, pos_label="ham") == sk.recall_score(y_true, y_pred, pos_label="ham")


def test_zero_division_warns_and_gives_zero_like_sklearn():
    with pytest.warns(metrics.UndefinedMetricWarning, match="precision is ill-defined"):
        assert metrics.precision([0, 1, 1], [0, 0, 0]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert metrics.precision([0, 1, 1], [0, 0, 0], zero_division=1) == 1.0


def test_one_class_only_in_binary_scores_is_not_an_error():
    # All negative and all predicted negative: nothing to find and nothing found.
    assert metrics.recall([0, 0, 0], [0, 0, 0], zero_division=1) == 1.0
    assert metrics.accuracy([0, 0, 0], [0, 0, 0]) == 1.0


def test_only_the_requested_score_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert metrics.recall([0, 1, 1], [0, 0, 0]) == 0.0  # precision is 0/0 here, but was not asked for


def test_the_always_negative_classifier_on_rare_positives():
    y_true = np.r_[np.ones(10, int), np.zeros(990, int)]
    always_negative = np.zeros(1000, int)
    assert metrics.accuracy(y_true, always_negative) == 0.99
    assert metrics.recall(y_true, always_negative) == 0.0
    assert metrics.f1_score(y_true, always_negative, zero_division=0) == 0.0


# -- regression -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(50,), (40, 3)])
def test_regression_metrics_equal_sklearn(shape):
    rng = np.random.default_rng(5)
    y, y_hat = rng.normal(size=shape), rng.normal(size=shape)
    for ours, theirs in [
        (metrics.mean_squared_error, sk.mean_squared_error),
        (metrics.mean_absolute_error, sk.mean_absolute_error),
        (metrics.root_mean_squared_error, sk.root_mean_squared_error),
        (metrics.r2_score, sk.r2_score),
    ]:
        assert ours(y, y_hat) == pytest.approx(theirs(y, y_hat), abs=1e-12)
        assert ours(y, y) == pytest.approx(theirs(y, y), abs=1e-12)


def test_r2_of_the_mean_is_zero_and_of_a_constant_target_is_forced_finite():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    assert metrics.r2_score(y, np.full(4, y.mean())) == pytest.approx(0.0, abs=1e-15)
    assert metrics.r2_score(y, y[::-1]) < 0  # worse than the mean
    assert metrics.r2_score([2.0, 2.0], [2.0, 2.0]) == sk.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert metrics.r2_score([2.0, 2.0], [1.0, 2.0]) == sk.r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


def test_an_outlier_moves_mse_far_more_than_mae():
    y = np.zeros(100)
    y_hat = np.full(100, 0.1)
    y_hat_outlier = y_hat.copy()
    y_hat_outlier[0] = 10.0
    mse_growth = metrics.mean_squared_error(y, y_hat_outlier) / metrics.mean_squared_error(y, y_hat)
    mae_growth = metrics.mean_absolute_error(y, y_hat_outlier) / metrics.mean_absolute_error(y, y_hat)
    assert mse_growth > 50 * mae_growth


# -- bad input gets a clear error -----------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: metrics.roc_auc([1, 1, 1], [0.1, 0.2, 0.3]), ValueError, "y_true holds one class only"),
    (lambda: metrics.average_precision([0, 0], [0.1, 0.2]), ValueError, "y_true holds one class only"),
    (lambda: metrics.roc_auc([0, 1, 2], [0.1, 0.2, 0.3]), ValueError, "y_true must hold two classes, got 3"),
    (lambda: metrics.roc_auc([0, 1, 1], [0.1, 0.2]), ValueError, "y_true and y_score must have the same length"),
    (lambda: metrics.roc_auc([0, 1], [0.1, np.nan]), ValueError, "y_score contains NaN"),
    (lambda: metrics.roc_auc([0, 1], [0.1, np.inf]), ValueError, "y_score contains an infinite value"),
    (lambda: metrics.roc_auc([], []), ValueError, "y_true must not be empty"),
    (lambda: metrics.roc_auc([[0, 1]], [[0.1, 0.2]]), ValueError, r"y_true must be 1-dimensional, got shape \(1, 2\)"),
    (lambda: metrics.roc_auc([0.0, 0.7], [0.1, 0.2]), ValueError, "y_true must hold class labels, got the non-integer value 0.7"),
    (lambda: metrics.roc_auc([0, 1], "ab"), TypeError, "y_score must be numeric"),
    (lambda: metrics.roc_curve([0, 1], [0.1, 0.2], pos_label=2), ValueError, r"pos_label=2 is not one of the labels"),
    (lambda: metrics.precision_recall_curve([0, 1], [0.1, 0.2], prevalence=1.5), ValueError, r"prevalence must lie in \[0, 1\]"),
    (lambda: metrics.precision_recall_curve([0, 1], [0.1, 0.2], prevalence=0.0), ValueError, "strictly between 0 and 1"),
    (lambda: metrics.precision([0, 1, 2], [0, 1, 1]), ValueError, "average='binary' needs two classes"),
    (lambda: metrics.precision([0, 2], [0, 2]), ValueError, r"pos_label=1 is not one of the labels \[0, 2\]"),
    (lambda: metrics.precision([0, 1], [0, 1], average="mean"), ValueError, "average must be one of"),
    (lambda: metrics.precision([0, 1], [0, 1], zero_division=0.5), ValueError, "zero_division must be"),
    (lambda: metrics.fbeta_score([0, 1], [0, 1], beta=-1), ValueError, "beta must be >= 0"),
    (lambda: metrics.accuracy([0, 1], [0, 1, 1]), ValueError, "y_true and y_pred must have the same length: y_true has 2 and y_pred has 3"),
    (lambda: metrics.accuracy([0, 1], ["a", "b"]), TypeError, "same kind of label"),
    (lambda: metrics.accuracy([0, 1], [None, 1]), TypeError, "y_pred must hold integer, boolean or string labels"),
    (lambda: metrics.accuracy("01", [0, 1]), TypeError, "y_true must be an array-like of labels"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], normalize="rows"), ValueError, "normalize must be one of"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], labels=[5, 6]), ValueError, "at least one label that occurs in y_true"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], labels=[1, 1]), ValueError, "labels must not repeat"),
    (lambda: metrics.mean_squared_error([1.0, 2.0], [1.0]), ValueError, r"y_pred must have the shape of y_true \(2,\)"),
    (lambda: metrics.r2_score([1.0], [1.0]), ValueError, "at least two samples"),
    (lambda: metrics.mean_absolute_error([1.0, np.nan], [1.0, 2.0]), ValueError, "y_true contains NaN"),
    (lambda: metrics.roc_auc_ranks(torch.tensor([0, 1]), torch.tensor([1, 2])), TypeError, "y_score must be a floating-point tensor"),
    (lambda: metrics.roc_auc_ranks(torch.tensor([0, 2]), torch.tensor([1.0, 2.0])), ValueError, "0/1 or boolean"),
    (lambda: metrics.roc_auc_ranks(torch.tensor([1, 1]), torch.tensor([1.0, 2.0])), ValueError, "one class only"),
    (lambda: metrics.roc_auc_ranks(torch.tensor([0, 1]), torch.tensor([1.0, float("nan")])), ValueError, "NaN"),
    (lambda: metrics.roc_auc_ranks(torch.zeros(2, 2), torch.zeros(2, 2)), ValueError, "1-dimensional"),
])
def test_bad_input_is_refused_with_a_message_naming_it(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_labels_may_come_as_tensors_and_whole_floats():
    y_true, y_pred = torch.tensor([0, 1, 1, 0]), np.array([0.0, 1.0, 0.0, 0.0])
    assert metrics.accuracy(y_true, y_pred) == 0.75
    assert metrics.roc_auc(torch.tensor([0, 1]), np.array([0.2, 0.4])) == 1.0


# ------------------------------------------------------------------ calibration -----

def _ece_loop(y, prob, n_bins):
    """The definition, one bin at a time (bins (k/n, (k+1)/n], the first closed at 0)."""
    confidence, predicted = prob.max(1), prob.argmax(1)
    total = 0.0
    for k in range(n_bins):
        low, high = k / n_bins, (k + 1) / n_bins
        inside = (confidence >= low) & (confidence < high) if k < n_bins - 1 else (confidence >= low)
        if inside.any():
            total += inside.sum() * abs((predicted[inside] == y[inside]).mean() - confidence[inside].mean())
    return total / len(y)


@pytest.mark.parametrize("seed, n_bins", [(0, 10), (1, 15), (2, 1), (3, 100)])
def test_expected_calibration_error_equals_the_definition(seed, n_bins):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(500, 4)) * 3
    prob = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    y = rng.integers(0, 4, 500)
    assert metrics.expected_calibration_error(y, prob, n_bins=n_bins) == pytest.approx(_ece_loop(y, prob, n_bins), abs=1e-12)


def test_a_calibrated_model_has_small_ece_and_an_overconfident_one_large():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.5, 1.0, 100_000)
    y_calibrated = (rng.uniform(size=p.size) < p).astype(int)  # the predicted class 1 is right with probability p
    prob = np.stack([1 - p, p], 1)
    assert metrics.expected_calibration_error(y_calibrated, prob) < 0.01
    y_coin = rng.integers(0, 2, p.size)
    assert metrics.expected_calibration_error(y_coin, prob) == pytest.approx(0.25, abs=0.01)


@pytest.mark.parametrize("y, prob, message", [
    ([0, 1], [[0.5, 0.5], [0.2, 0.7]], "rows must sum to 1"),
    ([0, 2], [[0.5, 0.5], [0.3, 0.7]], r"class indices in \[0, 1\]"),
    ([0], [[0.5, 0.5], [0.3, 0.7]], "same length"),
    ([0, 1], [0.5, 0.5], "2-dimensional"),
])
def test_expected_calibration_error_refuses_bad_input(y, prob, message):
    with pytest.raises(ValueError, match=message):
        metrics.expected_calibration_error(y, prob)


def test_roc_auc_ranks_on_python_lists_keeps_float64_like_scikit_learn():
    # Regression: a list became a float32 tensor, where 1.0 and 1.0 + 1e-9 tie (AUC 0.5).
    assert metrics.roc_auc_ranks([0, 1], [1.0, 1.0 + 1e-9]) == sk.roc_auc_score([0, 1], [1.0, 1.0 + 1e-9]) == 1.0
    assert metrics.roc_auc_ranks(np.array([0, 1]), np.array([1.0, 1.0 + 1e-9])) == 1.0


def test_extreme_beta_and_bin_counts_give_limits_not_overflow():
    y_true, y_pred = [0, 1, 1, 1], [0, 1, 0, 1]
    assert metrics.fbeta_score(y_true, y_pred, beta=1e200) == pytest.approx(sk.recall_score(y_true, y_pred), abs=1e-12)
    assert metrics.fbeta_score(y_true, y_pred, beta=1e-200) == pytest.approx(sk.precision_score(y_true, y_pred), abs=1e-12)
    for beta in (0.0, 0.5, 2.0, 3.7):
        assert metrics.fbeta_score(y_true, y_pred, beta=beta) == pytest.approx(sk.fbeta_score(y_true, y_pred, beta=beta), abs=1e-12)
    prob = np.array([[0.6, 0.4], [0.3, 0.7], [0.55, 0.45]])
    huge = metrics.expected_calibration_error(np.array([0, 1, 1]), prob, n_bins=10**10)  # used to allocate 75 GB
    assert huge == pytest.approx(metrics.expected_calibration_error(np.array([0, 1, 1]), prob, n_bins=10**6), abs=1e-12)
    with pytest.raises(ValueError, match="n_bins must be <= 4503599627370496"):
        metrics.expected_calibration_error(np.array([0, 1, 1]), prob, n_bins=2**60)


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
@pytest.mark.parametrize("average", ["macro", "weighted"])
@pytest.mark.parametrize("seed", range(4))
def test_multiclass_roc_auc_equals_scikit_learns(multi_class, average, seed):
    rng = np.random.default_rng(seed)
    n, k = 60 + 20 * seed, 3 + seed % 2
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)  # every class present
    logits = rng.normal(size=(n, k)) + np.eye(k)[y] * rng.uniform(0, 2)
    prob = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    if seed == 3:
        prob = np.round(prob, 1) / np.round(prob, 1).sum(1, keepdims=True)  # ties
    labels = np.array(["cat", "dog", "emu", "fox"])[y] if seed == 2 else y
    ours = metrics.roc_auc_multiclass(labels, prob, multi_class=multi_class, average=average)
    assert ours == pytest.approx(sk.roc_auc_score(labels, prob, multi_class=multi_class, average=average), abs=1e-12)
    assert 0 <= ours <= 1


def test_multiclass_roc_auc_refuses_what_scikit_learn_refuses():
    prob = np.full((4, 3), 1 / 3)
    with pytest.raises(ValueError, match="one column per class of y_true"):
        metrics.roc_auc_multiclass([0, 1, 1, 0], prob)
    with pytest.raises(ValueError, match="rows must sum to 1"):
        metrics.roc_auc_multiclass([0, 1, 2, 0], np.full((4, 3), 0.5))
    with pytest.raises(ValueError, match="multi_class must be one of 'ovr', 'ovo'"):
        metrics.roc_auc_multiclass([0, 1, 2, 0], prob, multi_class="raise")


# -- labels= and sample_weight=: equal to scikit-learn ----------------------------------------


def _weights(rng, n, zeros=True):
    weight = rng.exponential(size=n)
    if zeros:
        weight[rng.random(n) < 0.2] = 0.0  # zero weights: those samples must not count at all
    weight[0] = 1.0
    return weight


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_precision_recall_fscore_with_labels_and_sample_weight_equal_sklearn(seed, average):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 4, 80), rng.integers(0, 4, 80)
    weight = _weights(rng, 80)
    for labels in (None, [2, 0], [3, 1, 0, 7]):  # a subset, another order, a label that never occurs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = metrics.precision_recall_fscore(y_true, y_pred, beta=2.0, labels=labels, average=average, sample_weight=weight)
            theirs = sk.precision_recall_fscore_support(y_true, y_pred, beta=2.0, labels=labels, average=average, sample_weight=weight)
        for a, b in zip(ours, theirs):
            if b is not None:
                np.testing.assert_allclose(a, b, **EXACT)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert np.allclose(metrics.f1_score(y_true, y_pred, labels=labels, average=average, sample_weight=weight),
                               sk.f1_score(y_true, y_pred, labels=labels, average=average, sample_weight=weight), **EXACT)
            assert np.allclose(metrics.precision(y_true, y_pred, labels=labels, average=average),
                               sk.precision_score(y_true, y_pred, labels=labels, average=average), **EXACT)
            assert np.allclose(metrics.recall(y_true, y_pred, labels=labels, average=average, sample_weight=weight),
                               sk.recall_score(y_true, y_pred, labels=labels, average=average, sample_weight=weight), **EXACT)


def test_integer_weights_count_a_sample_that_many_times():
    rng = np.random.default_rng(7)
    y_true, y_pred = rng.integers(0, 3, 40), rng.integers(0, 3, 40)
    times = rng.integers(0, 4, 40)
    times[0] = 1
    repeated = np.repeat(y_true, times), np.repeat(y_pred, times)
    weighted = metrics.precision_recall_fscore(y_true, y_pred, average="macro", sample_weight=times)
    assert weighted[:3] == pytest.approx(metrics.precision_recall_fscore(*repeated, average="macro")[:3], abs=1e-12)
    assert np.array_equal(metrics.confusion_matrix(y_true, y_pred, sample_weight=times), metrics.confusion_matrix(*repeated))
    assert metrics.accuracy(y_true, y_pred, sample_weight=times) == pytest.approx(metrics.accuracy(*repeated), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_confusion_matrix_and_accuracy_with_sample_weight_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred, weight = rng.integers(0, 3, 50), rng.integers(0, 3, 50), _weights(rng, 50)
    for normalize in (None, "true", "pred", "all"):
        np.testing.assert_allclose(metrics.confusion_matrix(y_true, y_pred, labels=[2, 0, 1], sample_weight=weight, normalize=normalize),
                                   sk.confusion_matrix(y_true, y_pred, labels=[2, 0, 1], sample_weight=weight, normalize=normalize), **EXACT)
    for normalize in (True, False):
        assert metrics.accuracy(y_true, y_pred, normalize=normalize, sample_weight=weight) == pytest.approx(
            sk.accuracy_score(y_true, y_pred, normalize=normalize, sample_weight=weight), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_curves_and_areas_with_sample_weight_equal_sklearn(seed):
    labels, scores = random_problem(seed, n=300)
    weight = _weights(np.random.default_rng(seed), 300)
    for curve, sk_curve, area, sk_area in CURVES_AND_AREAS:
        for ours, theirs in zip(curve(labels, scores, sample_weight=weight), sk_curve(labels, scores, sample_weight=weight)):
            np.testing.assert_allclose(ours, theirs, **EXACT)
        assert area(labels, scores, sample_weight=weight) == pytest.approx(sk_area(labels, scores, sample_weight=weight), abs=1e-12)
    y3 = np.random.default_rng(seed).integers(0, 3, 300)
    prob = np.random.default_rng(seed).dirichlet(np.ones(3), 300)
    for average in ("macro", "weighted"):
        assert metrics.roc_auc_multiclass(y3, prob, average=average, sample_weight=weight) == pytest.approx(
            sk.roc_auc_score(y3, prob, multi_class="ovr", average=average, sample_weight=weight), abs=1e-12)


@pytest.mark.parametrize("shape", [(30,), (30, 3)])
def test_regression_metrics_with_sample_weight_equal_sklearn(shape):
    rng = np.random.default_rng(3)
    y, p, weight = rng.normal(size=shape), rng.normal(size=shape), _weights(rng, shape[0])
    for ours, theirs in [(metrics.mean_squared_error, sk.mean_squared_error), (metrics.mean_absolute_error, sk.mean_absolute_error),
                         (metrics.root_mean_squared_error, sk.root_mean_squared_error), (metrics.r2_score, sk.r2_score)]:
        assert ours(y, p, sample_weight=weight) == pytest.approx(theirs(y, p, sample_weight=weight), abs=1e-12)


@pytest.mark.parametrize("call, error, message", [
    (lambda: metrics.accuracy([0, 1], [0, 1], sample_weight=[1.0]), ValueError, "sample_weight must hold one weight per sample"),
    (lambda: metrics.accuracy([0, 1], [0, 1], sample_weight=[1.0, -1.0]), ValueError, "sample_weight must be >= 0"),
    (lambda: metrics.accuracy([0, 1], [0, 1], sample_weight=[0.0, 0.0]), ValueError, "sample_weight must not be all zero"),
    (lambda: metrics.accuracy([0, 1], [0, 1], sample_weight=[np.nan, 1.0]), ValueError, "sample_weight contains NaN"),
    (lambda: metrics.mean_squared_error([0.0, 1.0], [0.0, 1.0], sample_weight=[[1.0, 1.0]]), ValueError, "sample_weight must be 1-dimensional"),
    (lambda: metrics.roc_auc([0, 1, 1], [0.1, 0.2, 0.3], sample_weight=[0.0, 1.0, 1.0]), ValueError, "one class only"),
    (lambda: metrics.f1_score([0, 1, 2], [0, 1, 2], labels=[0, 0], average="macro"), ValueError, "labels must not repeat"),
    (lambda: metrics.f1_score([0, 1, 2], [0, 1, 2], labels=["a"], average="macro"), TypeError, "labels must hold the kind of label"),
    (lambda: metrics.roc_auc_multiclass([0, 1, 2], np.eye(3), multi_class="ovo", sample_weight=[1, 1, 1]), ValueError, "ovr"),
])
def test_bad_weights_and_labels_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_operating_point_counts_match_the_confusion_matrix():
    rng = np.random.default_rng(0)
    LABELS = np.r_[np.zeros(300, int), np.ones(100, int)]
    SCORES = np.clip(rng.normal(0.35 + 0.3 * LABELS, 0.15), 0, 1)
    point = operating_point(LABELS, SCORES, 0.5)
    (tn, fp), (fn, tp) = metrics.confusion_matrix(LABELS, SCORES >= 0.5)
    assert (point["tn"], point["fp"], point["fn"], point["tp"]) == (tn, fp, fn, tp)
    assert point["precision"] == pytest.approx(metrics.precision(LABELS, (SCORES >= 0.5).astype(int)))
    assert point["f1"] == pytest.approx(metrics.f1_score(LABELS, (SCORES >= 0.5).astype(int)))
    assert point["accuracy"] == pytest.approx(metrics.accuracy(LABELS, (SCORES >= 0.5).astype(int)))
