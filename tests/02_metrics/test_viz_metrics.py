"""Drive chapter 2's widgets through their sliders, as a reader would."""

import ipywidgets as widgets
import numpy as np

from dlcore import metrics
from dlcore.viz.metrics import prevalence_explorer, threshold_explorer

rng = np.random.default_rng(0)
LABELS = np.r_[np.zeros(300, int), np.ones(100, int)]
SCORES = np.clip(rng.normal(0.35 + 0.3 * LABELS, 0.15), 0, 1)


def test_raising_the_threshold_trades_recall_for_precision():
    explorer = threshold_explorer(LABELS, SCORES)
    assert isinstance(explorer.controls["threshold"], widgets.FloatSlider)
    before = explorer.image.value
    low = (explorer.reading["precision"], explorer.reading["recall"])
    explorer.controls["threshold"].value = 0.8
    high = (explorer.reading["precision"], explorer.reading["recall"])
    assert high[0] > low[0] and high[1] < low[1]
    assert explorer.image.value != before
    assert len(explorer.figure.axes) == 4


def test_a_threshold_above_every_score_leaves_precision_undefined_not_nan():
    explorer = threshold_explorer(LABELS, SCORES)
    explorer.controls["threshold"].value = 1.0
    assert "precision = undefined" in explorer.readout.value
    assert "nan" not in explorer.readout.value


def test_prevalence_moves_precision_and_ap_but_not_recall_or_auc():
    explorer = prevalence_explorer(LABELS, SCORES)
    assert explorer.controls["prevalence"].value == 0.25
    auc, recall, precision, ap = (explorer.reading[k] for k in ("roc_auc", "recall", "precision", "average_precision"))
    explorer.controls["prevalence"].value = 0.01
    assert explorer.reading["roc_auc"] == auc and explorer.reading["recall"] == recall
    assert explorer.reading["precision"] < precision / 5
    assert explorer.reading["average_precision"] < ap
    roc_line = explorer.figure.axes[0].lines[0]
    np.testing.assert_array_equal(roc_line.get_xdata(), metrics.roc_curve(LABELS, SCORES).fpr)
