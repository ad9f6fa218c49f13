"""dlcore.optim.landscape: Hessians against the analytic ones, the critical-point test, unbiased
mini-batch gradients whose variance falls as 1/B, and the sharp/flat experiment."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcore import optim
from dlcore.optim import landscape
from dlcore.optim.landscape import race

D = torch.float64


def test_hessians_of_the_surfaces_equal_the_analytic_ones():
    H = landscape.hessian(lambda p: landscape.ravine(p[0], p[1]), [0.3, -0.2])
    torch.testing.assert_close(H, torch.tensor([[1.0, 0.0], [0.0, 25.0]], dtype=D))
    x, y = 0.5, 1.5
    H = landscape.hessian(lambda p: landscape.rosenbrock(p[0], p[1]), [x, y])
    torch.testing.assert_close(H, torch.tensor([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]], dtype=D))
    H = landscape.hessian(lambda p: landscape.saddle(p[0], p[1]), [0.0, 0.0])
    torch.testing.assert_close(H, torch.tensor([[1.0, 0.0], [0.0, -1.0]], dtype=D))


@pytest.mark.parametrize("fn, point, kind", [
    (lambda p: p[0] ** 2 - p[1] ** 2, [0.0, 0.0], "saddle"),
    (lambda p: p[0] ** 2 + p[1] ** 2, [0.0, 0.0], "minimum"),
    (lambda p: -(p**2).sum(), [0.0, 0.0, 0.0], "maximum"),
    (lambda p: p[0] ** 4 + p[1] ** 2, [0.0, 0.0], "degenerate"),
    (lambda p: landscape.saddle(p[0], p[1]), [0.0, 1.0], "minimum"),
    (lambda p: landscape.rosenbrock(p[0], p[1]), [1.0, 1.0], "minimum"),
])
def test_critical_points_are_classified_by_the_hessians_eigenvalues(fn, point, kind):
    assert landscape.classify_critical_point(landscape.hessian(fn, point)) == kind


def test_the_surfaces_minima_are_where_they_say():
    for surface in landscape.SURFACES.values():
        point = torch.tensor(surface.minimum, dtype=D, requires_grad=True)
        surface.fn(point[0], point[1]).backward()
        assert point.grad.abs().max() < 1e-12
        assert landscape.classify_critical_point(landscape.hessian(lambda p: surface.fn(p[0], p[1]), surface.minimum)) == "minimum"


@pytest.mark.parametrize("bad", [torch.zeros(2), torch.zeros(2, 3), "H"])
def test_classify_refuses_what_is_not_a_square_matrix(bad):
    with pytest.raises(ValueError, match="H must be a square matrix"):
        landscape.classify_critical_point(bad)


def test_hessian_refuses_a_matrix_point():
    with pytest.raises(ValueError, match="point must be a non-empty vector"):
        landscape.hessian(lambda p: p.sum(), torch.zeros(2, 2))


def test_minibatch_gradients_equal_autograd_and_average_to_the_full_gradient():
    x, y = landscape.linear_regression_problem(n=400)
    w = torch.tensor([0.5, 0.5], dtype=D)
    batches, full = landscape.minibatch_gradients(x, y, w, batch_size=400, n_batches=3)
    w_ = w.clone().requires_grad_(True)
    ((w_[0] * x + w_[1] - y) ** 2).mean().backward()
    torch.testing.assert_close(full, w_.grad)
    torch.testing.assert_close(batches, full.expand(3, 2))  # a batch of every point is the full batch
    small, _ = landscape.minibatch_gradients(x, y, w, batch_size=8, n_batches=20_000)
    standard_error = small.std(0) / np.sqrt(len(small))
    assert ((small.mean(0) - full).abs() < 4 * standard_error).all()


def test_minibatch_gradient_variance_falls_as_one_over_b():
    x, y = landscape.linear_regression_problem(n=2000)
    w = torch.zeros(2, dtype=D)
    variances = {b: landscape.minibatch_gradients(x, y, w, b, n_batches=4000)[0].var(0).sum().item() for b in (4, 16, 64)}
    # without replacement the variance is (σ²/B)·(N − B)/(N − 1)
    for b in (16, 64):
        predicted = variances[4] * 4 / b * (2000 - b) / (2000 - 4)
        assert variances[b] == pytest.approx(predicted, rel=0.1)


@pytest.mark.parametrize("kwargs, message", [
    ({"w": [1.0]}, "w must hold two numbers"),
    ({"batch_size": 0}, "batch_size must be >= 1"),
    ({"batch_size": 101}, "batch_size must be at most the number of points"),
    ({"n_batches": 0}, "n_batches must be >= 1"),
])
def test_minibatch_gradients_refuse_bad_arguments(kwargs, message):
    x, y = landscape.linear_regression_problem(n=100)
    arguments = {"w": [0.0, 0.0], "batch_size": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        landscape.minibatch_gradients(x, y, **arguments)


def test_noise_carries_descent_out_of_the_sharp_minimum_but_not_out_of_the_flat_one():
    quiet = landscape.noisy_descent(landscape.sharp_flat, -1.0, lr=0.009, noise=0.0, n_runs=5)
    torch.testing.assert_close(quiet, torch.full((5,), -0.998, dtype=D), rtol=0, atol=1e-3)
    noisy_sharp = landscape.noisy_descent(landscape.sharp_flat, -1.0, lr=0.009, noise=6.0, steps=3000)
    noisy_flat = landscape.noisy_descent(landscape.sharp_flat, 1.8, lr=0.009, noise=6.0, steps=3000)
    assert ((noisy_sharp - 1.8).abs() < 1.5).double().mean() > 0.5  # most runs left the sharp minimum for the flat one
    assert ((noisy_flat - 1.8).abs() < 1.5).double().mean() > 0.85  # and the flat one keeps most of its own


@given(x=st.floats(-5, 5))
def test_the_sharp_flat_loss_is_bounded(x):
    value = landscape.sharp_flat(torch.tensor(x, dtype=D)).item()
    assert -0.2 < value < 2.1


def test_noisy_descent_refuses_a_bad_learning_rate():
    with pytest.raises(ValueError, match="lr must be > 0"):
        landscape.noisy_descent(landscape.sharp_flat, 0.0, lr=0.0, noise=1.0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        landscape.noisy_descent(landscape.sharp_flat, 0.0, lr=0.1, noise=-1.0)


def test_minibatch_gradients_draw_in_chunks_the_same_batches(monkeypatch):
    # The keys are drawn a few batches at a time (10^6 points used to need a 500 × 10^6 sort);
    # chunking must not change which batches come out.
    x = torch.linspace(-1, 1, 40, dtype=torch.float64)
    y = 2 * x + 0.5
    whole = landscape.minibatch_gradients(x, y, [0.3, -0.1], batch_size=5, n_batches=7, seed=3)
    monkeypatch.setattr(landscape, "_SAMPLE_ELEMENTS", 80)  # two batches per chunk
    chunked = landscape.minibatch_gradients(x, y, [0.3, -0.1], batch_size=5, n_batches=7, seed=3)
    for a, b in zip(whole, chunked):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_gd_started_exactly_on_the_saddles_ridge_stays_there_and_a_nudge_lets_it_escape():
    stuck = optim.trajectory(landscape.saddle, [-2.5, 0.0], optim.SGD, 300, lr=0.1)
    np.testing.assert_allclose(stuck.path[-1], [0.0, 0.0], atol=1e-12)  # the gradient's y part is exactly 0
    escaped = race("saddle", ["SGD", "Adam"], 0.1, 0.05, steps=300)  # the surface starts at y = 1e-3
    assert all(abs(run.path[-1, 1]) > 0.99 for run in escaped.values())
