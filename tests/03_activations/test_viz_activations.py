"""Drive chapter 3's widgets through their controls, as a reader would."""

import ipywidgets as widgets
import pytest
import torch

from dlcore.activations import gradflow
from dlcore.viz.activations import (
    activation_explorer,
    approximation_explorer,
    gradient_flow_explorer,
    verdict,
)


def test_sigmoid_readout_shows_the_quarter_and_switching_redraws():
    explorer = activation_explorer("sigmoid")
    assert isinstance(explorer.controls["name"], widgets.Dropdown)
    assert explorer.reading["largest_slope"] == pytest.approx(0.25, abs=1e-3)
    before = explorer.image.value
    explorer.controls["name"].value = "tanh"
    assert explorer.reading["largest_slope"] == pytest.approx(1.0, abs=1e-3)
    assert explorer.image.value != before and len(explorer.figure.axes) == 2


def test_the_parameter_slider_moves_the_leaky_slope():
    explorer = activation_explorer("leaky_relu")
    explorer.controls["parameter"].value = 0.3
    assert "negative slope α = 0.3" in explorer.readout.value
    assert explorer.reading["slope_left"] == pytest.approx(0.3)


def test_gradient_flow_explorer_moves_between_regimes():
    explorer = gradient_flow_explorer(depth=30, activation="sigmoid", init_name="xavier")
    assert ">vanishing<" in explorer.readout.value
    explorer.controls["activation"].value = "relu"
    explorer.controls["init_name"].value = "he"
    assert ">healthy<" in explorer.readout.value
    explorer.controls["init_name"].value = "normal(1)"
    assert ">exploding<" in explorer.readout.value
    explorer.controls["activation"].value = "sigmoid"
    explorer.controls["init_name"].value = "xavier"
    explorer.controls["residual"].value = True
    assert "residual" in explorer.readout.value and ">vanishing<" not in explorer.readout.value
    explorer.controls["depth"].value = 5
    assert explorer.readout.value.startswith("5 layers")


def test_verdict_reads_zeros_as_vanishing():
    assert verdict(gradflow.gradient_flow(5, 16, init_name="zeros")) == "vanishing"


def test_approximation_explorer_error_falls_with_units():
    x = torch.linspace(-3, 3, 200, dtype=torch.float64)
    explorer = approximation_explorer(x, torch.sin(2 * x), n_units=2)
    coarse = explorer.reading["rmse"]
    explorer.controls["n_units"].value = 20
    assert explorer.reading["rmse"] < coarse / 10
    explorer.controls["unit"].value = "sigmoid"
    assert "20 sigmoid units" in explorer.readout.value


def test_the_units_slider_stops_below_the_number_of_points():
    x = torch.linspace(-1, 1, 12, dtype=torch.float64)
    explorer = approximation_explorer(x, torch.sin(2 * x), n_units=2)
    assert explorer.controls["n_units"].max == 11
    explorer.controls["n_units"].value = explorer.controls["n_units"].max  # used to raise
    assert "nan" not in explorer.readout.value
