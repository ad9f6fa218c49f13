"""Drive chapter 4's widgets through their sliders, as a reader would."""

import pytest
import torch

from dlcore.losses import loss_shares
from dlcore.viz.losses import focal_explorer, information_explorer, robust_explorer


def line_with_outlier():
    generator = torch.Generator().manual_seed(0)
    x = torch.linspace(0, 10, 20, dtype=torch.float64)
    return x, 2 * x + 1 + 0.5 * torch.randn(20, generator=generator, dtype=torch.float64)


def test_moving_the_outlier_drags_the_least_squares_line_most():
    x, y = line_with_outlier()
    explorer = robust_explorer(x, y, outlier=15, shift=0.0)
    still = {k: explorer.reading["slopes"][k.lower()] for k in ("MSE", "MAE")}
    explorer.controls["shift"].value = 60.0
    moved = {k: explorer.reading["slopes"][k.lower()] for k in ("MSE", "MAE")}
    assert abs(moved["MSE"] - still["MSE"]) > 5 * abs(moved["MAE"] - still["MAE"])
    before = explorer.image.value
    explorer.controls["delta"].value = 3.0
    assert "Huber (δ = 3.0)" in explorer.readout.value and explorer.image.value != before


def test_focal_gamma_moves_the_loss_off_easy_examples():
    generator = torch.Generator().manual_seed(1)
    targets = (torch.rand(2000, generator=generator) < 0.02).double()
    logits = torch.randn(2000, generator=generator, dtype=torch.float64) + torch.where(targets == 1, 1.0, -3.0)
    explorer = focal_explorer(logits, targets, gamma=0.0)
    at_zero = explorer.reading["easy_share"]
    explorer.controls["gamma"].value = 3.0
    assert explorer.reading["easy_share"] < at_zero - 0.30  # thirty percentage points
    shares = loss_shares(logits, targets, 2.0)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_information_explorer_shows_kl_is_not_symmetric_and_zero_for_equal_distributions():
    explorer = information_explorer(mean_p=4, std_p=1, mean_q=6, std_q=2)
    assert explorer.reading["kl_pq"] != pytest.approx(explorer.reading["kl_qp"], abs=1e-3)
    for name, value in (("mean_q", 4.0), ("std_q", 1.0)):
        explorer.controls[name].value = value
    assert explorer.reading["kl_pq"] == 0.0 and explorer.reading["kl_qp"] == 0.0


