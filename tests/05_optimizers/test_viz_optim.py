"""Drive chapter 5's widgets through their controls, as a reader would."""

import numpy as np
import pytest

from dlcore.optim import SCHEDULES, schedule_curve
from dlcore.optim.landscape import RACERS
from dlcore.viz.optim import batch_explorer, race_explorer, schedule_explorer


def test_the_race_shows_every_chosen_optimizer_and_momentum_beats_sgd_in_the_ravine():
    explorer = race_explorer("ravine", names=("SGD", "momentum"), lr_sgd=0.01, steps=100)
    assert explorer.reading["gaps"]["momentum"] < explorer.reading["gaps"]["SGD"] / 100
    explorer.controls["names"].value = tuple(RACERS)
    assert all(name in explorer.readout.value for name in RACERS)
    assert len(explorer.figure.axes[1].get_lines()) == len(RACERS)


def test_too_large_a_learning_rate_is_reported_as_divergence():
    explorer = race_explorer("ravine", names=("SGD",), lr_sgd=0.1, steps=100)  # 0.1 > 2/25
    assert "diverged" in explorer.readout.value
    explorer.controls["lr_sgd"].value = 0.05
    assert "diverged" not in explorer.readout.value


def test_no_optimizer_chosen_is_said_plainly():
    explorer = race_explorer(names=())
    assert explorer.readout.value == "pick an optimizer"


def test_the_gradient_cloud_tightens_as_the_batch_grows():
    explorer = batch_explorer(batch_size=4)
    small = explorer.reading["variance"]
    explorer.controls["batch_size"].value = 64
    assert explorer.reading["variance"] < small / 8
    assert explorer.reading["bias"] < 0.2
    assert "16 updates fit in one epoch" in explorer.readout.value


def test_each_schedule_draws_and_reports_its_ends():
    explorer = schedule_explorer("warmup + cosine", lr=0.1, total=1000, fraction=0.1)
    assert explorer.reading["start"] == 0.0 and "on step 100" in explorer.readout.value
    for name in SCHEDULES:
        explorer.controls["name"].value = name
        curve = schedule_curve(name, 0.1, 200, 0.3)
        assert len(curve) == 200 and curve.max() <= 0.1 + 1e-12 and (curve >= 0).all()
    np.testing.assert_allclose(schedule_curve("constant", 0.1, 5, 0.5), 0.1)
    with pytest.raises(ValueError, match="name must be one of"):
        schedule_curve("exponential", 0.1, 10, 0.5)


def test_nesterov_at_momentum_zero_races_as_plain_sgd_instead_of_raising():
    explorer = race_explorer("ravine", names=("SGD", "Nesterov"), lr_sgd=0.01, momentum=0.9, steps=50)
    explorer.controls["momentum"].value = 0.0
    assert explorer.reading["gaps"]["Nesterov"] == explorer.reading["gaps"]["SGD"]
