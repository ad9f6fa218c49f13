"""dlcore.losses against torch.nn.functional: values and gradients in float64, logits
out to ±1e4, every reduction, the edges and bad input."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from dlcore import losses
from dlcore import losses as L
from dlcore.losses import binned_normal, information, loss_shares

TIGHT = dict(rtol=1e-10, atol=1e-10)
D = torch.float64


def value_and_grads(fn, *tensors):
    """fn's value and the gradient of sum(value · weights) with respect to every float tensor."""
    leaves = [t.clone().requires_grad_(t.is_floating_point()) for t in tensors]
    value = fn(*leaves)
    weights = torch.linspace(0.5, 1.5, value.numel(), dtype=value.dtype).reshape(value.shape)
    grads = torch.autograd.grad((value * weights).sum(), [t for t in leaves if t.requires_grad], allow_unused=True)
    return value.detach(), grads


def assert_same(ours, theirs, *tensors):
    (v, g), (v_ref, g_ref) = value_and_grads(ours, *tensors), value_and_grads(theirs, *tensors)
    assert torch.isfinite(v).all(), v
    torch.testing.assert_close(v, v_ref, **TIGHT)
    for a, b in zip(g, g_ref):
        if b is not None:
            assert a is not None and torch.isfinite(a).all()
            torch.testing.assert_close(a, b, **TIGHT)


def regression_pair(seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(40, generator=generator, dtype=D) * 3
    y = torch.randn(40, generator=generator, dtype=D)
    x[:3] = y[:3] + torch.tensor([0.0, 1.0, -1.0], dtype=D)  # residuals exactly 0 and exactly ±delta
    return x, y


REGRESSION = {
    "mse": (L.mse, lambda a, b, r: F.mse_loss(a, b, reduction=r)),
    "mae": (L.mae, lambda a, b, r: F.l1_loss(a, b, reduction=r)),
    "huber": (lambda a, b, r: L.huber(a, b, 1.0, r), lambda a, b, r: F.huber_loss(a, b, reduction=r, delta=1.0)),
    "huber(0.3)": (lambda a, b, r: L.huber(a, b, 0.3, r), lambda a, b, r: F.huber_loss(a, b, reduction=r, delta=0.3)),
    "smooth_l1": (lambda a, b, r: L.smooth_l1(a, b, 1.0, r), lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=1.0)),
    "smooth_l1(2.5)": (lambda a, b, r: L.smooth_l1(a, b, 2.5, r), lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=2.5)),
    "smooth_l1(0)": (lambda a, b, r: L.smooth_l1(a, b, 0.0, r), lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0)),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("seed", range(3))
def test_regression_losses_equal_torch(name, reduction, seed):
    ours, theirs = REGRESSION[name]
    x, y = regression_pair(seed)
    assert_same(lambda a, b: ours(a, b, reduction), lambda a, b: theirs(a, b, reduction), x, y)


def test_huber_is_delta_times_smooth_l1():
    x, y = regression_pair(0)
    torch.testing.assert_close(L.huber(x, y, 2.0, "none"), 2.0 * L.smooth_l1(x, y, 2.0, "none"), **TIGHT)


def test_rmse_is_the_root_and_its_gradient_at_a_perfect_fit_is_zero():
    x, y = regression_pair(1)
    assert_same(L.rmse, lambda a, b: F.mse_loss(a, b).sqrt(), x, y)
    perfect = y.clone().requires_grad_(True)
    value = L.rmse(perfect, y)
    value.backward()
    assert value.item() == 0.0 and torch.equal(perfect.grad, torch.zeros_like(y))


def binary_problem(seed, n=60):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, generator=generator, dtype=D) * 4
    logits[:6] = torch.tensor([1e4, -1e4, 1e4, -1e4, 0.0, 800.0], dtype=D)
    targets = torch.randint(0, 2, (n,), generator=generator).to(D)
    targets[:6] = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0], dtype=D)  # right, right, wrong, wrong, undecided, wrong
    return logits, targets


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("seed", range(3))
def test_bce_with_logits_equals_torch_and_stays_finite_at_1e4(reduction, seed):
    logits, targets = binary_problem(seed)
    assert_same(lambda a, b: L.bce_with_logits(a, b, reduction=reduction),
                lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), logits, targets)


@pytest.mark.parametrize("pos_weight", [0.0, 0.5, 3.0, 99.0])
def test_pos_weight_scalar_equals_torch(pos_weight):
    logits, targets = binary_problem(4)
    assert_same(lambda a, b: L.bce_with_logits(a, b, pos_weight=pos_weight),
                lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=torch.tensor(pos_weight, dtype=D)), logits, targets)


def test_pos_weight_per_class_and_soft_targets():
    generator = torch.Generator().manual_seed(5)
    logits = torch.randn(8, 3, generator=generator, dtype=D) * 5
    targets = torch.rand(8, 3, generator=generator, dtype=D)
    weight = torch.tensor([1.0, 2.0, 10.0], dtype=D)
    assert_same(lambda a, b: L.bce_with_logits(a, b, pos_weight=weight),
                lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=weight), logits, targets)


def test_bce_logit_gradient_is_sigmoid_minus_target():
    logits, targets = binary_problem(6)
    x = logits.clone().requires_grad_(True)
    L.bce_with_logits(x, targets, reduction="sum").backward()
    torch.testing.assert_close(x.grad, torch.sigmoid(logits) - targets, **TIGHT)


def test_bce_on_probabilities_equals_torch_including_certain_mistakes():
    generator = torch.Generator().manual_seed(7)
    p = torch.rand(30, generator=generator, dtype=D)
    y = torch.randint(0, 2, (30,), generator=generator).to(D)
    p[:4] = torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=D)
    y[:4] = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=D)
    (v, (g, _)), (v_ref, (g_ref, _)) = value_and_grads(L.bce, p, y), value_and_grads(F.binary_cross_entropy, p, y)
    torch.testing.assert_close(v, v_ref, **TIGHT)
    torch.testing.assert_close(g, g_ref, rtol=1e-8, atol=1e-10)  # ±1e12 at the certain mistakes: torch's 1e-12 floor
    assert_same(L.bce, F.binary_cross_entropy, p[4:], y[4:])
    assert L.bce(torch.tensor([0.0], dtype=D), torch.tensor([1.0], dtype=D)).item() == 100.0


def test_the_naive_sigmoid_then_log_overflows_where_the_logit_form_does_not():
    logits, targets = torch.tensor([-1e4], dtype=D), torch.tensor([1.0], dtype=D)
    naive = -(targets * torch.log(torch.sigmoid(logits)) + (1 - targets) * torch.log(1 - torch.sigmoid(logits)))
    assert math.isinf(naive.item())
    assert L.bce_with_logits(logits, targets).item() == 1e4


def torchvision_focal(logits, targets, gamma, alpha, reduction):
    """torchvision.ops.sigmoid_focal_loss, written out from torch ops (torchvision is not a dependency)."""
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


@pytest.mark.parametrize("gamma,alpha", [(2.0, None), (2.0, 0.25), (1.0, 0.75), (3.5, None), (0.5, None)])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_focal_loss_equals_the_torchvision_formula(gamma, alpha, reduction):
    logits, targets = binary_problem(8)
    if gamma < 1:  # (1 - p_t)^gamma is steep near 1 - p_t = 0, where torch's 1 - p_t cancels: stay away
        logits = logits.clamp(-15, 15)
    assert_same(lambda a, b: L.focal_loss(a, b, gamma, alpha, reduction),
                lambda a, b: torchvision_focal(a, b, gamma, alpha, reduction), logits, targets)


def test_focal_loss_with_gamma_zero_is_bce_with_logits():
    logits, targets = binary_problem(9)
    assert_same(lambda a, b: L.focal_loss(a, b, gamma=0.0), F.binary_cross_entropy_with_logits, logits, targets)


def test_focal_loss_stays_finite_for_gamma_below_one_at_certain_predictions():
    logits = torch.tensor([1e4, -1e4, 3.0], dtype=D, requires_grad=True)
    loss = L.focal_loss(logits, torch.tensor([1.0, 0.0, 1.0], dtype=D), gamma=0.5)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()


@given(st.floats(0, 5), st.floats(-20, 20))
def test_focal_loss_never_exceeds_cross_entropy(gamma, logit):
    x, y = torch.tensor([logit], dtype=D), torch.tensor([1.0], dtype=D)
    assert L.focal_loss(x, y, gamma=gamma).item() <= L.bce_with_logits(x, y).item() + 1e-15


def multiclass_problem(seed, shape=(12, 5)):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(*shape, generator=generator, dtype=D) * 5
    logits[0] = torch.tensor([1e4, -1e4, 0.0, 3.0, -2.0], dtype=D)
    logits[1] = torch.tensor([-1e4, 1e4, 1e4, 0.0, 0.0], dtype=D)
    target = torch.randint(0, shape[1], shape[:1] + shape[2:], generator=generator)
    target[0] = 1  # the class at -1e4: a certain mistake costs 2e4
    return logits, target


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_indices_equals_torch(reduction, smoothing, weighted):
    logits, target = multiclass_problem(10)
    weight = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5], dtype=D) if weighted else None
    assert_same(lambda x, t: L.cross_entropy(x, t, weight=weight, reduction=reduction, label_smoothing=smoothing),
                lambda x, t: F.cross_entropy(x, t, weight=weight, reduction=reduction, label_smoothing=smoothing), logits, target)


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_probabilities_equals_torch(smoothing, weighted):
    logits, _ = multiclass_problem(11)
    probabilities = torch.softmax(torch.randn(12, 5, dtype=D, generator=torch.Generator().manual_seed(1)), dim=1)
    weight = torch.tensor([1.0, 2.0, 0.5, 3.0, 1.5], dtype=D) if weighted else None
    assert_same(lambda x, p: L.cross_entropy(x, p, weight=weight, label_smoothing=smoothing),
                lambda x, p: F.cross_entropy(x, p, weight=weight, label_smoothing=smoothing), logits, probabilities)


def test_cross_entropy_on_images_and_unbatched():
    logits = torch.randn(2, 4, 3, 3, dtype=D, generator=torch.Generator().manual_seed(2)) * 3
    target = torch.randint(0, 4, (2, 3, 3), generator=torch.Generator().manual_seed(3))
    assert_same(L.cross_entropy, F.cross_entropy, logits, target)
    assert_same(L.cross_entropy, F.cross_entropy, logits[0, :, 0, 0], target[0, 0, 0])


def test_cross_entropy_is_the_negative_log_likelihood_and_its_gradient_is_p_minus_y():
    logits, target = multiclass_problem(12)
    x = logits.clone().requires_grad_(True)
    L.cross_entropy(x, target, reduction="sum").backward()
    torch.testing.assert_close(x.grad, torch.softmax(logits, 1) - L.one_hot(target, 5).to(D), **TIGHT)
    nll = -torch.log_softmax(logits, 1)[torch.arange(12), target]
    torch.testing.assert_close(L.cross_entropy(logits, target, reduction="none"), nll, **TIGHT)


def test_the_seeds_three_sample_example():
    logits = torch.tensor([[2.0, 1.0, 0.1, 0.5, 0.3], [1.0, 3.0, 0.2, 0.4, 0.5], [0.5, 0.2, 2.0, 1.0, 0.3]], dtype=D)
    target = torch.tensor([0, 1, 2])
    torch.testing.assert_close(L.cross_entropy(logits, target), F.cross_entropy(logits, target), **TIGHT)
    by_hand = sum(math.log(sum(math.exp(v) for v in row)) - row[k] for row, k in zip(logits.tolist(), [0, 1, 2])) / 3
    assert L.cross_entropy(logits, target).item() == pytest.approx(by_hand, rel=1e-14)


def test_one_hot_equals_torch():
    target = torch.tensor([[0, 2], [1, 1]])
    assert torch.equal(L.one_hot(target, 3), F.one_hot(target, 3))


def distributions(seed, shape=(6, 5)):
    generator = torch.Generator().manual_seed(seed)
    p = torch.softmax(torch.randn(*shape, generator=generator, dtype=D) * 2, dim=-1)
    q = torch.softmax(torch.randn(*shape, generator=generator, dtype=D) * 2, dim=-1)
    return p, q


def test_kl_divergence_equals_torch_both_ways():
    p, q = distributions(0)
    assert_same(L.kl_divergence, lambda a, b: F.kl_div(b.log(), a, reduction="batchmean"), p, q)
    per_row = torch.distributions.kl_divergence(torch.distributions.Categorical(probs=p), torch.distributions.Categorical(probs=q))
    torch.testing.assert_close(L.kl_divergence(p, q, reduction="none"), per_row, **TIGHT)
    torch.testing.assert_close(L.kl_divergence(p, q, reduction="sum"), per_row.sum(), **TIGHT)


def test_entropy_equals_torch_distributions():
    p, _ = distributions(1)
    torch.testing.assert_close(L.entropy(p), torch.distributions.Categorical(probs=p).entropy(), **TIGHT)
    assert L.entropy(torch.tensor([1.0, 0.0, 0.0], dtype=D)).item() == 0.0
    assert L.entropy(torch.full((4,), 0.25, dtype=D)).item() == pytest.approx(math.log(4))


@given(st.integers(0, 10_000))
def test_kl_is_cross_entropy_minus_entropy_nonnegative_and_not_symmetric(seed):
    p, q = distributions(seed, shape=(4,))
    cross = -(p * q.log()).sum()
    kl_pq, kl_qp = L.kl_divergence(p, q), L.kl_divergence(q, p)
    torch.testing.assert_close(kl_pq, cross - L.entropy(p), rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(L.cross_entropy(q.log(), p), cross, rtol=1e-9, atol=1e-12)  # log q are logits of q
    assert kl_pq >= -1e-15 and kl_qp >= -1e-15
    assert L.kl_divergence(p, p).abs() < 1e-15


def test_kl_with_zeros():
    p = torch.tensor([0.5, 0.5, 0.0], dtype=D)
    q = torch.tensor([0.25, 0.25, 0.5], dtype=D)
    assert L.kl_divergence(p, q).item() == pytest.approx(math.log(2))  # 0 log 0 counts as 0
    assert math.isinf(L.kl_divergence(q, p).item())  # q puts mass where p has none


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_hinge_equals_the_relu_formula_and_multi_class_equals_multi_margin_loss(reduction):
    generator = torch.Generator().manual_seed(13)
    scores = torch.randn(30, generator=generator, dtype=D) * 2
    labels = torch.where(torch.rand(30, generator=generator) < 0.5, -1.0, 1.0).to(D)
    scores[:2] = labels[:2] * torch.tensor([1.0, 0.5], dtype=D)  # exactly on the margin, inside it
    assert_same(lambda s, y: L.hinge(s, y, reduction=reduction),
                lambda s, y: {"mean": torch.mean, "sum": torch.sum, "none": lambda v: v}[reduction](F.relu(1 - y * s)), scores, labels)
    logits, target = multiclass_problem(14)
    logits = logits.clamp(-50, 50)
    assert_same(lambda x, t: L.multi_class_hinge(x, t, margin=0.5, reduction=reduction),
                lambda x, t: F.multi_margin_loss(x, t, margin=0.5, reduction=reduction), logits, target)


def test_cosine_similarity_equals_torch_and_the_seeds_example():
    a = torch.tensor([1.0, 2.0, 3.0], dtype=D)
    b = torch.tensor([4.0, 5.0, 6.0], dtype=D)
    assert L.cosine_similarity(a, b).item() == pytest.approx(32 / math.sqrt(14 * 77), abs=1e-15)
    assert round(L.cosine_similarity(a, b).item(), 4) == 0.9746
    x = torch.randn(7, 4, dtype=D, generator=torch.Generator().manual_seed(15))
    y = torch.randn(7, 4, dtype=D, generator=torch.Generator().manual_seed(16))
    y[0] = 0.0
    assert_same(L.cosine_similarity, F.cosine_similarity, x, y)
    assert_same(lambda u, v: L.cosine_similarity(u, v, dim=0), lambda u, v: F.cosine_similarity(u, v, dim=0), x, y)
    assert L.cosine_similarity(a, 2 * a).item() == pytest.approx(1.0)  # direction only, not equality


# ------------------------------------------------------------------ bad input ------


def test_shapes_must_match_exactly():
    with pytest.raises(ValueError, match=r"input and target must have the same shape, got \(3,\) and \(3, 1\)"):
        L.mse(torch.zeros(3), torch.zeros(3, 1))
    with pytest.raises(ValueError, match=r"target class indices must have shape \(4,\) for input of shape \(4, 3\), got \(3,\)"):
        L.cross_entropy(torch.zeros(4, 3), torch.zeros(3, dtype=torch.long))


def test_values_out_of_range_are_named():
    with pytest.raises(ValueError, match="input must lie in \\[0, 1\\], got 1.5"):
        L.bce(torch.tensor([1.5]), torch.tensor([1.0]))
    with pytest.raises(ValueError, match="target must lie in \\[0, 1\\], got 2.0"):
        L.bce_with_logits(torch.tensor([0.5]), torch.tensor([2.0]))
    with pytest.raises(ValueError, match=r"target must hold class indices in \[0, 2\], got 0..3"):
        L.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="target must hold labels -1 and \\+1"):
        L.hinge(torch.zeros(2), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="p must sum to 1 along its last dimension, got a sum of 2.0"):
        L.kl_divergence(torch.tensor([1.0, 1.0]), torch.tensor([0.5, 0.5]))


def test_parameters_are_validated():
    x = torch.zeros(3)
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'; got 'batchmean'"):
        L.mse(x, x, reduction="batchmean")
    with pytest.raises(ValueError, match="delta must be > 0"):
        L.huber(x, x, delta=0)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        L.smooth_l1(x, x, beta=-1)
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        L.focal_loss(x, x, gamma=-1)
    with pytest.raises(ValueError, match="alpha must lie in \\[0, 1\\]"):
        L.focal_loss(x, x, alpha=2.0)
    with pytest.raises(ValueError, match="pos_weight must be >= 0"):
        L.bce_with_logits(x, x, pos_weight=-1.0)
    with pytest.raises(ValueError, match="pos_weight of shape \\(2,\\) does not broadcast"):
        L.bce_with_logits(x, x, pos_weight=torch.ones(2))
    with pytest.raises(ValueError, match="label_smoothing must lie in \\[0, 1\\]"):
        L.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"weight must hold one value per class, shape \(3,\)"):
        L.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), weight=torch.ones(2))
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        L.one_hot(torch.tensor([0]), 0)


def test_types_are_checked():
    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        L.mse([1.0], torch.zeros(1))
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        L.bce_with_logits(torch.zeros(2), torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        L.cross_entropy(torch.zeros(2, 3), torch.tensor([True, False]))


def test_an_empty_mean_is_an_error_but_an_empty_sum_is_zero():
    empty = torch.zeros(0)
    with pytest.raises(ValueError, match="the mean of an empty loss is undefined"):
        L.mse(empty, empty)
    assert L.mse(empty, empty, reduction="sum").item() == 0.0
    assert L.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), reduction="none").shape == (0,)


def test_nan_propagates_as_in_torch():
    x = torch.tensor([0.0, float("nan")], dtype=D)
    y = torch.zeros(2, dtype=D)
    torch.testing.assert_close(L.mse(x, y, "none"), F.mse_loss(x, y, reduction="none"), equal_nan=True)
    torch.testing.assert_close(L.bce_with_logits(x, y, reduction="none"),
                               F.binary_cross_entropy_with_logits(x, y, reduction="none"), equal_nan=True)


def test_rmse_keeps_nan_and_its_zero_gradient_at_a_perfect_fit():
    # Regression: a NaN squared error failed `> 0` and was multiplied by False, giving 0.
    assert torch.isnan(L.rmse(torch.tensor([float("nan"), 1.0]), torch.tensor([0.0, 1.0])))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    value = L.rmse(x, torch.tensor([1.0, 2.0]))
    value.backward()
    assert value.item() == 0 and torch.equal(x.grad, torch.zeros(2))


def test_nan_or_negative_class_weights_and_a_zero_eps_are_refused():
    logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    for weight in ([float("nan"), 1.0, 1.0], [1.0, -1.0, 1.0], [float("inf"), 1.0, 1.0]):
        with pytest.raises(ValueError, match="weight must hold finite, non-negative class weights"):
            L.cross_entropy(logits, target, weight=torch.tensor(weight))
    with pytest.raises(ValueError, match="eps must be > 0, got 0.0"):
        L.cosine_similarity(torch.zeros(3), torch.ones(3), eps=0.0)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("with_weight", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_ignore_index_equals_torchs(smoothing, with_weight, reduction):
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 4, 3, generator=generator, dtype=torch.float64)
    target = torch.randint(0, 4, (6, 3), generator=generator)
    target[0, 1] = target[3, 0] = target[5, 2] = -100  # padding
    weight = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=torch.float64) if with_weight else None
    grads = []
    for fn in (L.cross_entropy, F.cross_entropy):
        leaf = logits.clone().requires_grad_(True)
        value = fn(leaf, target, weight=weight, reduction=reduction, label_smoothing=smoothing)
        value.sum().backward()
        grads.append((value.detach(), leaf.grad))
    for ours, theirs in zip(*grads):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-12)


def test_cross_entropy_ignore_index_other_values_and_all_ignored():
    logits, target = torch.randn(3, 4, dtype=torch.float64), torch.tensor([1, 7, 2])
    torch.testing.assert_close(L.cross_entropy(logits, target, ignore_index=7), F.cross_entropy(logits, target, ignore_index=7))
    with pytest.raises(ValueError, match=r"class indices in \[0, 3\], got 1..7 \(ignore_index = -100 marks"):
        L.cross_entropy(logits, target)
    with pytest.raises(ValueError, match="every target is ignore_index"):
        L.cross_entropy(logits, torch.full((3,), -100))
    assert L.cross_entropy(logits, torch.full((3,), -100), reduction="sum").item() == 0
    with pytest.raises(TypeError, match="ignore_index must be an integer"):
        L.cross_entropy(logits, target, ignore_index=7.0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight_shape", [(5, 3), (3,), (1, 3)])
def test_binary_cross_entropies_take_torchs_element_weight(reduction, weight_shape):
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(5, 3, generator=generator, dtype=torch.float64)
    target = torch.rand(5, 3, generator=generator, dtype=torch.float64)
    weight = torch.rand(weight_shape, generator=generator, dtype=torch.float64) * 2
    pairs = [(lambda x: L.bce_with_logits(x, target, pos_weight=2.0, reduction=reduction, weight=weight),
              lambda x: F.binary_cross_entropy_with_logits(x, target, weight=weight, reduction=reduction,
                                                           pos_weight=torch.tensor(2.0, dtype=torch.float64))),
             (lambda x: L.bce(torch.sigmoid(x), target, reduction, weight=weight),
              lambda x: F.binary_cross_entropy(torch.sigmoid(x), target, weight=weight, reduction=reduction))]
    for ours, theirs in pairs:
        results = []
        for fn in (ours, theirs):
            leaf = logits.clone().requires_grad_(True)
            value = fn(leaf)
            value.sum().backward()
            results.append((value.detach(), leaf.grad))
        for a, b in zip(*results):
            torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


def test_binary_weight_that_does_not_broadcast_or_is_negative_is_refused():
    x, y = torch.zeros(4, 3), torch.ones(4, 3)
    with pytest.raises(ValueError, match=r"weight of shape \(4,\) must broadcast to input's shape \(4, 3\)"):
        L.bce_with_logits(x, y, weight=torch.ones(4))
    with pytest.raises(ValueError, match="weight must be finite and >= 0"):
        L.bce(torch.full((4, 3), 0.5), y, weight=torch.full((3,), -1.0))


def test_information_is_consistent():
    p, q = binned_normal(3.0, 1.0), binned_normal(5.0, 2.5)
    assert p.sum().item() == pytest.approx(1.0) and (p > 0).all()
    values = information(p, q)
    assert values["H(P, Q)"] == pytest.approx(values["H(P)"] + values["KL(P‖Q)"])
    assert values["H(P, Q)"] == pytest.approx(losses.cross_entropy(q.log(), p).item())


def test_perfectly_classified_data_carry_no_loss_share_instead_of_nan():
    logits = torch.tensor([200.0, -200.0, 150.0])
    targets = torch.tensor([1.0, 0.0, 1.0])
    shares = loss_shares(logits, targets, gamma=2.0)
    assert shares == dict.fromkeys(shares, 0.0)
