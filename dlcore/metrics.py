"""Classification and regression metrics: the confusion matrix, precision and recall,
ROC and precision-recall curves, AUC and average precision.

Chapter 2 of the book; equation labels (``eq-...``) refer to that chapter.

Arguments follow ``sklearn.metrics``: ``y_true`` and ``y_pred`` are 1-D array-likes of
labels (integers, booleans or strings), ``y_score`` a 1-D array-like of real scores
where larger means "more positive", and a sample counts as predicted positive when its
score is ``>= threshold``. ``sample_weight`` (where scikit-learn takes one) counts
sample ``i`` ``sample_weight[i]`` times. Every function validates its input and raises
``ValueError``/``TypeError`` naming the argument; where scikit-learn would warn and
return NaN (one class only), these functions raise instead.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import torch

from ._validation import (
    as_choice, as_count, as_float_array, as_labels, as_nonnegative, as_probabilities, as_sample_weight, as_scalar,
    refuse_meta, same_length,
)

__all__ = [
    "UndefinedMetricWarning", "roc_auc_multiclass", "confusion_matrix", "accuracy",
    "precision_recall_fscore", "PrecisionRecallFscore", "precision", "recall", "f1_score", "fbeta_score",
    "counts_at_thresholds", "ThresholdCounts", "roc_curve", "RocCurve", "roc_auc", "roc_auc_pairs",
    "roc_auc_ranks", "precision_recall_curve", "PrecisionRecallCurve", "average_precision",
    "mean_squared_error", "mean_absolute_error", "root_mean_squared_error", "r2_score",
    "expected_calibration_error", "operating_point",
]

AVERAGES = ("binary", "micro", "macro", "weighted", None)


class UndefinedMetricWarning(UserWarning):
    """A ratio had a zero denominator and ``zero_division="warn"`` replaced it by 0."""


# ---------------------------------------------------------------- labels -----------


def _targets(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Validate a pair of label arrays: same length, same kind of label."""
    y_true, y_pred = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
    same_length(y_true=y_true, y_pred=y_pred)
    if (y_true.dtype.kind == "U") != (y_pred.dtype.kind == "U"):
        raise TypeError(
            f"y_true and y_pred must hold the same kind of label, got {y_true.dtype} and {y_pred.dtype}"
        )
    return y_true, y_pred


def _label_index(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Position of each entry of ``y`` in the sorted ``labels``; -1 where it is absent."""
    position = np.clip(np.searchsorted(labels, y), 0, labels.size - 1)
    return np.where(labels[position] == y, position, -1)


def _label_set(labels, y_true: np.ndarray) -> np.ndarray:
    """The caller's ``labels``: no repeats, and the kind of label ``y_true`` holds."""
    labels = as_labels(labels, "labels")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"labels must not repeat a label, got {labels.tolist()}")
    if (labels.dtype.kind == "U") != (y_true.dtype.kind == "U"):
        raise TypeError(f"labels must hold the kind of label y_true holds, got {labels.dtype} and {y_true.dtype}")
    return labels


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize: str | None = None) -> np.ndarray:
    r"""The confusion matrix :math:`C`, Eq. (eq-confusion-matrix).

    ``C[i, j]`` counts the samples whose true label is ``labels[i]`` and predicted
    label is ``labels[j]`` (their total weight, with ``sample_weight``): rows are the truth, columns the prediction, as in
    scikit-learn. For a binary problem with labels ``[0, 1]`` this is
    ``[[TN, FP], [FN, TP]]``.

    Parameters
    ----------
    labels : array-like, optional
        Which labels to index the matrix with, in this order; samples with other
        labels are left out. Default: every label in ``y_true`` or ``y_pred``, sorted.
    normalize : {"true", "pred", "all"} or None
        Divide by the row sums (each row then holds the recall of that class), the
        column sums (precision) or the total. An empty row or column stays 0.
    """
    y_true, y_pred = _targets(y_true, y_pred)
    weight = as_sample_weight(sample_weight, y_true.size)
    normalize = as_choice(normalize, "normalize", ("true", "pred", "all", None))
    if labels is None:
        labels = np.union1d(y_true, y_pred)
        order = np.arange(labels.size)
    else:
        labels = _label_set(labels, y_true)
        if not np.isin(y_true, labels).any():
            raise ValueError("labels must contain at least one label that occurs in y_true")
        order = np.argsort(labels)
        labels = labels[order]
    n = labels.size
    row, column = _label_index(y_true, labels), _label_index(y_pred, labels)
    kept = (row >= 0) & (column >= 0)
    kept_weight = None if weight is None else weight[kept]
    counts = np.bincount(row[kept] * n + column[kept], weights=kept_weight, minlength=n * n).reshape(n, n)
    inverse = np.argsort(order)  # back to the order the caller asked for
    counts = counts[np.ix_(inverse, inverse)]
    if normalize is None:
        return counts
    total = {"true": counts.sum(axis=1, keepdims=True), "pred": counts.sum(axis=0, keepdims=True), "all": counts.sum()}[normalize]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(counts / total)


def accuracy(y_true, y_pred, *, normalize: bool = True, sample_weight=None) -> float:
    r"""The share of correct predictions, Eq. (eq-accuracy) (the count if ``normalize=False``)."""
    y_true, y_pred = _targets(y_true, y_pred)
    weight = as_sample_weight(sample_weight, y_true.size)
    correct = y_true == y_pred
    if weight is None:
        return np.count_nonzero(correct) / y_true.size if normalize else float(np.count_nonzero(correct))
    return float(np.average(correct, weights=weight) if normalize else np.dot(correct, weight))


# ------------------------------------------------- precision, recall, F-score ------


class PrecisionRecallFscore(NamedTuple):
    """Precision, recall and F-score; per class (arrays) when ``average=None``."""

    precision: float | np.ndarray
    recall: float | np.ndarray
    fscore: float | np.ndarray
    support: np.ndarray | None
    """How many samples of each class ``y_true`` holds (only when ``average=None``)."""


def _zero_division_value(zero_division) -> float | None:
    """The number that replaces 0/0 (``None`` for "warn", which means 0 and a warning)."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return None
    if isinstance(zero_division, (int, float)) and not isinstance(zero_division, bool) and zero_division in (0, 1):
        return float(zero_division)
    raise ValueError(f'zero_division must be "warn", 0 or 1, got {zero_division!r}')


def _ratio(numerator: np.ndarray, denominator: np.ndarray, zero_division: float | None, what: str, warn: bool) -> np.ndarray:
    """numerator / denominator, with ``zero_division`` where the denominator is 0."""
    empty = denominator == 0
    result = numerator / np.where(empty, 1, denominator)
    if empty.any():
        if zero_division is None and warn:
            warnings.warn(f"{what} is ill-defined (0/0) for some labels and was set to 0", UndefinedMetricWarning, stacklevel=4)
        result[empty] = zero_division or 0.0
    return result


def _per_class_counts(y_true, y_pred, average, pos_label, labels, sample_weight) -> tuple[np.ndarray, ...]:
    """True positives, predicted positives and actual positives of each class (weighted sums)."""
    y_true, y_pred = _targets(y_true, y_pred)
    weight = as_sample_weight(sample_weight, y_true.size)
    weight = np.ones(y_true.size) if weight is None else weight
    given = None if labels is None or average == "binary" else _label_set(labels, y_true)
    labels = np.union1d(y_true, y_pred) if given is None else given
    if average == "binary":
        if labels.size > 2:
            raise ValueError(
                f"average='binary' needs two classes, but y_true and y_pred hold {labels.size}; "
                "choose average='micro', 'macro', 'weighted' or None"
            )
        if labels.size == 2 and pos_label not in labels:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {labels.tolist()}")
        labels = np.asarray([pos_label])
    is_true = y_true[:, None] == labels[None, :]
    is_pred = y_pred[:, None] == labels[None, :]
    return weight @ (is_true & is_pred), weight @ is_pred, weight @ is_true


def precision_recall_fscore(
    y_true, y_pred, *, beta: float = 1.0, labels=None, average: str | None = "binary", pos_label=1,
    zero_division="warn", sample_weight=None, warn_for: tuple[str, ...] = ("precision", "recall", "F-score"),
) -> PrecisionRecallFscore:
    r"""Precision, recall and the F-beta score, Eqs. (eq-precision), (eq-recall), (eq-fbeta).

    .. math::
        P = \frac{TP}{TP + FP}, \quad R = \frac{TP}{TP + FN}, \quad
        F_\beta = \frac{(1 + \beta^2)\, TP}{(1 + \beta^2)\, TP + \beta^2 FN + FP}

    ``F_1`` is the harmonic mean of precision and recall; a larger ``beta`` weighs
    recall more. The counts are taken per class (one class against the rest) and
    then combined by ``average``:

    * ``"binary"`` — only the class ``pos_label`` (two classes at most);
    * ``"micro"`` — add up TP, FP and FN over all classes first, then divide;
    * ``"macro"`` — the plain mean of the per-class scores (every class counts the same);
    * ``"weighted"`` — their mean weighted by support (the number of true samples);
    * ``None`` — the per-class scores themselves, in sorted label order.

    ``labels`` (any average but ``"binary"``) chooses the classes to score, and their
    order when ``average=None``: leave out a "background" class, or include one that
    never occurs (its scores are then 0/0).

    ``zero_division`` is what a 0/0 ratio becomes (a class never predicted has no
    precision): ``"warn"`` gives 0 with an :class:`UndefinedMetricWarning`, or pass 0 or 1.
    """
    average = as_choice(average, "average", AVERAGES)
    beta = as_nonnegative(beta, "beta")
    zero_division = _zero_division_value(zero_division)
    true_positive, predicted, actual = _per_class_counts(y_true, y_pred, average, pos_label, labels, sample_weight)
    if average == "micro":
        true_positive, predicted, actual = true_positive.sum(keepdims=True), predicted.sum(keepdims=True), actual.sum(keepdims=True)
    # Eq. (eq-fbeta) divided through by 1 + β²: F = TP / (w·actual + (1 − w)·predicted) with
    # w = β²/(1 + β²), written so that no β² can overflow (β = 1e200 gives the recall).
    small = min(beta, 1 / beta) ** 2 if beta > 0 else 0.0
    w = 1 / (1 + small) if beta >= 1 else small / (1 + small)
    precision = _ratio(true_positive, predicted, zero_division, "precision", "precision" in warn_for)
    recall = _ratio(true_positive, actual, zero_division, "recall", "recall" in warn_for)
    fscore = _ratio(true_positive, w * actual + (1 - w) * predicted, zero_division, "F-score", "F-score" in warn_for)
    if average is None:
        support = actual if sample_weight is not None else actual.astype(np.int64)
        return PrecisionRecallFscore(precision, recall, fscore, support)
    if average == "weighted":
        if actual.sum() == 0:  # no true samples of any scored class
            value = zero_division or 0.0
            return PrecisionRecallFscore(value, value, value, None)
        scores = [float(np.average(s, weights=actual)) for s in (precision, recall, fscore)]
    else:  # binary and micro hold one value; macro averages the classes
        scores = [float(np.mean(s)) for s in (precision, recall, fscore)]
    return PrecisionRecallFscore(*scores, None)


def precision(y_true, y_pred, *, labels=None, average="binary", pos_label=1, zero_division="warn", sample_weight=None):
    """Precision TP / (TP + FP), Eq. (eq-precision); see :func:`precision_recall_fscore`."""
    return precision_recall_fscore(
        y_true, y_pred, labels=labels, average=average, pos_label=pos_label, zero_division=zero_division,
        sample_weight=sample_weight, warn_for=("precision",),
    ).precision


def recall(y_true, y_pred, *, labels=None, average="binary", pos_label=1, zero_division="warn", sample_weight=None):
    """Recall TP / (TP + FN), Eq. (eq-recall); see :func:`precision_recall_fscore`."""
    return precision_recall_fscore(
        y_true, y_pred, labels=labels, average=average, pos_label=pos_label, zero_division=zero_division,
        sample_weight=sample_weight, warn_for=("recall",),
    ).recall


def fbeta_score(y_true, y_pred, *, beta, labels=None, average="binary", pos_label=1, zero_division="warn", sample_weight=None):
    """The F-beta score, Eq. (eq-fbeta); see :func:`precision_recall_fscore`."""
    return precision_recall_fscore(
        y_true, y_pred, beta=beta, labels=labels, average=average, pos_label=pos_label, zero_division=zero_division,
        sample_weight=sample_weight, warn_for=("F-score",),
    ).fscore


def f1_score(y_true, y_pred, *, labels=None, average="binary", pos_label=1, zero_division="warn", sample_weight=None):
    """F1, the harmonic mean of precision and recall, Eq. (eq-fbeta) with beta = 1."""
    return fbeta_score(
        y_true, y_pred, beta=1.0, labels=labels, average=average, pos_label=pos_label, zero_division=zero_division,
        sample_weight=sample_weight,
    )


# ---------------------------------------------------------- threshold curves -------


def _binary_scores(y_true, y_score, pos_label, sample_weight=None):
    """Validate binary labels, scores and weights; return (is_positive, scores, weights or None).

    Samples of weight 0 are dropped first, as scikit-learn does: their scores must not
    become thresholds.
    """
    y_true = as_labels(y_true, "y_true")
    y_score = as_float_array(y_score, "y_score", ndim=1)
    same_length(y_true=y_true, y_score=y_score)
    weight = as_sample_weight(sample_weight, y_true.size)
    if weight is not None:
        kept = weight > 0
        y_true, y_score, weight = y_true[kept], y_score[kept], weight[kept]
    classes = np.unique(y_true)
    if classes.size > 2:
        raise ValueError(f"y_true must hold two classes, got {classes.size}: {classes[:10].tolist()}")
    if pos_label is None:
        pos_label = classes[-1]  # the greater label, as roc_auc_score does: 1, True, ...
    elif pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels in y_true {classes.tolist()}")
    if classes.size < 2:
        raise ValueError(
            f"y_true holds one class only ({classes[0]!r}) among the samples of non-zero weight; "
            "the curve needs positive and negative samples"
        )
    return y_true == pos_label, y_score, weight


class ThresholdCounts(NamedTuple):
    """Cumulative counts at each distinct score, from the highest score down."""

    false_positives: np.ndarray
    true_positives: np.ndarray
    thresholds: np.ndarray


def counts_at_thresholds(y_true, y_score, *, pos_label=None, sample_weight=None) -> ThresholdCounts:
    """FP and TP when every sample scoring ``>= thresholds[k]`` is called positive.

    One sort does it all (no loop over thresholds): order the samples by decreasing
    score, count positives cumulatively, and read the counts at the last sample of
    each group of tied scores — a tie is one threshold, so tied samples cross it
    together. With ``sample_weight`` the counts are sums of weights.
    """
    positive, y_score, weight = _binary_scores(y_true, y_score, pos_label, sample_weight)
    order = np.argsort(y_score, kind="stable")[::-1]
    score, positive = y_score[order], positive[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    if weight is None:
        true_positives = np.cumsum(positive, dtype=np.float64)[last_of_tie]
        false_positives = 1.0 + last_of_tie - true_positives
    else:
        weight = weight[order]
        true_positives = np.cumsum(weight * positive)[last_of_tie]
        false_positives = np.cumsum(weight * ~positive)[last_of_tie]
    return ThresholdCounts(false_positives, true_positives, score[last_of_tie])


class RocCurve(NamedTuple):
    fpr: np.ndarray
    """False-positive rate FP / N at each threshold, increasing from 0 to 1."""
    tpr: np.ndarray
    """True-positive rate (recall) TP / P at each threshold, increasing from 0 to 1."""
    thresholds: np.ndarray
    """Decreasing; the first is +inf (nothing is called positive)."""


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate: bool = True) -> RocCurve:
    r"""The ROC curve, Eq. (eq-roc): TPR against FPR as the threshold falls.

    ``pos_label=None`` takes the greater of the two labels as positive.
    ``drop_intermediate`` removes thresholds whose point lies on a straight segment
    between its neighbours; they change neither the picture nor the area.
    """
    fp, tp, thresholds = counts_at_thresholds(y_true, y_score, pos_label=pos_label, sample_weight=sample_weight)
    if drop_intermediate and fp.size > 2:
        corner = np.r_[True, np.logical_or(np.diff(fp, 2), np.diff(tp, 2)), True]
        fp, tp, thresholds = fp[corner], tp[corner], thresholds[corner]
    fp, tp = np.r_[0.0, fp], np.r_[0.0, tp]
    return RocCurve(fp / fp[-1], tp / tp[-1], np.r_[np.inf, thresholds])


def roc_auc(y_true, y_score, *, pos_label=None, sample_weight=None) -> float:
    r"""Area under the ROC curve by the trapezoidal rule, Eq. (eq-auc-trapezoid).

    A group of tied scores moves the curve diagonally, and the trapezoid under a
    diagonal step gives those pairs half credit — which is exactly the probabilistic
    meaning of AUC, Eq. (eq-auc-probability). Equals
    ``sklearn.metrics.roc_auc_score`` for binary ``y_true``.
    """
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=pos_label, sample_weight=sample_weight)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def roc_auc_multiclass(y_true, y_prob, *, multi_class: str = "ovr", average: str = "macro", sample_weight=None) -> float:
    r"""ROC AUC of a K-class classifier from its (n, K) predicted probabilities, column k for
    the k-th of the sorted labels, as ``sklearn.metrics.roc_auc_score(multi_class=...)``.

    ``"ovr"`` (one-vs-rest): class k against all others, scored by column k, one AUC per
    class. ``"ovo"`` (Hand and Till): for each pair of classes, only their samples, the
    mean of AUC(a vs b, scored by column a) and AUC(b vs a, by column b). ``average``
    ``"macro"`` is the plain mean; ``"weighted"`` weighs each class (or pair) by its
    share of the samples. ``sample_weight`` works with ``"ovr"`` only, as in scikit-learn.
    """
    multi_class = as_choice(multi_class, "multi_class", ("ovr", "ovo"))
    average = as_choice(average, "average", ("macro", "weighted"))
    labels = as_labels(y_true, "y_true")
    prob = as_probabilities(y_prob, "y_prob", ndim=2)
    same_length(y_true=labels, y_prob=prob)
    weight = as_sample_weight(sample_weight, labels.size)
    if weight is not None and multi_class == "ovo":
        raise ValueError('sample_weight works with multi_class="ovr" only (as in scikit-learn)')
    classes, y = np.unique(labels, return_inverse=True)
    if len(classes) < 3 or len(classes) != prob.shape[1]:
        raise ValueError(f"y_prob must have one column per class of y_true, and at least 3 classes: y_true has "
                         f"{len(classes)} classes, y_prob {prob.shape[1]} columns (2 classes: use roc_auc)")
    if not np.allclose(prob.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("y_prob's rows must sum to 1 (probabilities over the classes)")
    if multi_class == "ovr":
        scores = [roc_auc(y == k, prob[:, k], sample_weight=weight) for k in range(len(classes))]
        weights = np.bincount(y, weights=weight)
    else:
        scores, weights = [], []
        for a in range(len(classes)):
            for b in range(a + 1, len(classes)):
                pair = (y == a) | (y == b)
                scores.append((roc_auc(y[pair] == a, prob[pair, a]) + roc_auc(y[pair] == b, prob[pair, b])) / 2)
                weights.append(pair.mean())
    return float(np.average(scores, weights=weights if average == "weighted" else None))


def roc_auc_pairs(y_true, y_score, *, pos_label=None, chunk_size: int = 2**22) -> float:
    r"""AUC straight from its definition, Eq. (eq-auc-probability).

    .. math:: \mathrm{AUC} = P(s^+ > s^-) + \tfrac12 P(s^+ = s^-)

    for a random positive score :math:`s^+` and a random negative :math:`s^-`:
    compare every positive with every negative. That is
    :math:`O(n_+ n_-)` work, so it is for checking and teaching; the positives
    are taken in chunks so that memory stays near ``chunk_size`` comparisons.
    """
    positive, y_score, _ = _binary_scores(y_true, y_score, pos_label)
    positives, negatives = y_score[positive], y_score[~positive]
    step = max(1, as_count(chunk_size, "chunk_size", minimum=1) // negatives.size)
    wins = 0.0
    for start in range(0, positives.size, step):
        margin = positives[start : start + step, None] - negatives[None, :]
        wins += np.count_nonzero(margin > 0) + 0.5 * np.count_nonzero(margin == 0)
    return wins / (positives.size * negatives.size)


def roc_auc_ranks(y_true: torch.Tensor, y_score: torch.Tensor) -> float:
    r"""AUC from ranks on any torch device: one sort, Eq. (eq-auc-ranks).

    .. math:: \mathrm{AUC} = \frac{R_+ - n_+ (n_+ + 1) / 2}{n_+\, n_-}

    where :math:`R_+` is the sum of the positives' ranks (1 = lowest score) and tied
    scores share the average of their ranks — the Mann-Whitney U statistic divided by
    the number of pairs. ``y_true`` holds 0/1 or booleans (1 = positive). Ranks are
    doubled so that average ranks stay integers and the sum is exact in int64 even
    for 10^8 scores.
    """
    refuse_meta(y_true, "y_true"), refuse_meta(y_score, "y_score")
    y_true = torch.as_tensor(y_true)
    # Python lists and NumPy arrays keep float64, as in scikit-learn: torch.as_tensor would
    # make a list float32, where 1.0 and 1.0 + 1e-9 tie.
    y_score = y_score if isinstance(y_score, torch.Tensor) else torch.as_tensor(np.asarray(y_score, dtype=np.float64))
    if y_true.ndim != 1 or y_score.ndim != 1:
        raise ValueError(f"y_true and y_score must be 1-dimensional, got shapes {tuple(y_true.shape)} and {tuple(y_score.shape)}")
    same_length(y_true=y_true, y_score=y_score)
    if not y_score.is_floating_point():
        raise TypeError(f"y_score must be a floating-point tensor, got {y_score.dtype}")
    if not torch.isfinite(y_score).all():
        raise ValueError("y_score contains NaN or an infinite value")
    if y_true.dtype != torch.bool and not ((y_true == 0) | (y_true == 1)).all():
        raise ValueError("y_true must hold 0/1 or boolean labels")
    positive = y_true.to(y_score.device).bool()
    n_positive = int(positive.sum())
    n_negative = positive.numel() - n_positive
    if n_positive == 0 or n_negative == 0:
        raise ValueError("y_true holds one class only; AUC needs positive and negative samples")
    sorted_score, order = torch.sort(y_score)
    _, tie_group, tie_size = torch.unique_consecutive(sorted_score, return_inverse=True, return_counts=True)
    group_end = torch.cumsum(tie_size, 0)  # 1-based rank of each group's last member
    twice_rank = (2 * group_end - tie_size + 1)[tie_group]  # first + last rank of the group
    twice_rank_sum = int(twice_rank[positive[order]].sum())
    twice_u = twice_rank_sum - n_positive * (n_positive + 1)
    return twice_u / (2 * n_positive * n_negative)


class PrecisionRecallCurve(NamedTuple):
    precision: np.ndarray
    """Precision at each threshold; the last entry is 1 by convention (recall 0)."""
    recall: np.ndarray
    """Recall, decreasing to 0."""
    thresholds: np.ndarray
    """Increasing; one fewer than precision and recall."""


def precision_recall_curve(
    y_true, y_score, *, pos_label=None, sample_weight=None, prevalence: float | None = None
) -> PrecisionRecallCurve:
    r"""Precision against recall as the threshold moves, Eq. (eq-precision).

    Ordered as in scikit-learn: by increasing threshold, so recall decreases, and a
    final point (recall 0, precision 1) is appended without a threshold.

    ``prevalence`` evaluates the same scores as if positives made up that share of
    the data, by weighting each positive by ``prevalence / P`` and each negative by
    ``(1 - prevalence) / N``. Precision is then Bayes' positive predictive value
    of chapter 1, Eq. (eq-precision-prevalence),

    .. math:: \mathrm{precision}(\pi) = \frac{\pi\, \mathrm{TPR}}{\pi\, \mathrm{TPR} + (1 - \pi)\, \mathrm{FPR}},

    while recall (and the whole ROC curve) does not change.
    """
    fp, tp, thresholds = counts_at_thresholds(y_true, y_score, pos_label=pos_label, sample_weight=sample_weight)
    recall = tp / tp[-1]
    if prevalence is not None:
        prevalence = float(as_probabilities(prevalence, "prevalence"))
        if prevalence in (0.0, 1.0):
            raise ValueError(f"prevalence must lie strictly between 0 and 1, got {prevalence}")
        tp, fp = prevalence * recall, (1 - prevalence) * (fp / fp[-1])
    precision = tp / (tp + fp)  # tp + fp > 0: the highest threshold always admits a sample
    return PrecisionRecallCurve(np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1])


def average_precision(y_true, y_score, *, pos_label=None, sample_weight=None, prevalence: float | None = None) -> float:
    r"""Average precision, Eq. (eq-average-precision): precision summed over recall steps.

    .. math:: \mathrm{AP} = \sum_k (R_k - R_{k-1})\, P_k

    A step function, not a trapezoid: interpolating linearly between PR points
    overstates the area. Equals ``sklearn.metrics.average_precision_score``.
    ``sample_weight`` and ``prevalence`` are passed on to :func:`precision_recall_curve`.
    """
    precision, recall, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight, prevalence=prevalence
    )
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


# ------------------------------------------------------------------ regression -----


def _regression_targets(y_true, y_pred, sample_weight=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Targets of shape (n,) or (n, outputs), predictions of the same shape, weights or None."""
    y_true, y_pred = as_float_array(y_true, "y_true"), as_float_array(y_pred, "y_pred")
    if y_true.ndim not in (1, 2):
        raise ValueError(f"y_true must be 1- or 2-dimensional, got shape {y_true.shape}")
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred must have the shape of y_true {y_true.shape}, got {y_pred.shape}")
    return y_true, y_pred, as_sample_weight(sample_weight, y_true.shape[0])


def _mean_over_samples(values: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """The (weighted) mean of each output over the samples (axis 0)."""
    return np.average(values, axis=0, weights=weight)


def mean_squared_error(y_true, y_pred, *, sample_weight=None) -> float:
    r"""MSE, Eq. (eq-mse): :math:`\frac1n \sum_i (y_i - \hat y_i)^2` (averaged over outputs)."""
    y_true, y_pred, weight = _regression_targets(y_true, y_pred, sample_weight)
    return float(np.mean(_mean_over_samples((y_true - y_pred) ** 2, weight)))


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None) -> float:
    r"""RMSE, Eq. (eq-mse): the square root of the MSE, in the units of ``y``.

    With several outputs, the RMSE of each output is averaged (as scikit-learn does).
    """
    y_true, y_pred, weight = _regression_targets(y_true, y_pred, sample_weight)
    return float(np.mean(np.sqrt(_mean_over_samples((y_true - y_pred) ** 2, weight))))


def mean_absolute_error(y_true, y_pred, *, sample_weight=None) -> float:
    r"""MAE, Eq. (eq-mae): :math:`\frac1n \sum_i |y_i - \hat y_i|` (averaged over outputs)."""
    y_true, y_pred, weight = _regression_targets(y_true, y_pred, sample_weight)
    return float(np.mean(_mean_over_samples(np.abs(y_true - y_pred), weight)))


def r2_score(y_true, y_pred, *, sample_weight=None) -> float:
    r"""The coefficient of determination, Eq. (eq-r2).

    .. math:: R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}

    1 for a perfect fit, 0 for predicting the mean, negative for worse than that.
    When ``y_true`` is constant the ratio is 0/0: the score is then 1 for a perfect
    fit and 0 otherwise (scikit-learn's ``force_finite``). Averaged over outputs. With
    ``sample_weight`` both sums and the mean :math:`\bar y` are weighted.
    """
    y_true, y_pred, weight = _regression_targets(y_true, y_pred, sample_weight)
    if y_true.shape[0] < 2:
        raise ValueError("y_true must hold at least two samples: R² compares with their mean")
    # Both sums divided by the total weight: the ratio is unchanged.
    residual = np.atleast_1d(_mean_over_samples((y_true - y_pred) ** 2, weight))
    total = np.atleast_1d(_mean_over_samples((y_true - _mean_over_samples(y_true, weight)) ** 2, weight))
    constant = total == 0
    score = 1 - residual / np.where(constant, 1, total)
    score[constant & (residual == 0)] = 1.0
    score[constant & (residual != 0)] = 0.0
    return float(np.mean(score))


def expected_calibration_error(y_true, y_prob, *, n_bins: int = 10) -> float:
    """Top-label expected calibration error: bin the predictions by their confidence (largest
    probability) into ``n_bins`` equal-width bins of [0, 1] and average |accuracy − confidence|
    over the bins, weighted by their share of samples (chapter 6).

    ``y_true`` holds class indices 0 … K − 1, ``y_prob`` the (n, K) predicted probabilities.
    """
    labels = as_labels(y_true, "y_true")
    prob = as_probabilities(y_prob, "y_prob", ndim=2)
    same_length(y_true=labels, y_prob=prob)
    if labels.dtype.kind not in "iuf" or labels.min() < 0 or labels.max() >= prob.shape[1]:
        raise ValueError(f"y_true must hold class indices in [0, {prob.shape[1] - 1}]")
    if not np.allclose(prob.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("y_prob's rows must sum to 1")
    n_bins = as_count(n_bins, "n_bins", minimum=1, maximum=2**52)
    confidence = prob.max(axis=1)
    correct = prob.argmax(axis=1) == labels.astype(np.int64)
    bins = np.minimum((confidence * n_bins).astype(np.int64), n_bins - 1)  # confidence 1.0 goes in the last bin
    _, occupied = np.unique(bins, return_inverse=True)  # empty bins add nothing: never allocate n_bins of them
    gap = np.abs(np.bincount(occupied, weights=correct) - np.bincount(occupied, weights=confidence))
    return float(gap.sum() / len(labels))


def operating_point(y_true, y_score, threshold: float, prevalence: float | None = None) -> dict:
    """Counts and rates when ``score >= threshold`` is called positive (``y_true`` in {0, 1}).

    TP, FP, FN, TN, TPR and FPR come from the data; precision, accuracy and F1 are
    computed from the rates at ``prevalence`` (default: the data's own), as in
    Eq. (eq-precision-prevalence).
    """
    y_true, y_score = as_labels(y_true, "y_true"), as_float_array(y_score, "y_score", ndim=1)
    same_length(y_true=y_true, y_score=y_score)
    threshold = as_scalar(threshold, "threshold")
    prevalence = None if prevalence is None else float(as_probabilities(prevalence, "prevalence"))
    positive = np.asarray(y_true) == 1
    called = np.asarray(y_score) >= threshold
    counts = {
        "tp": int(np.count_nonzero(called & positive)),
        "fp": int(np.count_nonzero(called & ~positive)),
        "fn": int(np.count_nonzero(~called & positive)),
        "tn": int(np.count_nonzero(~called & ~positive)),
    }
    tpr = counts["tp"] / positive.sum()
    fpr = counts["fp"] / (~positive).sum()
    pi = positive.mean() if prevalence is None else prevalence
    flagged = pi * tpr + (1 - pi) * fpr
    point = dict(counts, tpr=tpr, fpr=fpr, prevalence=pi)
    point["precision"] = pi * tpr / flagged if flagged > 0 else None  # undefined: nothing is called positive
    point["accuracy"] = pi * tpr + (1 - pi) * (1 - fpr)
    point["f1"] = 2 * point["precision"] * tpr / (point["precision"] + tpr) if flagged > 0 and tpr > 0 else 0.0
    return point
