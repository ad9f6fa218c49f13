"""dlcore.activations.init against torch.nn.init: the same numbers from the same random state,
the variances of Eqs. (eq-xavier) and (eq-he), and named errors."""

import math

import pytest
import torch

from dlcore.activations import init

SHAPES = [(300, 200), (64, 32, 3, 3), (10, 1000), (1, 1)]
RANDOM = [
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": 5 / 3}),
    ("xavier_normal_", {}), ("xavier_normal_", {"gain": 2.0}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {}), ("kaiming_normal_", {"nonlinearity": "tanh"}),
    ("kaiming_normal_", {"a": 0.2, "mode": "fan_out"}),
    ("normal_", {"mean": 0.5, "std": 0.01}),
]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,kwargs", RANDOM, ids=[f"{n}{k}" for n, k in RANDOM])
def test_same_random_state_gives_exactly_torchs_weights(name, kwargs, shape):
    ours, theirs = torch.empty(shape, dtype=torch.float64), torch.empty(shape, dtype=torch.float64)
    torch.manual_seed(7)
    getattr(torch.nn.init, name)(theirs, **kwargs)
    torch.manual_seed(7)
    returned = getattr(init, name)(ours, **kwargs)
    assert returned is ours
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_a_generator_is_honoured():
    a, b = torch.empty(50, 40), torch.empty(50, 40)
    init.kaiming_normal_(a, generator=torch.Generator().manual_seed(3))
    init.kaiming_normal_(b, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


@pytest.mark.parametrize("name,expected_var", [
    ("xavier_uniform_", 2 / (400 + 600)), ("xavier_normal_", 2 / (400 + 600)),
    ("kaiming_uniform_", 2 / 400), ("kaiming_normal_", 2 / 400),
])
def test_weight_statistics_are_the_equations(name, expected_var):
    torch.manual_seed(0)
    weight = getattr(init, name)(torch.empty(600, 400, dtype=torch.float64))
    # 240 000 draws: the sample variance is within 1 % of the truth with overwhelming probability
    assert weight.var().item() == pytest.approx(expected_var, rel=0.01)
    assert abs(weight.mean().item()) < 4 * math.sqrt(expected_var / weight.numel())


def test_uniform_bounds_are_sqrt3_standard_deviations():
    torch.manual_seed(0)
    w = init.xavier_uniform_(torch.empty(100, 100, dtype=torch.float64))
    bound = math.sqrt(3) * math.sqrt(2 / 200)
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.99 * bound


@pytest.mark.parametrize("nonlinearity,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                                ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_gains_equal_torchs(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-15)


@pytest.mark.parametrize("shape", [(64, 32), (16, 8, 3, 3)])
@pytest.mark.parametrize("kwargs", [dict(), dict(a=0.2), dict(mode="fan_out", nonlinearity="relu"), dict(nonlinearity="tanh")])
def test_kaiming_std_is_the_std_torch_draws_with(shape, kwargs):
    torch.manual_seed(3)
    theirs = torch.nn.init.kaiming_normal_(torch.empty(shape), **kwargs)
    torch.manual_seed(3)
    ours = torch.empty(shape).normal_(0, init.kaiming_std(torch.empty(shape), **kwargs))
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("shape", [(64, 32), (16, 8, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_xavier_std_is_the_std_torch_draws_with(shape, gain):
    torch.manual_seed(4)
    theirs = torch.nn.init.xavier_normal_(torch.empty(shape), gain=gain)
    torch.manual_seed(4)
    ours = torch.empty(shape).normal_(0, init.xavier_std(torch.empty(shape), gain))
    assert torch.equal(ours, theirs)


def test_fans_equal_torchs():
    for shape in SHAPES:
        assert init.fan_in_and_fan_out(torch.empty(shape)) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_zeros_and_aliases():
    w = torch.randn(3, 4, requires_grad=True)
    init.zeros_(w)
    assert not w.any() and w.requires_grad  # in place, under no_grad, on a leaf that needs grad
    assert init.glorot_uniform_ is init.xavier_uniform_ and init.he_normal_ is init.kaiming_normal_


def test_in_place_on_a_parameter_keeps_it_a_leaf():
    layer = torch.nn.Linear(20, 10)
    init.kaiming_uniform_(layer.weight)
    assert layer.weight.is_leaf and layer.weight.grad_fn is None


def test_torch_linear_default_is_not_he_init():
    # nn.Linear uses kaiming_uniform_(a=√5): variance 1/(3·fan_in), a sixth of He's 2/fan_in
    torch.manual_seed(0)
    default = torch.nn.Linear(1000, 1000).weight.detach().double()
    assert default.var().item() == pytest.approx(1 / 3000, rel=0.01)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"tensor must have at least 2 dimensions .* got shape \(5,\)"):
        init.xavier_uniform_(torch.empty(5))
    with pytest.raises(TypeError, match="tensor must be a floating-point tensor"):
        init.kaiming_normal_(torch.empty(3, 3, dtype=torch.int64))
    with pytest.raises(TypeError, match="tensor must be a torch.Tensor, got ndarray"):
        import numpy as np
        init.zeros_(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="mode must be one of 'fan_in', 'fan_out'; got 'fan'"):
        init.kaiming_uniform_(torch.empty(3, 3), mode="fan")
    with pytest.raises(ValueError, match="nonlinearity must be one of .*; got 'swish'"):
        init.kaiming_normal_(torch.empty(3, 3), nonlinearity="swish")
    with pytest.raises(ValueError, match="std must be >= 0, got -1.0"):
        init.normal_(torch.empty(3, 3), std=-1)
    with pytest.raises(ValueError, match="gain must be >= 0"):
        init.xavier_normal_(torch.empty(3, 3), gain=-2)


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_initialising_a_zero_element_tensor_is_a_no_op_with_torchs_warning(name):
    # Regression: the fan of a (5, 0) weight is 0, and the std divided by it.
    empty = torch.empty(5, 0)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert getattr(init, name)(empty) is empty
