"""dlcore.activations.gradflow: the gradient and activation measurements chapter 3 draws."""

import math

import pytest
import torch

from dlcore import activations
from dlcore.activations import gradflow


def test_measured_gradients_are_autograds():
    torch.manual_seed(0)
    model = gradflow.DeepMLP(4, 8, activation="tanh", init_name="xavier").double()
    x, y = torch.randn(16, 8, dtype=torch.float64), torch.randn(16, 1, dtype=torch.float64)
    flow = gradflow.measure_flow(model, x, y)
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    expected = torch.stack([layer.weight.grad.norm() for layer in model.hidden])
    torch.testing.assert_close(flow.grad_norms, expected)
    assert flow.loss == pytest.approx(loss.item())
    h = x
    for layer in model.hidden:
        h = torch.tanh(layer(h))
    assert flow.activation_stds[-1].item() == pytest.approx(h.std().item())


def test_a_vanishing_float32_gradient_has_a_nonzero_norm_at_depth_200():
    # Xavier under ReLU halves the gradient's square per layer: the first layers' entries
    # are near 1e-32, nonzero in float32, and their float32 squares underflow to 0.
    flow = gradflow.gradient_flow(200, 64, activation="relu", init_name="xavier")
    torch.manual_seed(0)
    model = gradflow.DeepMLP(200, 64, activation="relu", init_name="xavier")
    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(256, 64, generator=generator), torch.randn(256, 1, generator=generator)
    torch.nn.functional.mse_loss(model(x), y).backward()
    first = model.hidden[0].weight.grad
    assert first.dtype == torch.float32 and first.count_nonzero() > 0 and (first**2).count_nonzero() == 0  # the trap
    assert flow.grad_norms.dtype == torch.float64 and (flow.grad_norms > 0).all()
    torch.testing.assert_close(flow.grad_norms[0], first.double().norm(), rtol=1e-12, atol=0)


def test_the_chapters_three_regimes():
    vanishing = gradflow.gradient_flow(30, 64, activation="sigmoid", init_name="xavier")
    healthy = gradflow.gradient_flow(30, 64, activation="relu", init_name="he")
    exploding = gradflow.gradient_flow(30, 64, activation="tanh", init_name="normal(1)")
    assert vanishing.grad_norms[0] < 1e-10 * vanishing.grad_norms[-1]
    assert 0.1 < healthy.grad_norms[0] / healthy.grad_norms[-1] < 10
    assert 0.1 < healthy.activation_stds[-1] < 10
    assert exploding.grad_norms[0] > 1e6 * exploding.grad_norms[-1]


def test_xavier_suits_tanh_and_starves_relu():
    tanh = gradflow.gradient_flow(30, 64, activation="tanh", init_name="xavier")
    relu = gradflow.gradient_flow(30, 64, activation="relu", init_name="xavier")
    assert tanh.activation_stds[-1] > 0.05
    assert relu.activation_stds[-1] < 1e-3  # halved variance per layer: 2^-15 in std


def test_residual_connections_carry_the_gradient_past_sigmoid_layers():
    plain = gradflow.gradient_flow(30, 64, activation="sigmoid", init_name="xavier")
    residual = gradflow.gradient_flow(30, 64, activation="sigmoid", init_name="xavier", residual=True)
    assert residual.grad_norms[0] > 1e10 * plain.grad_norms[0]
    assert residual.grad_norms[0] > 1e-2 * residual.grad_norms[-1]


def test_zero_init_leaves_every_hidden_gradient_zero_with_relu():
    flow = gradflow.gradient_flow(5, 16, activation="relu", init_name="zeros")
    assert not flow.grad_norms.any()


def test_residual_forward_adds_the_scaled_branch():
    torch.manual_seed(0)
    model = gradflow.DeepMLP(4, 6, activation="relu", init_name="he", residual=True).double()
    x = torch.randn(3, 6, dtype=torch.float64)
    h = x
    for layer in model.hidden:
        h = h + activations.relu(layer(h)) / 2  # 1/sqrt(4)
    torch.testing.assert_close(model(x), model.readout(h))


def test_flow_runs_in_float64_and_is_deterministic():
    a = gradflow.gradient_flow(6, 8, dtype=torch.float64, seed=3)
    b = gradflow.gradient_flow(6, 8, dtype=torch.float64, seed=3)
    assert torch.equal(a.grad_norms, b.grad_norms) and a.grad_norms.dtype == torch.float64


def test_deep_mlp_refuses_bad_settings():
    with pytest.raises(ValueError, match="depth must be >= 1, got 0"):
        gradflow.DeepMLP(0, 4)
    with pytest.raises(ValueError, match="activation must be one of .*; got 'softmax'"):
        gradflow.DeepMLP(2, 4, activation="softmax")
    with pytest.raises(ValueError, match="init_name must be one of"):
        gradflow.DeepMLP(2, 4, init_name="orthogonal")
    with pytest.raises(ValueError, match="residual=True needs in_features == width, got 3 and 4"):
        gradflow.DeepMLP(2, 4, in_features=3, residual=True)
    with pytest.raises(ValueError, match="batch must be >= 2"):
        gradflow.gradient_flow(2, 4, batch=1)


def test_deep_mlp_is_built_with_the_requested_dtype():
    model = gradflow.DeepMLP(2, 4, dtype=torch.float64)
    assert all(p.dtype == torch.float64 for p in model.parameters())


def test_measure_flow_refuses_targets_that_would_broadcast():
    # Regression: a (N,) target against (N, 1) outputs silently gave an (N, N) loss.
    torch.manual_seed(0)
    model = gradflow.DeepMLP(3, 8)
    x = torch.randn(16, 8)
    with pytest.raises(ValueError, match=r"y must have the shape of the model's output \(16, 1\), got \(16,\)"):
        gradflow.measure_flow(model, x, torch.randn(16))
    assert math.isfinite(gradflow.measure_flow(model, x, torch.randn(16, 1)).loss)
