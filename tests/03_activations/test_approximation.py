"""dlcore.activations.approximation: one hidden layer fitted by least squares, its residual orthogonal to every unit, error falling with more units."""

import math

import pytest
import torch

from dlcore.activations.approximation import fit_hidden_units, hidden_units

X = torch.linspace(-3, 3, 300, dtype=torch.float64)
Y = torch.sin(2 * X) + 0.3 * X**2


@pytest.mark.parametrize("unit", ["relu", "sigmoid"])
def test_more_units_fit_better(unit):
    errors = [fit_hidden_units(X, Y, n, unit).rmse for n in (1, 3, 10, 30)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.01


def test_relu_fit_is_piecewise_linear_with_kinks_at_the_knots():
    fit = fit_hidden_units(X, Y, 6, "relu")
    second_difference = fit.prediction[2:] - 2 * fit.prediction[1:-1] + fit.prediction[:-2]
    bends = (second_difference.abs() > 1e-9).nonzero().flatten() + 1
    assert len(bends) <= 2 * 5  # each interior knot bends between two grid points
    torch.testing.assert_close(fit.pieces.sum(0) + fit.bias, fit.prediction)


def test_the_fit_is_least_squares_over_the_hidden_layer():
    fit = fit_hidden_units(X, Y, 4, "sigmoid")
    design = torch.cat([hidden_units(X, fit.knots, "sigmoid").T, torch.ones(300, 1, dtype=torch.float64)], 1)
    residual = Y - fit.prediction
    torch.testing.assert_close(design.T @ residual, torch.zeros(5, dtype=torch.float64), rtol=0, atol=1e-8)
    assert fit.rmse == pytest.approx(math.sqrt(torch.mean(residual**2).item()))


def test_approximation_refuses_bad_input():
    with pytest.raises(ValueError, match="x and y must be 1-D of the same length"):
        fit_hidden_units(X, Y[:-1], 3)
    with pytest.raises(ValueError, match="n_units must be below the number of points"):
        fit_hidden_units(X[:3], Y[:3], 3)
    with pytest.raises(ValueError, match="unit must be one of 'relu', 'sigmoid'; got 'tanh'"):
        fit_hidden_units(X, Y, 3, "tanh")
