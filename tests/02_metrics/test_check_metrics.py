"""dlcore.check.metrics: the reference passes, wrong readers fail with a useful report."""

import numpy as np

from dlcore import metrics
from dlcore.check.metrics import auc_cases, check_roc_auc


def _rank_auc(y_true, y_score, *, average_ties):
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if np.unique(y_true).size != 2:
        raise ValueError("need both classes")
    if average_ties:
        import scipy.stats
        ranks = scipy.stats.rankdata(y_score)
    else:
        ranks = np.argsort(np.argsort(y_score)) + 1.0  # ties broken arbitrarily
    positive = y_true == y_true.max()
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return (ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def test_auc_checker_passes_the_references_and_a_correct_rank_version(capsys):
    assert check_roc_auc(metrics.roc_auc)
    assert check_roc_auc(metrics.roc_auc_pairs)
    assert check_roc_auc(lambda y, s: _rank_auc(y, s, average_ties=True))
    assert f"all {len(auc_cases())} cases agree with dlcore.metrics.roc_auc" in capsys.readouterr().out


def test_auc_checker_fails_a_version_that_breaks_ties_arbitrarily(capsys):
    assert not check_roc_auc(lambda y, s: _rank_auc(y, s, average_ties=False))
    assert "a positive tied with a negative" in capsys.readouterr().out


def test_auc_checker_fails_a_version_that_accepts_one_class(capsys):
    def no_validation(y, s):
        try:
            return _rank_auc(y, s, average_ties=True)
        except ValueError:
            return 0.5

    assert not check_roc_auc(no_validation)
    assert "one class only: must raise" in capsys.readouterr().out
