"""dlcore.distill against torch: the KD loss vs kl_div/cross_entropy, int8 vs
torch.quantize_per_tensor, pruning masks vs torch.nn.utils.prune."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils import prune

from dlcore import distill

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
