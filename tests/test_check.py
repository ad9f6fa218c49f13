"""The exercise checker: the reference passes, wrong answers fail with a useful report."""

import numpy as np
import pytest
import torch

from dlcore import bayes
from dlcore.check import Case, check, mismatch
from dlcore.check.bayes import check_posterior, check_total_probability, partition_cases


def test_the_reference_passes_its_own_checker(capsys):
    assert check_posterior(bayes.posterior)
    assert check_total_probability(bayes.total_probability)
    out = capsys.readouterr().out
    assert f"all {len(partition_cases())} cases agree with dlcore.bayes.posterior" in out


def test_a_correct_pure_python_version_passes():
    def loop_posterior(likelihoods, priors):
        joint = [l * p for l, p in zip(likelihoods, priors)]
        return [j / sum(joint) for j in joint]

    assert check_posterior(loop_posterior)


def test_a_torch_version_passes():
    def torch_posterior(likelihoods, priors):
        joint = torch.as_tensor(likelihoods) * torch.as_tensor(priors)
        return joint / joint.sum()

    assert check_posterior(torch_posterior)


@pytest.mark.parametrize("wrong, expected_message", [
    (lambda l, p: np.asarray(l) * np.asarray(p), "expected [0.5, 0.5], got [0.0099, 0.0099]"),
    (lambda l, p: np.asarray(p), "the rare-disease test"),
    (lambda l, p: np.asarray(l) / np.sum(l), "expected [0.5, 0.5], got [0.99, 0.01]"),
    (lambda l, p: (np.asarray(l) * p / np.dot(l, p))[:1], "expected shape (2,), got shape (1,)"),
    (lambda l, p: "0.5", "expected a number or array, got str"),
])
def test_wrong_versions_fail_with_the_input_expected_and_received(capsys, wrong, expected_message):
    assert not check_posterior(wrong)
    out = capsys.readouterr().out
    assert out.startswith("\u2718 posterior disagrees on")
    assert expected_message in out


def test_a_version_that_fails_only_on_an_edge_case_is_caught(capsys):
    def drops_zero_priors(likelihoods, priors):
        likelihoods, priors = np.asarray(likelihoods), np.asarray(priors)
        if (priors == 0).any():
            raise ZeroDivisionError("I never expected a zero prior")
        return likelihoods * priors / np.dot(likelihoods, priors)

    assert not check_posterior(drops_zero_priors)
    out = capsys.readouterr().out
    assert "[a hypothesis with prior 0]" in out
    assert "raised ZeroDivisionError: I never expected a zero prior" in out


def test_inputs_the_reference_refuses_must_be_refused(capsys):
    cases = [Case(([0.0, 0.0], [0.5, 0.5]), label="impossible evidence")]
    assert check(bayes.posterior, bayes.posterior, cases)
    assert not check(lambda l, p: np.array([0.5, 0.5]), bayes.posterior, cases, name="posterior")
    assert "expected an error (ValueError" in capsys.readouterr().out


def test_check_refuses_a_non_function():
    with pytest.raises(TypeError, match="candidate must be a function"):
        check(42, bayes.posterior, [])


def test_mismatch_compares_structures_with_tolerance():
    result = bayes.DiagnosticTest(0.5, 0.9, 0.02)
    assert mismatch(result, (0.5 + 1e-12, 0.9, 0.02)) is None
    assert mismatch(result, (0.5, 0.8, 0.02)) == "result.npv: expected 0.9, got 0.8"
    assert mismatch({"tp": 1}, {"tp": 2}) == "result['tp']: expected 1, got 2"
    assert mismatch(float("nan"), float("nan")) is None
    assert mismatch(np.array([1.0, 2.0]), torch.tensor([1.0, 2.0])) is None


# -- chapter 2: AUC by ranking ---------------------------------------------------------------

from dlcore import metrics  # noqa: E402
from dlcore.check.metrics import auc_cases, check_roc_auc  # noqa: E402


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


# ------------------------------------------------------------------ softmax ---------

from dlcore.check.activations import check_softmax, softmax_cases  # noqa: E402


def _stable_softmax(x, dim=-1):
    shifted = x - x.max(dim=dim, keepdim=True).values
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)


def test_softmax_checker_passes_torch_and_a_stable_version(capsys):
    assert check_softmax(lambda x, dim=-1: torch.softmax(x, dim))
    assert check_softmax(_stable_softmax)
    assert f"all {len(softmax_cases())} cases agree with dlcore.activations.softmax" in capsys.readouterr().out


def test_softmax_checker_fails_the_naive_version_on_large_logits(capsys):
    assert not check_softmax(lambda x, dim=-1: x.exp() / x.exp().sum(dim=dim, keepdim=True))
    out = capsys.readouterr().out
    assert "large logits: e^1000 overflows" in out and "got [nan, nan, nan]" in out


def test_softmax_checker_fails_a_version_that_ignores_dim(capsys):
    assert not check_softmax(lambda x, dim=-1: _stable_softmax(x, -1))
    assert "dim=0: columns sum to 1" in capsys.readouterr().out


# ------------------------------------------------------------- cross-entropy --------

from dlcore.check.losses import check_cross_entropy, cross_entropy_cases  # noqa: E402


def _log_softmax_cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_p[torch.arange(len(target)), target].mean()


def test_cross_entropy_checker_passes_torch_and_log_sum_exp(capsys):
    assert check_cross_entropy(lambda x, t: torch.nn.functional.cross_entropy(x, t))
    assert check_cross_entropy(_log_softmax_cross_entropy)
    assert f"all {len(cross_entropy_cases())} cases agree with dlcore.losses.cross_entropy" in capsys.readouterr().out


def test_cross_entropy_checker_fails_softmax_then_log(capsys):
    def softmax_then_log(logits, target):
        return -torch.log(torch.softmax(logits, dim=1)[torch.arange(len(target)), target]).mean()

    assert not check_cross_entropy(softmax_then_log)
    assert "logit 1000: confidently wrong" in capsys.readouterr().out


def test_cross_entropy_checker_fails_a_sum_instead_of_a_mean(capsys):
    assert not check_cross_entropy(lambda x, t: torch.nn.functional.cross_entropy(x, t, reduction="sum"))


# ------------------------------------------------------------------ k-means++ -------

from dlcore import cluster  # noqa: E402
from dlcore.check.cluster import check_kmeans_plus_plus  # noqa: E402


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


# ------------------------------------------------------------------ layer norm ------

from dlcore.check.norm import check_layer_norm, layer_norm_cases  # noqa: E402


def test_layer_norm_checker_passes_torch_and_fails_the_batch_axis_and_the_unbiased_variance(capsys):
    assert check_layer_norm(lambda x, size, eps=1e-5: torch.nn.functional.layer_norm(x, (size,), eps=eps))
    assert f"all {len(layer_norm_cases())} cases agree with dlcore.norm.layer_norm" in capsys.readouterr().out

    def over_the_batch(x, size, eps=1e-5):
        return (x - x.mean(0, keepdim=True)) / torch.sqrt(x.var(0, unbiased=False, keepdim=True) + eps)

    def unbiased(x, size, eps=1e-5):
        return (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + eps)

    assert not check_layer_norm(over_the_batch)
    assert not check_layer_norm(unbiased)


# ------------------------------------------------------------------ KD loss ---------

from dlcore.check.distill import check_kd_loss  # noqa: E402


def test_kd_checker_passes_torch_and_fails_without_t_squared_or_with_the_kl_reversed(capsys):
    F = torch.nn.functional

    def reference(s, t, y, T, alpha):
        soft = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")
        return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(s, y)

    def no_t_squared(s, t, y, T, alpha):
        return reference(s, t, y, T, alpha) - alpha * (T**2 - 1) * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")

    def reversed_kl(s, t, y, T, alpha):
        soft = F.kl_div(F.log_softmax(t / T, 1), F.softmax(s / T, 1), reduction="batchmean")
        return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(s, y)

    assert check_kd_loss(reference)
    assert not check_kd_loss(no_t_squared)
    assert not check_kd_loss(reversed_kl)
    assert "the T² factor matters" in capsys.readouterr().out


# ------------------------------------------------------------------ AdamW step -------

from dlcore.check.optim import adamw_cases, check_adamw_step  # noqa: E402


def _adamw(p, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, *, correct=True, decoupled=True):
    b1, b2 = betas
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if correct else (m, v)
    return p - lr * m_hat / (v_hat.sqrt() + eps), m, v


def test_adamw_checker_passes_torch_and_a_textbook_step_and_fails_the_classic_mistakes(capsys):
    def torch_step(p, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        p = p.clone().requires_grad_(True)
        opt = torch.optim.AdamW([p], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False)
        opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": m.clone(), "exp_avg_sq": v.clone()}
        p.grad = g.clone()
        opt.step()
        return p.detach(), opt.state[p]["exp_avg"], opt.state[p]["exp_avg_sq"]

    assert check_adamw_step(torch_step)
    assert check_adamw_step(_adamw)
    assert f"all {len(adamw_cases())} cases agree" in capsys.readouterr().out
    assert not check_adamw_step(lambda *a, **k: _adamw(*a, **k, correct=False))
    assert "bias correction matters most" in capsys.readouterr().out
    assert not check_adamw_step(lambda *a, **k: _adamw(*a, **k, decoupled=False))
    assert "weight decay" in capsys.readouterr().out


# ------------------------------------------------------------------ dropout ----------

from dlcore.check.regularization import check_dropout  # noqa: E402
from dlcore.regularization import dropout  # noqa: E402


def test_dropout_checker_passes_torch_and_dlcore_and_fails_the_classic_mistakes(capsys):
    assert check_dropout(lambda x, p, training: torch.nn.functional.dropout(x, p, training))
    assert check_dropout(lambda x, p, training: dropout(x, p, training))
    assert "the mean is kept" in capsys.readouterr().out

    def no_rescale(x, p, training):
        return x * (torch.rand_like(x) >= p) if training else x

    def drops_in_eval(x, p, training):
        return x * (torch.rand_like(x) >= p) / (1 - p)

    def drops_one_minus_p(x, p, training):
        return x * (torch.rand_like(x) < p) / p if training and p > 0 else x

    assert not check_dropout(no_rescale)
    assert "x / (1 - p)" in capsys.readouterr().out
    assert not check_dropout(drops_in_eval)
    assert "evaluation mode" in capsys.readouterr().out
    assert not check_dropout(drops_one_minus_p)
    assert not check_dropout(lambda x, p, training: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


# ---- Wrong readers that used to pass (regressions) ---------------------------------------

from dlcore.check.cluster import check_kmeans_plus_plus  # noqa: E402
from dlcore.check.regularization import check_dropout  # noqa: E402


def _double(x):
    return 2 * x


DOUBLE_CASES = [Case((torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64),)), Case((torch.zeros(2, dtype=torch.float64),))]


def test_cases_given_as_plain_tuples_are_refused_not_passed():
    with pytest.raises(TypeError, match="cases must be dlcore.check.Case objects, got tuple"):
        check(lambda x: x, _double, [(torch.ones(2),)])


def test_complex_junk_and_sparse_results_fail(capsys):
    assert not check(lambda x: (2 * x).to(torch.complex128) + 1j, _double, DOUBLE_CASES)
    assert "expected real numbers, got complex ones" in capsys.readouterr().out
    assert not check(lambda x: (2 * x).to_sparse(), _double, DOUBLE_CASES)
    assert "layout torch.sparse_coo" in capsys.readouterr().out


def test_a_reader_that_changes_its_input_in_place_fails(capsys):
    def doubles_in_place(x):
        return x.mul_(2)

    assert not check(doubles_in_place, _double, DOUBLE_CASES)
    assert "changed its input in place" in capsys.readouterr().out
    assert torch.equal(DOUBLE_CASES[0].args[0], torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64))


def test_a_reader_that_never_returns_is_stopped_and_reported(capsys):
    def endless(x):
        while True:
            pass

    assert not check(endless, _double, DOUBLE_CASES, time_limit=0.2)
    assert "did not return within 0.2 s" in capsys.readouterr().out


def test_dropout_that_zeroes_its_input_in_place_fails(capsys):
    def in_place_dropout(x, p, training=True):
        if not training:
            return x
        mask = torch.rand_like(x) >= p
        x[~mask] = 0
        return x.div_(1 - p) if p < 1 else x

    assert not check_dropout(in_place_dropout)
    assert "changed in place" in capsys.readouterr().out


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


def test_dropout_checker_passes_torch_after_the_reader_seeds_torch_with_0():
    """The checker's data come from a generator seeded 0: a reader's torch.manual_seed(0)
    must not make torch's own dropout mask follow the same numbers and fail the mean."""
    torch.manual_seed(0)
    assert check_dropout(lambda x, p, training: torch.nn.functional.dropout(x, p, training))
