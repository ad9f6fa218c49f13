"""Drive chapter 10's widgets through their controls, as a reader would."""

import pytest
import torch

from dlcore import conv, data
from dlcore.viz.conv import KERNELS, convolution_explorer, kernel_explorer


@pytest.fixture(scope="module")
def digits():
    return data.digits(standardize=False).X_test[:5]


def test_the_convolution_explorer_reports_the_formulas_numbers(digits):
    explorer = convolution_explorer(digits[0])
    assert explorer.reading["output_size"] == (6, 6) and explorer.reading["receptive_field"] == 3
    explorer.set_values(padding=1, stride=2)
    assert explorer.reading["output_size"] == (conv.conv_output_size(8, 3, 2, 1),) * 2 == (4, 4)
    explorer.controls["layers"].value = 2
    assert explorer.reading["receptive_field"] == conv.receptive_field([(3, 2), (3, 2)]).size == 7
    assert explorer.reading["jump"] == 4 and "receptive field <b>7×7</b>" in explorer.readout.value


def test_dilation_grows_the_receptive_field_until_the_kernel_no_longer_fits(digits):
    explorer = convolution_explorer(digits[0], kernel_size=3, layers=1)
    explorer.controls["dilation"].value = 3
    assert explorer.reading["receptive_field"] == 7 and explorer.reading["output_size"] == (2, 2)
    explorer.controls["kernel_size"].value = 5
    assert explorer.reading["output_size"] is None and "no output" in explorer.readout.value


def test_a_preset_fills_the_kernel_grid_and_an_edited_entry_changes_the_map(digits):
    explorer = kernel_explorer(digits, preset="box blur")
    assert explorer.reading["kernel_sum"] == pytest.approx(1.0)
    explorer.controls["preset"].value = "Laplacian"
    assert [explorer.controls[f"k1{j}"].value for j in range(3)] == list(KERNELS["Laplacian"][1])
    assert explorer.reading["kernel_sum"] == pytest.approx(0.0) and "responds only to change" in explorer.readout.value
    before = explorer.reading["largest"]
    explorer.controls["k11"].value = -8.0
    assert explorer.reading["kernel_sum"] == pytest.approx(-4.0) and explorer.reading["largest"] != before


def test_the_feature_map_is_dlcores_convolution(digits):
    explorer = kernel_explorer(digits, index=2, preset="vertical edges (Sobel)")
    kernel = torch.tensor(KERNELS["vertical edges (Sobel)"], dtype=torch.float64)
    expected = torch.nn.functional.conv2d(digits[2].reshape(1, 1, 8, 8).double(), kernel[None, None], padding=1)
    assert explorer.reading["largest"] == pytest.approx(expected.max().item())
    assert explorer.reading["smallest"] == pytest.approx(expected.min().item())


def test_set_values_sets_several_controls_and_draws_once():
    from dlcore.viz import Explorer, Reading, slider

    draws = []

    def draw(figure, a, b):
        draws.append((a, b))
        return Reading(f"{a} {b}", total=a + b)

    explorer = Explorer({"a": slider("a", 0.1, 0.0, 1.0, 0.1), "b": slider("b", 0.2, 0.0, 1.0, 0.1)}, draw)
    explorer.set_values(a=0.5, b=0.7)
    assert draws[1:] == [(0.5, 0.7)] and explorer.reading["total"] == pytest.approx(1.2)
    explorer.controls["a"].value = 0.9  # the controls still redraw on their own afterwards
    assert draws[-1] == (0.9, 0.7)
