"""Drive chapter 9's widgets through their controls, as a reader would."""

import numpy as np
import torch

from dlcore import train
from dlcore.distill import pruned_copy
from dlcore.viz.distill import pruning_explorer, sweep_explorer, temperature_explorer


def test_raising_the_temperature_lifts_the_runner_up():
    logits = torch.tensor([[6.0, 3.0, 0.0, -1.0]], dtype=torch.float64)
    explorer = temperature_explorer(torch.zeros(1, 64), logits, torch.tensor([0]), T=1.0)
    explorer.controls["T"].value = 8.0
    assert explorer.reading["true_class"] < 0.9
    assert "runner-up, 1" in explorer.readout.value


def test_sweep_explorer_finds_the_best_cell():
    grid = np.array([[0.8, 0.85], [0.9, 0.7]])
    explorer = sweep_explorer((1.0, 4.0), (0.5, 0.9), grid)
    assert "best overall: T = 1, α = 0.9 (0.900)" in explorer.readout.value
    explorer.controls["alpha"].value = 0.5
    assert explorer.readout.value.startswith("α = 0.5: best T = 4")


def test_pruning_slider_zeroes_weights_and_reports_accuracy():
    torch.manual_seed(0)
    X = torch.randn(200, 4)
    y = (X[:, 0] > 0).long()
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    train.fit(model, X, y, torch.nn.functional.cross_entropy, epochs=20, lr=0.01)
    half = pruned_copy(model, 0.5)
    assert (half[0].weight == 0).sum().item() == 32 and (model[0].weight != 0).all()
    explorer = pruning_explorer(model, X, y, amount=0.0)
    full = explorer.reading["accuracy"]
    explorer.controls["amount"].value = 0.95
    assert "95% of the weights pruned" in explorer.readout.value
    assert explorer.reading["accuracy"] <= full
