"""dlcore.regularization against its oracles: torch.optim.SGD(weight_decay=), torch.nn.Dropout's statistics and
eval behaviour, clip_grad_norm_, cross_entropy(label_smoothing=), and scikit-learn's Lasso/ElasticNet/Ridge."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import ElasticNet, Lasso, Ridge

from dlcore import optim
from dlcore import regularization as reg
from dlcore.regularization import fit_polynomial, legendre_features

D = torch.float64


def test_penalties_equal_their_formulas_in_value_and_gradient():
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(4, 3, generator=generator, dtype=D).requires_grad_(True)
    b = torch.randn(5, generator=generator, dtype=D).requires_grad_(True)
    l2 = reg.l2_penalty([a, b], 0.3)
    torch.testing.assert_close(l2, 0.15 * (torch.linalg.vector_norm(a) ** 2 + torch.linalg.vector_norm(b) ** 2))
    l2.backward()
    torch.testing.assert_close(a.grad, 0.3 * a.detach())
    a.grad = None
    l1 = reg.l1_penalty(iter([a, b]), 0.7)
    torch.testing.assert_close(l1, 0.7 * (torch.linalg.vector_norm(a, 1) + torch.linalg.vector_norm(b, 1)))
    l1.backward()
    torch.testing.assert_close(a.grad, 0.7 * torch.sign(a.detach()))
    zero = torch.zeros(3, dtype=D, requires_grad=True)
    reg.l1_penalty(zero).backward()
    assert torch.equal(zero.grad, torch.zeros(3, dtype=D))  # the subgradient 0 at 0, as torch.abs


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_on_loss_plus_l2_is_torchs_sgd_with_weight_decay(momentum):
    def run(penalty, weight_decay):
        torch.manual_seed(0)
        model = torch.nn.Linear(6, 3).double()
        X, y = torch.randn(40, 6, dtype=D), torch.randint(0, 3, (40,))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=momentum, weight_decay=weight_decay)
        for _ in range(100):
            opt.zero_grad()
            (F.cross_entropy(model(X), y) + reg.l2_penalty(model.parameters(), penalty)).backward()
            opt.step()
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    torch.testing.assert_close(run(0.05, 0.0), run(0.0, 0.05), rtol=0, atol=1e-13)


def _decayed_run(make_optimizer, l2=0.0, decay=0.0, lr=0.05):
    torch.manual_seed(0)
    model = torch.nn.Linear(6, 3).double()
    X, y = torch.randn(40, 6, dtype=D), torch.randint(0, 3, (40,))
    opt = make_optimizer(model.parameters(), lr)
    for _ in range(60):
        opt.zero_grad()
        (F.cross_entropy(model(X), y) + reg.l2_penalty(model.parameters(), l2)).backward()
        reg.decay_weights_(model.parameters(), lr, decay)
        opt.step()
    return torch.cat([p.detach().flatten() for p in model.parameters()])


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_decay_weights_is_one_step_of_torchs_sgd_weight_decay_on_a_zero_gradient(lr, weight_decay):
    ours = torch.randn(4, 3, dtype=D)
    theirs = ours.clone().requires_grad_()
    theirs.grad = torch.zeros_like(theirs)
    torch.optim.SGD([theirs], lr=lr, weight_decay=weight_decay).step()
    reg.decay_weights_([ours], lr, weight_decay)
    torch.testing.assert_close(ours, theirs.detach(), rtol=1e-15, atol=1e-15)


def test_adam_beside_decay_weights_is_torchs_adamw():
    adamw = _decayed_run(lambda p, lr: torch.optim.AdamW(p, lr=lr, weight_decay=0.3))
    torch.testing.assert_close(_decayed_run(lambda p, lr: torch.optim.Adam(p, lr=lr), decay=0.3), adamw, rtol=0, atol=1e-13)
    torch.testing.assert_close(_decayed_run(lambda p, lr: optim.AdamW(p, lr=lr, weight_decay=0.3)), adamw, rtol=0, atol=1e-13)


def test_decay_equals_l2_for_plain_sgd_only():
    sgd = lambda p, lr: torch.optim.SGD(p, lr=lr)  # noqa: E731
    momentum = lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9)  # noqa: E731
    torch.testing.assert_close(_decayed_run(sgd, l2=0.3), _decayed_run(sgd, decay=0.3), rtol=0, atol=1e-13)
    assert (_decayed_run(momentum, l2=0.3) - _decayed_run(momentum, decay=0.3)).abs().max() > 1e-2


def test_decay_weights_refuses_a_factor_below_zero_and_leaves_gradients_alone():
    w = torch.ones(3, requires_grad=True)
    w.grad = torch.full((3,), 2.0)
    with pytest.raises(ValueError, match="lr · weight_decay must be at most 1"):
        reg.decay_weights_([w], 2.0, 1.0)
    reg.decay_weights_([w], 0.5, 1.0)
    assert torch.equal(w.detach(), torch.full((3,), 0.5)) and torch.equal(w.grad, torch.full((3,), 2.0))


def test_soft_threshold_zeroes_small_entries_exactly():
    w = torch.tensor([-3.0, -0.5, 0.0, 0.2, 1.5], dtype=D)
    torch.testing.assert_close(reg.soft_threshold(w, 1.0), torch.tensor([-2.0, 0.0, 0.0, 0.0, 0.5], dtype=D))
    torch.testing.assert_close(reg.soft_threshold(w, 0.0), w)


def sparse_problem(n=80, d=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.zeros(d)
    w[:3] = [3.0, -2.0, 1.5]
    return X, X @ w + 0.5 * rng.normal(size=n)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5, 2.0, 10.0])
def test_l1_fit_equals_sklearn_lasso(alpha):
    X, y = sparse_problem()
    ours = reg.penalized_least_squares(torch.tensor(X), torch.tensor(y), l1=alpha).numpy()
    theirs = Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    np.testing.assert_array_equal(ours == 0, np.abs(theirs) < 1e-10)  # the same exact zeros


@pytest.mark.parametrize("l1, l2", [(0.1, 0.1), (0.3, 1.0), (0.05, 0.5)])
def test_elastic_net_equals_sklearn(l1, l2):
    X, y = sparse_problem(seed=1)
    ours = reg.penalized_least_squares(torch.tensor(X), torch.tensor(y), l1=l1, l2=l2).numpy()
    theirs = ElasticNet(alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


@pytest.mark.parametrize("l2", [0.0, 0.01, 1.0, 100.0])
def test_l2_fit_equals_sklearn_ridge(l2):
    X, y = sparse_problem(seed=2)
    ours = reg.penalized_least_squares(torch.tensor(X), torch.tensor(y), l2=l2).numpy()
    theirs = Ridge(alpha=len(X) * l2, fit_intercept=False, solver="cholesky").fit(X, y).coef_ if l2 else np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(ours, theirs, atol=1e-7)
    assert (ours != 0).all()  # L2 shrinks but never zeroes


@pytest.mark.parametrize("X, y, message", [
    (torch.zeros(3), torch.zeros(3), "X must be"),
    (torch.zeros(3, 2, dtype=D), torch.zeros(4, dtype=D), "X must be"),
    (torch.full((3, 2), float("nan"), dtype=D), torch.zeros(3, dtype=D), "finite"),
])
def test_penalized_least_squares_refuses_bad_data(X, y, message):
    with pytest.raises(ValueError, match=message):
        reg.penalized_least_squares(X, y, l1=0.1)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_eval_behaviour_equal_torchs(p):
    x = torch.ones(400_000, dtype=D)
    ours, theirs = reg.dropout(x, p, generator=torch.Generator().manual_seed(0)), F.dropout(x, p, training=True)
    for out in (ours, theirs):
        assert set(out.unique().tolist()) <= {0.0, 1 / (1 - p)}
    assert abs((ours == 0).double().mean().item() - p) < 0.005
    assert abs(ours.mean().item() - theirs.mean().item()) < 0.02  # both ≈ 1: the expectation is kept
    assert torch.equal(reg.dropout(x, p, training=False), F.dropout(x, p, training=False))
    layer, torch_layer = reg.Dropout(p), torch.nn.Dropout(p)
    layer.eval(), torch_layer.eval()
    assert torch.equal(layer(x), torch_layer(x))


def test_inverted_and_test_time_scaling_agree_in_expectation():
    x = torch.randn(50, dtype=D)
    generator = torch.Generator().manual_seed(1)
    inverted = torch.stack([reg.dropout(x, 0.3, generator=generator) for _ in range(20_000)]).mean(0)
    original = torch.stack([reg.dropout(x, 0.3, inverted=False, generator=generator) for _ in range(20_000)]).mean(0)
    torch.testing.assert_close(inverted, x, rtol=0, atol=0.05)  # E[train output] = x = eval output
    torch.testing.assert_close(original, reg.dropout(x, 0.3, training=False, inverted=False), rtol=0, atol=0.05)


def test_dropout_gradient_flows_only_through_kept_units():
    x = torch.ones(1000, dtype=D, requires_grad=True)
    out = reg.dropout(x, 0.5, generator=torch.Generator().manual_seed(0))
    out.sum().backward()
    torch.testing.assert_close(x.grad, out.detach())  # 2 where kept, 0 where dropped


@pytest.mark.parametrize("call, error, message", [
    (lambda: reg.dropout(torch.ones(3), 1.0), ValueError, r"p must lie in \[0, 1\)"),
    (lambda: reg.dropout(torch.ones(3), -0.1), ValueError, r"p must lie in \[0, 1\)"),
    (lambda: reg.dropout([1.0, 2.0], 0.5), TypeError, "x must be a torch.Tensor"),
    (lambda: reg.dropout(torch.ones(3), 0.5, training="yes"), TypeError, "training must be True or False"),
    (lambda: reg.Dropout(1.5), ValueError, "p must lie in"),
    (lambda: reg.l2_penalty([]), ValueError, "parameters must hold at least one tensor"),
    (lambda: reg.l1_penalty(torch.ones(2), -1.0), ValueError, "strength must be >= 0"),
    (lambda: reg.smooth_labels(torch.tensor([0.0, 1.0]), 2), TypeError, "targets must be an integer tensor"),
    (lambda: reg.smooth_labels(torch.tensor([0, 3]), 3), ValueError, r"targets must lie in \[0, 2\]"),
    (lambda: reg.smooth_labels(torch.tensor([0, 1]), 2, 1.5), ValueError, r"smoothing must lie in \[0, 1\]"),
    (lambda: reg.EarlyStopping(patience=0), ValueError, "patience must be >= 1"),
    (lambda: reg.EarlyStopping(mode="best"), ValueError, "mode must be one of"),
    (lambda: reg.augment_images(torch.ones(2, 10)), ValueError, r"X must be \(N, 64\)"),
])
def test_bad_input_is_refused_with_the_arguments_name(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.3, 1.0])
def test_cross_entropy_with_smoothed_labels_equals_torchs_label_smoothing(smoothing):
    generator = torch.Generator().manual_seed(0)
    logits = (torch.randn(16, 5, generator=generator, dtype=D) * 4).requires_grad_(True)
    y = torch.randint(0, 5, (16,), generator=generator)
    targets = reg.smooth_labels(y, 5, smoothing).to(D)
    ours = -(targets * F.log_softmax(logits, 1)).sum(1).mean()
    theirs = F.cross_entropy(logits, y, label_smoothing=smoothing)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(torch.autograd.grad(ours, logits)[0], torch.autograd.grad(theirs, logits)[0])


@given(k=st.integers(1, 20), eps=st.floats(0.0, 1.0))
def test_smoothed_rows_are_distributions_with_the_true_class_on_top(k, eps):
    rows = reg.smooth_labels(torch.arange(k), k, eps)
    torch.testing.assert_close(rows.sum(1), torch.ones(k, dtype=rows.dtype))
    assert (rows.diagonal() >= rows.max(1).values - 1e-12).all()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e6])
def test_clip_grad_norm_equals_torch(norm_type, max_norm):
    def grads(seed):
        generator = torch.Generator().manual_seed(seed)
        params = [torch.zeros(s, dtype=D, requires_grad=True) for s in ((4, 3), (7,), (2, 2, 2))]
        for p in params:
            p.grad = torch.randn(p.shape, generator=generator, dtype=D) * 5
        return params

    ours, theirs = grads(0), grads(0)
    total = reg.clip_grad_norm_(ours, max_norm, norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    torch.testing.assert_close(total, total_torch)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a.grad, b.grad)


def test_clipping_refuses_a_nan_gradient_by_default_and_skips_missing_gradients():
    p, q = torch.zeros(3, requires_grad=True), torch.zeros(2, requires_grad=True)
    assert reg.clip_grad_norm_([p, q], 1.0).item() == 0.0  # no gradients yet
    p.grad = torch.tensor([1.0, float("nan"), 0.0])
    with pytest.raises(ValueError, match="NaN or infinite gradient"):
        reg.clip_grad_norm_([p, q], 1.0)
    assert torch.isnan(reg.clip_grad_norm_([p], 1.0, error_if_nonfinite=False))


def test_early_stopping_waits_for_patience_and_restores_the_best_weights():
    model = torch.nn.Linear(2, 1)
    stopper = reg.EarlyStopping(patience=3, mode="min")
    losses = [1.0, 0.8, 0.7, 0.75, 0.71, 0.9, 0.5]
    stops = []
    for epoch, value in enumerate(losses):
        with torch.no_grad():
            model.weight.fill_(epoch)
        stops.append(stopper.step(value, model))
        if stops[-1]:
            break
    assert stops == [False] * 5 + [True] and stopper.best_epoch == 2 and stopper.best == 0.7
    stopper.restore(model)
    assert model.weight.detach().eq(2).all()
    accuracy = reg.EarlyStopping(patience=1, mode="max", min_delta=0.01)
    assert not accuracy.step(0.9) and accuracy.step(0.905)  # not better by more than min_delta
    with pytest.raises(ValueError, match="no weights were recorded"):
        accuracy.restore(model)


def test_augmentation_shifts_within_bounds_flips_and_keeps_the_shape():
    X = torch.arange(2 * 64, dtype=torch.float32).reshape(2, 64)
    generator = torch.Generator().manual_seed(0)
    plain = reg.augment_images(X, max_shift=0, generator=generator)
    assert torch.equal(plain, X)
    image = torch.zeros(1, 64)
    image[0, 3 * 8 + 4] = 1.0
    moved = torch.stack([reg.augment_images(image, max_shift=1, generator=generator) for _ in range(200)])
    positions = {divmod(int(m.argmax()), 8) for m in moved}
    assert positions <= {(r, c) for r in (2, 3, 4) for c in (3, 4, 5)} and len(positions) == 9
    assert (moved.sum(-1) == 1).all()
    flipped = reg.augment_images(image.expand(200, 64), max_shift=0, flip=True, generator=generator)
    assert {divmod(int(m.argmax()), 8) for m in flipped} == {(3, 4), (3, 3)}
    noisy = reg.augment_images(X, max_shift=0, noise=0.5, generator=generator)
    assert 0.3 < (noisy - X).std().item() < 0.7


def test_clipping_finite_float32_gradients_of_1e20_reports_their_norm_not_an_error():
    # Regression: the squares (1e40) overflowed float32 and a finite gradient was called infinite.
    p = torch.zeros(3, requires_grad=True)
    p.grad = torch.tensor([1e20, -1e20, 0.0])
    total = reg.clip_grad_norm_([p], 1.0)
    assert total.dtype == torch.float32 and total.item() == pytest.approx(2**0.5 * 1e20, rel=1e-6)
    assert torch.linalg.vector_norm(p.grad.double()).item() == pytest.approx(1.0, rel=1e-5)


def test_augment_images_refuses_a_shift_larger_than_the_image():
    # Regression: max_shift=2000 padded 8 × 8 images to 4008 × 4008 (32 GB for the digits).
    with pytest.raises(ValueError, match="max_shift must be at most the image's size \\(8\\), got 2000"):
        reg.augment_images(torch.zeros(3, 64), max_shift=2000)


def test_legendre_features_are_the_legendre_polynomials():
    x = torch.linspace(-1, 1, 7, dtype=torch.float64)
    F = legendre_features(x, 3)
    torch.testing.assert_close(F[:, 2], (3 * x**2 - 1) / 2)
    torch.testing.assert_close(F[:, 3], (5 * x**3 - 3 * x) / 2)


def test_a_huge_lambda_shrinks_everything_but_the_intercept():
    x = torch.linspace(-1, 1, 30, dtype=torch.float64)
    w = fit_polynomial(x, torch.sin(torch.pi * x) + 2, 5, lam=1e6)
    assert abs(w[0].item() - 2) < 0.01 and w[1:].abs().max() < 1e-4
