"""dlcore.norm against torch.nn: outputs, input and parameter gradients in float64,
running statistics after several steps, eval-mode outputs, edges and bad input."""

import pytest
import torch
import torch.nn.functional as F

from dlcore import norm
from dlcore.norm import NORMS, shared_statistics

TIGHT = dict(rtol=1e-9, atol=1e-9)
D = torch.float64


def random_input(shape, seed=0, scale=3.0, shift=5.0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=D) * scale + shift


def same_module(ours, theirs, x, steps=1):
    """Run both modules on x (training mode unless set otherwise) and compare outputs and all gradients."""
    theirs.load_state_dict(ours.state_dict())
    for step in range(steps):
        xs = [(x + step).clone().requires_grad_(True) for _ in range(2)]
        outputs = [module(v) for module, v in zip((ours, theirs), xs)]
        upstream = torch.randn(outputs[0].shape, generator=torch.Generator().manual_seed(step), dtype=D)
        for out in outputs:
            out.backward(upstream)
        torch.testing.assert_close(outputs[0], outputs[1], **TIGHT)
        torch.testing.assert_close(xs[0].grad, xs[1].grad, **TIGHT)
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        torch.testing.assert_close(a.grad, b.grad, **TIGHT, msg=name)
    for (name, a), (_, b) in zip(ours.named_buffers(), theirs.named_buffers()):
        torch.testing.assert_close(a, b, **TIGHT, msg=name)


@pytest.mark.parametrize("shape,reference", [((16, 5), torch.nn.BatchNorm1d), ((8, 5, 7), torch.nn.BatchNorm1d),
                                             ((4, 5, 6, 6), torch.nn.BatchNorm2d), ((2, 5, 3, 3, 3), torch.nn.BatchNorm3d)])
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batch_norm_training_equals_torch_including_running_statistics(shape, reference, momentum):
    ours, theirs = norm.BatchNorm(5, momentum=momentum).double(), reference(5, momentum=momentum).double()
    with torch.no_grad():
        ours.weight.uniform_(0.5, 2.0)
        ours.bias.uniform_(-1.0, 1.0)
    same_module(ours, theirs, random_input(shape), steps=4)
    assert int(ours.num_batches_tracked) == 4
    ours.eval()
    theirs.eval()
    x = random_input(shape, seed=9)
    torch.testing.assert_close(ours(x), theirs(x), **TIGHT)


def test_batch_norm_without_affine_or_running_statistics():
    x = random_input((10, 3, 4))
    for kwargs in ({"affine": False}, {"track_running_stats": False}):
        ours, theirs = norm.BatchNorm(3, **kwargs).double(), torch.nn.BatchNorm1d(3, **kwargs).double()
        same_module(ours, theirs, x)
        ours.eval(), theirs.eval()
        torch.testing.assert_close(ours(x), theirs(x), **TIGHT)  # without running stats: batch statistics in eval too


def test_functional_batch_norm_equals_torchs():
    x = random_input((12, 4))
    mean_a, var_a = torch.zeros(4, dtype=D), torch.ones(4, dtype=D)
    mean_b, var_b = mean_a.clone(), var_a.clone()
    ours = norm.batch_norm(x, mean_a, var_a, training=True, momentum=0.3)
    theirs = F.batch_norm(x, mean_b, var_b, training=True, momentum=0.3)
    torch.testing.assert_close(ours, theirs, **TIGHT)
    torch.testing.assert_close(var_a, var_b, **TIGHT)  # unbiased running variance
    torch.testing.assert_close(norm.batch_norm(x, mean_a, var_a), F.batch_norm(x, mean_b, var_b), **TIGHT)


def test_batch_norm_output_has_zero_mean_unit_variance_per_channel_in_training():
    x = random_input((64, 3, 5))
    y = norm.batch_norm(x, None, None, training=True, eps=1e-12)
    torch.testing.assert_close(y.mean(dim=(0, 2)), torch.zeros(3, dtype=D), rtol=0, atol=1e-12)
    torch.testing.assert_close(y.var(dim=(0, 2), unbiased=False), torch.ones(3, dtype=D), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("normalized_shape,shape", [(6, (4, 6)), ((3, 6), (2, 4, 3, 6)), ([5, 4, 4], (3, 5, 4, 4))])
def test_layer_norm_equals_torch(normalized_shape, shape):
    ours, theirs = norm.LayerNorm(normalized_shape).double(), torch.nn.LayerNorm(normalized_shape).double()
    with torch.no_grad():
        ours.weight.uniform_(0.5, 2.0)
        ours.bias.uniform_(-1.0, 1.0)
    same_module(ours, theirs, random_input(shape))
    x = random_input(shape, seed=3)
    torch.testing.assert_close(norm.layer_norm(x, normalized_shape), F.layer_norm(x, ours.normalized_shape), **TIGHT)


def test_layer_norm_without_bias_and_on_constant_rows():
    ours, theirs = norm.LayerNorm(4, bias=False).double(), torch.nn.LayerNorm(4, bias=False).double()
    same_module(ours, theirs, torch.full((3, 4), 7.0, dtype=D))  # variance 0: eps keeps it finite, output 0


@pytest.mark.parametrize("shape", [(3, 4, 10), (2, 4, 5, 5)])
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norm_equals_torch(shape, affine):
    reference = torch.nn.InstanceNorm1d if len(shape) == 3 else torch.nn.InstanceNorm2d
    ours, theirs = norm.InstanceNorm(4, affine=affine).double(), reference(4, affine=affine).double()
    if affine:
        with torch.no_grad():
            ours.weight.uniform_(0.5, 2.0)
    same_module(ours, theirs, random_input(shape))


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
@pytest.mark.parametrize("shape", [(4, 6), (3, 6, 5), (2, 6, 4, 4)])
def test_group_norm_equals_torch(groups, shape):
    ours, theirs = norm.GroupNorm(groups, 6).double(), torch.nn.GroupNorm(groups, 6).double()
    with torch.no_grad():
        ours.weight.uniform_(0.5, 2.0)
        ours.bias.uniform_(-1.0, 1.0)
    same_module(ours, theirs, random_input(shape))


def test_group_norm_with_one_group_or_one_channel_per_group():
    x = random_input((3, 6, 4, 4))
    torch.testing.assert_close(norm.group_norm(x, 1), norm.layer_norm(x, (6, 4, 4)), **TIGHT)
    torch.testing.assert_close(norm.group_norm(x, 6), norm.instance_norm(x), **TIGHT)


@pytest.mark.parametrize("eps", [None, 1e-6])
@pytest.mark.parametrize("normalized_shape,shape", [(8, (5, 8)), ((4, 8), (2, 3, 4, 8))])
def test_rms_norm_equals_torch(eps, normalized_shape, shape):
    ours, theirs = norm.RMSNorm(normalized_shape, eps=eps).double(), torch.nn.RMSNorm(normalized_shape, eps=eps).double()
    with torch.no_grad():
        ours.weight.uniform_(0.5, 2.0)
    same_module(ours, theirs, random_input(shape, shift=0.5))


def test_rms_norm_is_layer_norm_without_the_mean_for_centred_rows():
    x = random_input((6, 10))
    x = x - x.mean(dim=1, keepdim=True)
    torch.testing.assert_close(norm.rms_norm(x, 10, eps=1e-5), norm.layer_norm(x, 10, eps=1e-5), **TIGHT)


def test_float32_matches_torch_closely():
    x = random_input((8, 4, 3)).float()
    torch.testing.assert_close(norm.group_norm(x, 2), F.group_norm(x, 2), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(norm.rms_norm(x, 3), F.rms_norm(x, (3,)), rtol=1e-5, atol=1e-5)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="batch_norm needs more than 1 value per channel in training"):
        norm.BatchNorm(3)(torch.zeros(1, 3))
    with pytest.raises(ValueError, match=r"input must have shape \(N, C, \.\.\.\)"):
        norm.batch_norm(torch.zeros(3), None, None, training=True)
    with pytest.raises(ValueError, match=r"running_mean must have shape \(3,\)"):
        norm.batch_norm(torch.zeros(4, 3), torch.zeros(2), torch.ones(3))
    with pytest.raises(ValueError, match=r"input must end in normalized_shape \(5,\), got shape \(2, 4\)"):
        norm.layer_norm(torch.zeros(2, 4), 5)
    with pytest.raises(ValueError, match="normalized_shape must be a positive int"):
        norm.LayerNorm(0)
    with pytest.raises(ValueError, match="num_groups must divide the 6 channels, got 4"):
        norm.group_norm(torch.zeros(2, 6), 4)
    with pytest.raises(ValueError, match="num_groups \\(4\\) must divide num_channels \\(6\\)"):
        norm.GroupNorm(4, 6)
    with pytest.raises(ValueError, match="input must have shape \\(N, C, L\\) or \\(N, C, H, W\\)"):
        norm.instance_norm(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="eps must be > 0"):
        norm.rms_norm(torch.zeros(2, 3), 3, eps=0.0)
    with pytest.raises(TypeError, match="input must be a floating-point tensor"):
        norm.layer_norm(torch.zeros(2, 3, dtype=torch.long), 3)
    with pytest.raises(ValueError, match="num_features must be >= 1"):
        norm.BatchNorm(0)


@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
@pytest.mark.parametrize("dims,shape", [((0, 2), (4, 3, 5)), ((-1,), (4, 3, 5)), ((1, 2), (2, 3, 4))])
def test_closed_form_backward_passes_gradcheck(affine, dims, shape):
    # Eq. (eq-norm-backward), against finite differences, for x, gamma and beta.
    x = random_input(shape, seed=1).requires_grad_(True)
    parameter_shape = [1 if d % len(shape) in [a % len(shape) for a in dims] else s for d, s in enumerate(shape)]
    weight = random_input(parameter_shape, seed=2, shift=1.0).requires_grad_(True) if affine in ("weight", "both") else None
    bias = random_input(parameter_shape, seed=3).requires_grad_(True) if affine in ("bias", "both") else None
    inputs = [t for t in (x, weight, bias) if t is not None]

    def f(*args):
        values = iter(args)
        x_, w_, b_ = next(values), next(values) if weight is not None else None, next(values) if bias is not None else None
        return norm._normalize(x_, dims, 1e-5, w_, b_)[0]

    assert torch.autograd.gradcheck(f, inputs)


def test_layer_norm_with_weight_only_and_instance_norm_gradients_equal_torch():
    ours, theirs = norm.LayerNorm(6, bias=False).double(), torch.nn.LayerNorm(6, bias=False).double()
    with torch.no_grad():
        ours.weight.uniform_(0.5, 2.0)
    same_module(ours, theirs, random_input((5, 6)))
    x = random_input((2, 3, 4, 4)).requires_grad_(True)
    x_ref = x.detach().clone().requires_grad_(True)
    upstream = random_input((2, 3, 4, 4), seed=9)
    norm.instance_norm(x).backward(upstream)
    F.instance_norm(x_ref).backward(upstream)
    torch.testing.assert_close(x.grad, x_ref.grad, **TIGHT)


def test_second_derivatives_raise_instead_of_being_wrong():
    x = random_input((4, 6)).requires_grad_(True)
    (grad,) = torch.autograd.grad(norm.layer_norm(x, 6).pow(3).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        grad.sum().backward()


def test_an_empty_batch_gives_an_empty_output_and_gradient():
    x = torch.zeros(0, 6, dtype=D, requires_grad=True)
    out = norm.LayerNorm(6).double()(x)
    out.sum().backward()
    assert out.shape == (0, 6) and x.grad.shape == (0, 6)


def test_unbatched_layer_norm_gradients_equal_torchs():
    # Regression: with weight.shape == input.shape nothing is summed, and the weight's
    # gradient used to be scaled in place by the weight a second time.
    x = torch.randn(4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    grads = []
    for layer_norm in (norm.layer_norm, F.layer_norm):
        w = torch.tensor([2.0, 3.0, 4.0, 5.0], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([0.5, -1.0, 0.0, 1.0], dtype=torch.float64, requires_grad=True)
        leaf = x.clone().requires_grad_(True)
        (layer_norm(leaf, (4,), w, b) * torch.arange(1.0, 5.0, dtype=torch.float64)).sum().backward()
        grads.append((leaf.grad, w.grad, b.grad))
    for ours, theirs in zip(*grads):
        torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-12)


def test_edge_inputs_get_torchs_result_or_an_error_that_names_the_problem():
    assert norm.group_norm(torch.zeros(0, 2), 1).shape == F.group_norm(torch.zeros(0, 2), 1).shape == (0, 2)
    with pytest.raises(ValueError, match=r"input has 5 channels .* built for num_features=3"):
        norm.BatchNorm(3)(torch.randn(4, 5))
    with pytest.raises(TypeError, match="normalized_shape must be an int or a tuple of ints, got float 6.0"):
        norm.layer_norm(torch.randn(3, 6), 6.0)


@pytest.mark.parametrize("shape,dims,param_shape", [((8, 3, 4, 4), (0, 2, 3), (1, 3, 1, 1)), ((5, 7), (1,), (7,)),
                                                    ((4, 6, 5), (2,), (5,)), ((6, 4), (0,), None)])
def test_the_readable_normalize_equals_the_speed_path_the_layers_use(shape, dims, param_shape):
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=generator, dtype=torch.float64) * 3 + 2
    params = (None, None) if param_shape is None else (
        torch.rand(param_shape, generator=generator, dtype=torch.float64) + 0.5,
        torch.randn(param_shape, generator=generator, dtype=torch.float64))
    upstream = torch.randn(shape, generator=generator, dtype=torch.float64)
    results = []
    for function in (norm.Normalize, norm._NormalizeSpeedPath):
        leaves = [None if t is None else t.clone().requires_grad_() for t in (x, *params)]
        y, mean, var = function.apply(*leaves, dims, 1e-5)
        y.backward(upstream)
        results.append([y.detach(), mean, var] + [leaf.grad for leaf in leaves if leaf is not None])
    for readable, fast in zip(*results):
        torch.testing.assert_close(readable, fast, rtol=1e-12, atol=1e-12)


def test_the_readable_normalize_equals_torchs_layer_norm_in_value_and_gradient():
    generator = torch.Generator().manual_seed(1)
    x = (torch.randn(6, 10, generator=generator, dtype=torch.float64) * 4 - 1).requires_grad_()
    weight = (torch.rand(10, generator=generator, dtype=torch.float64) + 0.5).requires_grad_()
    bias = torch.randn(10, generator=generator, dtype=torch.float64).requires_grad_()
    ours = norm.Normalize.apply(x, weight, bias, (1,), 1e-5)[0]
    theirs = F.layer_norm(x, (10,), weight, bias, 1e-5)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    upstream = torch.randn(6, 10, generator=generator, dtype=torch.float64)
    for a, b in zip(torch.autograd.grad(ours, (x, weight, bias), upstream), torch.autograd.grad(theirs, (x, weight, bias), upstream)):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_each_layer_shares_statistics_over_its_axes():
    sizes = {kind: int(shared_statistics(kind, 4, 6, 5).sum()) for kind in NORMS}
    assert sizes == {"BatchNorm": 20, "LayerNorm": 30, "InstanceNorm": 5, "GroupNorm (2 groups)": 15, "RMSNorm": 30}
    with pytest.raises(ValueError, match="kind must be one of"):
        shared_statistics("WeightNorm", 2, 2, 2)
