"""dlcore.activations against torch.nn.functional: values and gradients in float64,
from 0 out to ±1e4, on random inputs, edges and bad input."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from dlcore import activations as A
from dlcore.activations import CURVES, activation_and_slope

TIGHT = dict(rtol=1e-10, atol=1e-10)

# (ours, torch's) as functions of a tensor, with each activation's parameters varied.
PAIRS = {
    "sigmoid": (A.sigmoid, torch.sigmoid),
    "tanh": (A.tanh, torch.tanh),
    "relu": (A.relu, F.relu),
    "leaky_relu": (A.leaky_relu, F.leaky_relu),
    "leaky_relu(0.2)": (lambda x: A.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2)),
    "elu": (A.elu, F.elu),
    "elu(0.5)": (lambda x: A.elu(x, alpha=0.5), lambda x: F.elu(x, alpha=0.5)),
    "gelu": (A.gelu, F.gelu),
    "gelu(tanh)": (lambda x: A.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh")),
    "silu": (A.silu, F.silu),
    "swish(1)": (lambda x: A.swish(x, 1.0), F.silu),
    "swish(2.5)": (lambda x: A.swish(x, 2.5), lambda x: x * torch.sigmoid(2.5 * x)),
    "prelu": (lambda x: A.prelu(x, torch.tensor([0.25], dtype=x.dtype)), lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype))),
    "softmax": (A.softmax, lambda x: F.softmax(x, dim=-1)),
    "log_softmax": (A.log_softmax, lambda x: F.log_softmax(x, dim=-1)),
    "glu": (A.glu, F.glu),
}

WIDE = torch.cat([
    torch.linspace(-60, 60, 1201, dtype=torch.float64),
    torch.tensor([0.0, -0.0, 1e-300, -1e-300, 1e-12, -1e-12, 700, -700, 750, -750, 1e3, -1e3, 1e4, -1e4], dtype=torch.float64),
])


def value_and_grad(fn, x, upstream):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    (grad,) = torch.autograd.grad(y, x, upstream)
    return y.detach(), grad


@pytest.mark.parametrize("name", PAIRS)
def test_values_and_gradients_equal_torch_from_zero_to_1e4(name):
    ours, theirs = PAIRS[name]
    x = WIDE if name != "glu" else WIDE[:-1]  # glu halves its input: an even length
    probe = ours(x.clone())
    upstream = torch.linspace(-1, 1, probe.numel(), dtype=torch.float64).reshape(probe.shape)
    y, grad = value_and_grad(ours, x, upstream)
    y_ref, grad_ref = value_and_grad(theirs, x, upstream)
    assert torch.isfinite(y).all() and torch.isfinite(grad).all()
    torch.testing.assert_close(y, y_ref, **TIGHT)
    torch.testing.assert_close(grad, grad_ref, **TIGHT)


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("seed", range(3))
def test_random_batches_equal_torch_in_float64_and_float32(name, seed):
    ours, theirs = PAIRS[name]
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(7, 6, generator=generator, dtype=torch.float64) * 10 ** (seed + 1)
    upstream = torch.randn(ours(x).shape, generator=generator, dtype=torch.float64)
    y, grad = value_and_grad(ours, x, upstream)
    y_ref, grad_ref = value_and_grad(theirs, x, upstream)
    torch.testing.assert_close(y, y_ref, **TIGHT)
    torch.testing.assert_close(grad, grad_ref, **TIGHT)
    y32 = ours(x.float())
    assert y32.dtype == torch.float32
    torch.testing.assert_close(y32, theirs(x.float()), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "gelu", "gelu(tanh)", "silu", "softmax", "log_softmax"])
def test_second_derivatives_equal_torch(name):
    ours, theirs = PAIRS[name]
    x = torch.linspace(-6, 6, 96, dtype=torch.float64)  # not through 0, where elu's kink is

    def second(fn):
        x_ = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(fn(x_).sum(), x_, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x_)
        return h

    torch.testing.assert_close(second(ours), second(theirs), **TIGHT)


def test_gradient_at_zero_follows_torchs_convention():
    x = torch.zeros(1, dtype=torch.float64)
    slopes = {name: value_and_grad(PAIRS[name][0], x, torch.ones(1, dtype=torch.float64))[1].item()
              for name in ("sigmoid", "tanh", "relu", "leaky_relu(0.2)", "elu(0.5)", "gelu", "silu")}
    assert slopes == {"sigmoid": 0.25, "tanh": 1.0, "relu": 0.0, "leaky_relu(0.2)": 0.2, "elu(0.5)": 0.5, "gelu": 0.5, "silu": 0.5}


def test_sigmoid_slope_is_sigma_times_one_minus_sigma_with_maximum_a_quarter():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    s, slope = value_and_grad(A.sigmoid, x, torch.ones_like(x))
    torch.testing.assert_close(slope, s * (1 - s), **TIGHT)
    assert slope.max().item() == pytest.approx(0.25, abs=1e-15) and abs(x[slope.argmax()].item()) < 1e-12


def test_tanh_is_a_rescaled_sigmoid():
    x = torch.linspace(-20, 20, 401, dtype=torch.float64)
    torch.testing.assert_close(A.tanh(x), 2 * A.sigmoid(2 * x) - 1, **TIGHT)


def test_tanh_keeps_relative_precision_near_zero():
    x = torch.tensor([1e-12, -3e-15, 1e-200], dtype=torch.float64)
    torch.testing.assert_close(A.tanh(x), torch.tanh(x), rtol=1e-15, atol=0)


def test_swish_runs_from_a_line_to_relu():
    x = torch.linspace(-5, 5, 101, dtype=torch.float64)
    torch.testing.assert_close(A.swish(x, 0.0), x / 2, **TIGHT)
    torch.testing.assert_close(A.swish(x, 1e4), F.relu(x), rtol=0, atol=1e-6)


def test_swish_beta_can_be_a_learned_tensor():
    x = torch.randn(5, dtype=torch.float64)
    beta = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    A.swish(x, beta).sum().backward()
    s = torch.sigmoid(1.5 * x)
    torch.testing.assert_close(beta.grad, (x * x * s * (1 - s)).sum(), **TIGHT)


@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=30))
def test_softmax_is_a_distribution_and_log_softmax_its_log(values):
    x = torch.tensor(values, dtype=torch.float64)
    p = A.softmax(x)
    assert torch.isfinite(p).all() and (p >= 0).all()
    assert abs(p.sum().item() - 1) < 1e-12
    torch.testing.assert_close(A.log_softmax(x), F.log_softmax(x, dim=0), **TIGHT)
    torch.testing.assert_close(p, F.softmax(x, dim=0), **TIGHT)


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=10), st.floats(-1e4, 1e4))
def test_softmax_ignores_a_shift_of_every_logit(values, shift):
    x = torch.tensor(values, dtype=torch.float64)
    torch.testing.assert_close(A.softmax(x + shift), A.softmax(x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("fn,ref", [(A.softmax, F.softmax), (A.log_softmax, F.log_softmax)])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
def test_softmax_along_any_dimension(fn, ref, dim):
    x = torch.randn(3, 4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(dim + 5))
    upstream = torch.randn_like(x)
    y, g = value_and_grad(lambda t: fn(t, dim=dim), x, upstream)
    y_ref, g_ref = value_and_grad(lambda t: ref(t, dim=dim), x, upstream)
    torch.testing.assert_close(y, y_ref, **TIGHT)
    torch.testing.assert_close(g, g_ref, **TIGHT)


def test_softmax_masks_minus_infinity_and_matches_torch_on_a_fully_masked_row():
    x = torch.tensor([[0.0, float("-inf"), 1.0], [float("-inf")] * 3], dtype=torch.float64)
    p = A.softmax(x)
    assert p[0, 1].item() == 0.0
    torch.testing.assert_close(p, F.softmax(x, dim=-1), equal_nan=True)
    torch.testing.assert_close(A.log_softmax(x[:1]), F.log_softmax(x[:1], dim=-1))


def test_log_softmax_stays_finite_where_log_of_softmax_does_not():
    x = torch.tensor([0.0, -1000.0], dtype=torch.float64)
    assert torch.log(A.softmax(x))[1].item() == float("-inf")
    assert A.log_softmax(x)[1].item() == -1000.0


@pytest.mark.parametrize("fn", [A.sigmoid, A.tanh, A.relu, A.gelu, A.silu, A.softmax, A.log_softmax, A.elu, A.leaky_relu])
def test_empty_and_zero_dimensional_inputs_behave_as_torch(fn):
    assert fn(torch.empty(0, dtype=torch.float64)).shape == (0,)
    assert fn(torch.empty(3, 0)).shape == (3, 0)
    scalar = fn(torch.tensor(0.5, dtype=torch.float64))
    assert scalar.shape == ()


def test_softmax_of_a_zero_dimensional_tensor_is_one():
    assert A.softmax(torch.tensor(3.0)).item() == 1.0
    assert A.log_softmax(torch.tensor(3.0)).item() == 0.0


def test_nan_propagates_as_in_torch():
    x = torch.tensor([0.0, float("nan"), 2.0], dtype=torch.float64)
    for fn, ref in [(A.sigmoid, torch.sigmoid), (A.tanh, torch.tanh), (A.gelu, F.gelu), (A.relu, F.relu)]:
        torch.testing.assert_close(fn(x), ref(x), equal_nan=True)


def test_prelu_per_channel_matches_torch_including_the_slopes_gradient():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 5, 5, dtype=torch.float64, generator=generator)
    weight = torch.tensor([0.1, 0.25, -0.5], dtype=torch.float64)
    upstream = torch.randn(4, 3, 5, 5, dtype=torch.float64, generator=generator)
    grads = []
    for fn in (A.prelu, F.prelu):
        x_, w_ = x.clone().requires_grad_(True), weight.clone().requires_grad_(True)
        y = fn(x_, w_)
        y.backward(upstream)
        grads.append((y.detach(), x_.grad, w_.grad))
    for ours, theirs in zip(*grads):
        torch.testing.assert_close(ours, theirs, **TIGHT)


def test_prelu_module_matches_torch_nn_prelu():
    torch.manual_seed(0)
    ours, theirs = A.PReLU(3, init=0.1).double(), torch.nn.PReLU(3, init=0.1).double()
    x = torch.randn(8, 3, dtype=torch.float64)
    ours(x).pow(2).sum().backward()
    theirs(x).pow(2).sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad, **TIGHT)
    assert "num_parameters=3" in repr(ours)


def test_glu_along_a_chosen_dimension():
    x = torch.randn(4, 6, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(A.glu(x, dim=1), F.glu(x, dim=1), **TIGHT)


def test_swiglu_is_llamas_feed_forward_block():
    torch.manual_seed(0)
    block = A.SwiGLU(8, 16).double()
    x = torch.randn(2, 5, 8, dtype=torch.float64)
    w_gate, w_up, w_down = block.gate_proj.weight, block.up_proj.weight, block.down_proj.weight
    expected = F.linear(F.silu(F.linear(x, w_gate)) * F.linear(x, w_up), w_down)
    torch.testing.assert_close(block(x), expected, **TIGHT)
    # a GLU with SiLU in place of the sigmoid, as its name says
    gated = torch.cat([F.linear(x, w_up), F.linear(x, w_gate)], dim=-1)
    torch.testing.assert_close(A.glu(gated) / torch.sigmoid(F.linear(x, w_gate)) * F.silu(F.linear(x, w_gate)),
                               F.silu(F.linear(x, w_gate)) * F.linear(x, w_up), **TIGHT)
    assert all(layer.bias is None for layer in (block.gate_proj, block.up_proj, block.down_proj))
    assert sum(p.numel() for p in block.parameters()) == 3 * 8 * 16


def test_swiglu_gradients_equal_the_torch_composition():
    torch.manual_seed(1)
    block = A.SwiGLU(4, 6, out_features=3, bias=True).double()
    x = torch.randn(5, 4, dtype=torch.float64)
    block(x).sum().backward()
    ours = [p.grad.clone() for p in block.parameters()]
    block.zero_grad()
    g, u, d = block.gate_proj, block.up_proj, block.down_proj
    d(F.silu(g(x)) * u(x)).sum().backward()
    for a, b in zip(ours, [p.grad for p in block.parameters()]):
        torch.testing.assert_close(a, b, **TIGHT)


# ------------------------------------------------------------------ bad input ------


@pytest.mark.parametrize("fn", [A.sigmoid, A.tanh, A.relu, A.leaky_relu, A.elu, A.gelu, A.silu, A.swish, A.softmax, A.log_softmax, A.glu])
def test_refuses_what_is_not_a_float_tensor(fn):
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        fn([1.0, 2.0])
    with pytest.raises(TypeError, match="x must be a floating-point tensor, got dtype torch.int64"):
        fn(torch.tensor([1, 2]))


def test_bad_parameters_are_named():
    x = torch.zeros(4)
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'erf'"):
        A.gelu(x, approximate="erf")
    with pytest.raises(TypeError, match="negative_slope must be a real number"):
        A.leaky_relu(x, "0.1")
    with pytest.raises(ValueError, match="alpha must be finite"):
        A.elu(x, float("nan"))
    with pytest.raises(TypeError, match="beta must be a real number"):
        A.swish(x, None)
    with pytest.raises(ValueError, match=r"dim must be in \[-1, 0\] for a 1-dimensional tensor, got 1"):
        A.softmax(x, dim=1)
    with pytest.raises(TypeError, match="dim must be an integer"):
        A.log_softmax(x, dim=0.5)
    with pytest.raises(ValueError, match="x must have an even size along dim=0 to be halved, got 3"):
        A.glu(torch.zeros(3))
    with pytest.raises(ValueError, match=r"weight must hold 1 slope or one per channel \(x.shape\[1\] = 3\), got 2"):
        A.prelu(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match="num_parameters must be >= 1"):
        A.PReLU(0)
    with pytest.raises(ValueError, match="hidden_features must be >= 1"):
        A.SwiGLU(4, 0)
    with pytest.raises(ValueError, match=r"x must end in a dimension of size 4, got shape \(2, 3\)"):
        A.SwiGLU(4, 8)(torch.zeros(2, 3))


def test_the_module_docstring_names_the_overflow_it_avoids():
    # the naive formula overflows where dlcore's does not: a regression guard for the split
    x = torch.tensor([-1e4], dtype=torch.float64, requires_grad=True)
    naive = torch.exp(-x) / (1 + torch.exp(-x))  # e^{10^4} = inf, inf/inf = NaN
    assert math.isnan(naive.item())
    y = A.sigmoid(x)
    y.backward()
    assert y.item() == 0.0 and x.grad.item() == 0.0


def test_prelu_of_a_0d_input_is_0d_like_torchs():
    x, w = torch.tensor(-2.0), torch.tensor([0.25])
    assert A.prelu(x, w).shape == F.prelu(x, w).shape == ()
    assert A.prelu(x, w).item() == F.prelu(x, w).item() == -0.5


def test_swish_refuses_a_nan_beta_tensor():
    with pytest.raises(ValueError, match="beta must be finite"):
        A.swish(torch.randn(3), torch.tensor(float("nan")))


def test_every_curve_has_a_finite_slope_from_autograd():
    x = torch.linspace(-5, 5, 101)
    for name, (_, _, default) in CURVES.items():
        y, slope = activation_and_slope(name, default, x)
        assert torch.isfinite(y).all() and torch.isfinite(slope).all(), name
