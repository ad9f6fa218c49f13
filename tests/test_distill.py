"""dlcore.distill against torch: the KD loss vs kl_div/cross_entropy, int8 vs
torch.quantize_per_tensor, pruning masks vs torch.nn.utils.prune; and dlcore.train.fit."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils import prune

from dlcore import distill, train

D = torch.float64


def logits(seed, shape=(16, 10), scale=3.0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=D) * scale


@pytest.mark.parametrize("T", [1.0, 2.0, 4.0, 10.0])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9, 1.0])
def test_kd_loss_equals_the_torch_formula_in_value_and_gradient(T, alpha):
    student, teacher = logits(0).requires_grad_(True), logits(1, scale=5.0)
    target = torch.randint(0, 10, (16,), generator=torch.Generator().manual_seed(2))
    ours = distill.kd_loss(student, teacher, target, T, alpha)
    reference = (alpha * T**2 * F.kl_div(F.log_softmax(student / T, 1), F.softmax(teacher / T, 1), reduction="batchmean")
                 + (1 - alpha) * F.cross_entropy(student, target))
    torch.testing.assert_close(ours, reference, rtol=1e-10, atol=1e-12)
    (g,) = torch.autograd.grad(ours, student)
    (g_ref,) = torch.autograd.grad(reference, student)
    torch.testing.assert_close(g, g_ref, rtol=1e-10, atol=1e-12)


def test_the_t_squared_factor_keeps_the_soft_gradient_on_one_scale():
    student, teacher = logits(3, scale=0.5).requires_grad_(True), logits(4, scale=0.5)
    target = torch.zeros(16, dtype=torch.long)
    norms = []
    for T in (5.0, 10.0, 20.0):
        (g,) = torch.autograd.grad(distill.kd_loss(student, teacher, target, T, alpha=1.0), student)
        norms.append(g.norm().item())
    assert max(norms) / min(norms) < 1.2  # without T^2 they would differ by a factor 16


def test_soft_targets_flatten_with_temperature_and_never_touch_the_teacher_gradient():
    z = torch.tensor([[5.0, 2.0, 0.0]], dtype=D)
    cold, hot = distill.soft_targets(z, 1.0), distill.soft_targets(z, 10.0)
    assert hot.max() < cold.max() and hot.min() > cold.min()
    torch.testing.assert_close(distill.soft_targets(z, 4.0), F.softmax(z / 4.0, dim=-1))
    teacher = logits(5).requires_grad_(True)
    distill.kd_loss(logits(6).requires_grad_(True), teacher, torch.zeros(16, dtype=torch.long)).backward()
    assert teacher.grad is None


def test_int8_quantization_equals_torch_and_errs_by_at_most_half_a_step():
    x = torch.randn(5000, generator=torch.Generator().manual_seed(0)) * 2 + 0.5
    q = distill.quantize_int8(x)
    assert q.values.dtype == torch.int8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch deprecates its quantized tensors; they remain the oracle
        reference = torch.quantize_per_tensor(x, q.scale, q.zero_point, torch.qint8)
    assert torch.equal(reference.int_repr(), q.values)
    torch.testing.assert_close(distill.dequantize(q), reference.dequantize())
    assert (distill.dequantize(q) - x).abs().max().item() <= q.scale / 2 + 1e-6
    assert distill.dequantize(distill.quantize_int8(torch.tensor([0.0, 1.0, -3.0])))[0].item() == 0.0  # 0 is exact


def test_quantizing_a_constant_or_positive_tensor():
    q = distill.quantize_int8(torch.full((4,), 2.5))
    assert (distill.dequantize(q) - 2.5).abs().max() <= q.scale / 2 + 1e-6


@pytest.mark.parametrize("amount", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_magnitude_mask_equals_torch_prune(amount):
    torch.manual_seed(0)
    layer = torch.nn.Linear(30, 20)
    mask = distill.magnitude_mask(layer.weight.detach(), amount)
    prune.l1_unstructured(layer, "weight", amount)
    assert torch.equal(mask, layer.weight_mask)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="T must be > 0"):
        distill.soft_targets(logits(0), 0.0)
    with pytest.raises(ValueError, match="alpha must lie in \\[0, 1\\]"):
        distill.kd_loss(logits(0), logits(1), torch.zeros(16, dtype=torch.long), alpha=1.5)
    with pytest.raises(ValueError, match="student_logits and teacher_logits must be \\(N, C\\) of the same shape"):
        distill.kd_loss(logits(0), logits(1, shape=(16, 9)), torch.zeros(16, dtype=torch.long))
    with pytest.raises(ValueError, match="amount must lie in \\[0, 1\\]"):
        distill.magnitude_mask(torch.ones(3), 1.5)


def test_fit_learns_records_history_and_stops_early():
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(400, 2, generator=generator)
    y = (X[:, 0] + X[:, 1] > 0).long()
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 2)
    history = train.fit(model, X, y, F.cross_entropy, epochs=30, lr=0.05, X_val=X, y_val=y, patience=3)
    assert history["loss"][-1] < history["loss"][0]
    assert train.accuracy(model, X, y) == max(history["val_accuracy"]) > 0.95
    assert len(history["loss"]) <= 30
    with pytest.raises(ValueError, match="patience needs validation data"):
        train.fit(model, X, y, F.cross_entropy, patience=2)
    with pytest.raises(ValueError, match="targets must have one row per row of X"):
        train.fit(model, X, y[:10], F.cross_entropy)


def test_fit_passes_tuples_of_targets_row_by_row():
    X = torch.randn(50, 3)
    seen = []

    def loss_fn(out, a, b):
        seen.append(torch.equal(a * 2, b))
        return out.sum() * 0
    labels = torch.arange(50)
    train.fit(torch.nn.Linear(3, 1), X, (labels, labels * 2), loss_fn, epochs=2, batch_size=7)
    assert all(seen) and len(seen) == 2 * 8


def test_fit_takes_an_optimizer_factory_and_times_each_epoch():
    from dlcore import optim

    generator = torch.Generator().manual_seed(0)
    X = torch.randn(200, 4, generator=generator)
    y = (X[:, 0] > 0).long()
    model = torch.nn.Linear(4, 2)
    history = train.fit(model, X, y, F.cross_entropy, epochs=5, optimizer=lambda p: optim.SGD(p, lr=0.5, momentum=0.9))
    assert len(history["seconds"]) == 5 and all(s > 0 for s in history["seconds"])
    assert train.accuracy(model, X, y) > 0.9
    with pytest.raises(TypeError, match="optimizer must build a torch.optim.Optimizer"):
        train.fit(model, X, y, F.cross_entropy, optimizer=lambda p: "sgd")


def test_label_columns_are_refused_instead_of_broadcast():
    # Regression: y[:, None] broadcast against the (n,) predictions gave a wrong accuracy.
    torch.manual_seed(0)
    X, y = torch.randn(30, 4), torch.randint(0, 3, (30,))
    model = torch.nn.Linear(4, 3)
    with pytest.raises(ValueError, match=r"y must be a 1-D tensor with one class label per row \(30\), got \(30, 1\)"):
        train.accuracy(model, X, y[:, None])
    with pytest.raises(ValueError, match=r"y_val must be a 1-D tensor .* got \(30, 1\)"):
        train.fit(model, X, y, F.cross_entropy, epochs=1, X_val=X, y_val=y[:, None])
    with pytest.raises(ValueError, match=r"y must be a 1-D tensor .* got list"):
        train.accuracy(model, X, y.tolist())


def test_extreme_temperatures_give_limits_or_clear_errors():
    # Regression: soft_targets(T=1e-305) was all NaN; kd_loss(T=1e200) overflowed T².
    logits = torch.tensor([[2.0, 1.0, 2.0], [0.0, -1e10, 5.0]], dtype=torch.float64)
    p = distill.soft_targets(logits, 1e-305)
    torch.testing.assert_close(p, torch.tensor([[0.5, 0.0, 0.5], [0.0, 0.0, 1.0]], dtype=torch.float64))
    torch.testing.assert_close(distill.soft_targets(logits, 2.0), F.softmax(logits / 2.0, dim=-1), rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="T must be small enough that T\\*\\*2 is finite"):
        distill.kd_loss(logits, logits, torch.tensor([0, 2]), T=1e200)


def test_magnitude_mask_of_a_transposed_weight_equals_that_of_its_copy():
    # Regression: a non-contiguous weight (W.T) made `view` fail, and `reshape` would have
    # written the zeros into a copy.
    W = torch.randn(4, 6, generator=torch.Generator().manual_seed(0))
    mask = distill.magnitude_mask(W.T, 0.5)
    assert torch.equal(mask, distill.magnitude_mask(W.T.contiguous(), 0.5)) and mask.sum().item() == 12
