"""dlcore.losses.robust.fit_line against closed forms and SciPy's optimisers."""

import numpy as np
import pytest
import torch
from scipy.optimize import linprog, minimize

from dlcore.losses.robust import fit_line


def data_with_outlier(seed=0, n=25, shift=40.0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.linspace(0, 10, n, dtype=torch.float64)
    y = 2 * x + 1 + torch.randn(n, generator=generator, dtype=torch.float64)
    y[n * 3 // 4] += shift
    return x, y


def objective(x, y, loss, delta=1.0):
    X, Y = np.c_[x.numpy(), np.ones(len(x))], y.numpy()

    def mean_loss(theta):
        r = np.abs(Y - X @ theta)
        if loss == "huber":
            return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))
        return np.mean(r**2) if loss == "mse" else np.mean(r)

    return mean_loss


@pytest.mark.parametrize("seed", range(4))
def test_least_squares_is_lstsq(seed):
    x, y = data_with_outlier(seed)
    line = fit_line(x, y, "mse")
    slope, intercept = np.polyfit(x.numpy(), y.numpy(), 1)
    assert line.slope == pytest.approx(slope, rel=1e-12) and line.intercept == pytest.approx(intercept, rel=1e-10)
    assert line.iterations == 0


@pytest.mark.parametrize("seed", range(4))
def test_least_absolute_deviations_is_the_linear_programme(seed):
    x, y = data_with_outlier(seed)
    n = len(x)
    X, Y = np.c_[x.numpy(), np.ones(n)], y.numpy()
    # minimise sum(t) subject to -t <= y - X theta <= t
    result = linprog(np.r_[0, 0, np.ones(n)], A_ub=np.block([[X, -np.eye(n)], [-X, -np.eye(n)]]), b_ub=np.r_[Y, -Y],
                     bounds=[(None, None)] * 2 + [(0, None)] * n)
    line = fit_line(x, y, "mae")
    assert objective(x, y, "mae")([line.slope, line.intercept]) == pytest.approx(result.fun / n, rel=1e-7)


@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
def test_huber_fit_minimises_the_huber_loss(delta):
    x, y = data_with_outlier(1)
    line = fit_line(x, y, "huber", delta=delta)
    best = minimize(objective(x, y, "huber", delta), [0.0, 0.0], method="BFGS", options={"gtol": 1e-12})
    np.testing.assert_allclose([line.slope, line.intercept], best.x, rtol=1e-6, atol=1e-6)


def test_an_outlier_drags_least_squares_but_barely_moves_mae_and_huber():
    x, clean = data_with_outlier(2, shift=0.0)
    _, dirty = data_with_outlier(2, shift=60.0)
    moved = {loss: abs(fit_line(x, dirty, loss).slope - fit_line(x, clean, loss).slope) for loss in ("mse", "mae", "huber")}
    assert moved["mse"] > 10 * moved["huber"] and moved["mse"] > 10 * moved["mae"]


def test_bad_input():
    x = torch.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="x and y must be 1-D of the same length"):
        fit_line(x, x[:4])
    with pytest.raises(ValueError, match="x must hold at least two distinct values"):
        fit_line(torch.ones(5), x)
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'mae', 'huber'; got 'l3'"):
        fit_line(x, x, "l3")
    with pytest.raises(ValueError, match="delta must be > 0"):
        fit_line(x, x, "huber", delta=0.0)
