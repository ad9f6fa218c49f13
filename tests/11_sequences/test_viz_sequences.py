"""Drive chapter 11's widgets through their controls, as a reader would."""

import math

import pytest
import torch
from matplotlib.figure import Figure

from dlcore import sequences
from dlcore.sequences import rnn
from dlcore.viz.sequences import attention_example, attention_explorer, draw_attention, draw_gates, gate_explorer


def test_the_attention_explorer_reports_the_weights_dlcore_computes():
    explorer = attention_explorer(dim=16, query=2)
    q, k, allowed = attention_example(16, "none")
    expected = torch.softmax(q @ k.T / 4, dim=-1)[2]
    assert explorer.reading["weights"] == pytest.approx(expected.tolist())
    values = torch.arange(8, dtype=torch.float64)[:, None]
    assert explorer.reading["output"] == pytest.approx(sequences.scaled_dot_product_attention(q, k, values)[2, 0].item())
    explorer.controls["mask"].value = "causal"
    assert explorer.reading["weights"][3:] == [0.0] * 5 and sum(explorer.reading["weights"]) == pytest.approx(1.0)
    explorer.controls["mask"].value = "padding"
    assert explorer.reading["weights"][-2:] == [0.0, 0.0]


def test_without_the_scale_wide_vectors_saturate_the_softmax():
    explorer = attention_explorer(dim=1024, scaled=True)
    scaled = explorer.reading
    explorer.controls["scaled"].value = False
    unscaled = explorer.reading
    assert unscaled["logit_std"] == pytest.approx(32 * scaled["logit_std"])
    assert unscaled["largest"] > 0.8 > 0.5 > scaled["largest"] and unscaled["entropy"] < 0.5 < 1.5 < scaled["entropy"]
    assert "largest weight" in explorer.readout.value


def test_the_gate_explorer_shows_an_open_forget_gate_carrying_the_gradient():
    explorer = gate_explorer(kind="LSTM", keep_bias=0.0, length=60)
    closed = explorer.reading
    explorer.controls["keep_bias"].value = 3.0
    opened = explorer.reading
    assert opened["keep_gate"] > 0.9 > 0.6 > closed["keep_gate"]
    assert opened["reach"] > 1e6 * closed["reach"] and opened["reach_rnn"] == closed["reach_rnn"]
    layer = rnn.initial_layer("LSTM", 4, 16, keep_bias=3.0)
    inputs = torch.randn(60, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    gradient = rnn.gradient_through_time(layer, inputs)
    assert opened["reach"] == pytest.approx((gradient[0] / gradient[-1]).item())
    explorer.controls["kind"].value = "GRU"
    assert "update gate" in explorer.readout.value


@pytest.mark.parametrize("call, message", [
    (lambda: draw_attention(Figure(), 16, 1, "none", 0), "scaled"),
    (lambda: draw_attention(Figure(), 16, True, "none", 8), "query"),
    (lambda: draw_attention(Figure(), 16, True, "diagonal", 0), "mask"),
    (lambda: attention_explorer(dim=32), "dim"),
    (lambda: draw_gates(Figure(), "RNN", 0.0, 10), "kind"),
    (lambda: gate_explorer(length=1), "length"),
    (lambda: gate_explorer(keep_bias=math.nan), "keep_bias"),
])
def test_bad_settings_are_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_the_example_mask_is_the_causal_mask():
    assert torch.equal(attention_example(4, "causal")[2], sequences.causal_mask(8))
