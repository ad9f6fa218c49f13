"""Drive chapter 1's widget through its sliders, as a reader would."""

import ipywidgets as widgets
import matplotlib as mpl
import pytest

from dlcore.viz import PALETTE, Explorer, Reading, use_book_style
from dlcore.viz.bayes import bayes_explorer


def dot_counts(explorer):
    grid = explorer.figure.axes[0]
    return [len(collection.get_offsets()) for collection in grid.collections]


def test_default_state_is_the_rare_disease_example():
    explorer = bayes_explorer()
    assert explorer.reading["ppv"] == pytest.approx(0.5)
    assert "P(sick | positive) = 50.0%" in explorer.readout.value  # and the reader sees it
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert dot_counts(explorer) == [10, 0, 10, 980]  # tp, fn, fp, tn
    assert explorer.figure.axes[1].get_title() == "10 of 20 positives\nare sick (50%)"


def test_raising_the_prevalence_raises_the_posterior_and_redraws():
    explorer = bayes_explorer()
    before = explorer.image.value
    explorer.controls["prevalence"].value = 0.1
    assert explorer.reading["ppv"] == pytest.approx(99 / 108)
    assert explorer.image.value != before
    assert dot_counts(explorer) == [99, 1, 9, 891]


@pytest.mark.parametrize("control, value, expected", [
    ("specificity", 0.9, 0.0099 / (0.0099 + 0.099)),  # more false alarms: the posterior collapses
    ("sensitivity", 0.5, 0.005 / (0.005 + 0.0099)),   # fewer true positives
])
def test_each_slider_moves_the_readout(control, value, expected):
    explorer = bayes_explorer()
    explorer.controls[control].value = value
    assert explorer.reading["ppv"] == pytest.approx(expected)


def test_runs_under_the_ipywidgets_major_version_in_use():
    # `make test` runs this file under ipywidgets 7.7 (Colab) and under the lock's 8.
    assert widgets.__version__.split(".")[0] in {"7", "8"}


def test_the_widget_is_a_standard_ipywidgets_tree():
    explorer = bayes_explorer()
    assert isinstance(explorer, widgets.VBox)
    assert set(explorer.controls) == {"prevalence", "sensitivity", "specificity"}
    assert all(isinstance(c, widgets.FloatSlider) and not c.continuous_update for c in explorer.controls.values())


def test_explorer_draws_with_the_book_style_without_touching_global_state():
    mpl.rcParams["axes.grid"] = False
    seen = {}

    def draw(figure, x):
        seen["cycle"] = mpl.rcParams["axes.prop_cycle"].by_key()["color"][0]
        figure.add_subplot().plot([0, 1], [0, x])
        return Reading(f"x = {x}", x=x)

    explorer = Explorer({"x": widgets.FloatSlider(value=1.0)}, draw)
    assert seen["cycle"] == PALETTE["blue"] and explorer.readout.value == "x = 1.0"
    explorer.controls["x"].value = 0.5
    assert explorer.readout.value == "x = 0.5" and explorer.reading["x"] == 0.5
    assert mpl.rcParams["axes.grid"] is False
    use_book_style()
    assert mpl.rcParams["axes.grid"] is True
    mpl.rcdefaults()


def test_a_draw_that_returns_text_instead_of_a_reading_is_refused():
    with pytest.raises(TypeError, match="draw must return a dlcore.viz.Reading, got str"):
        Explorer({"x": widgets.FloatSlider(value=1.0)}, lambda figure, x: f"x = {x}")
    with pytest.raises(KeyError, match=r"this reading holds \['x'\], not 'y'"):
        Reading("x = 1", x=1.0)["y"]
