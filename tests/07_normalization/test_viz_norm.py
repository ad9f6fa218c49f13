"""Drive chapter 7's widgets through their controls, as a reader would."""

import torch

from dlcore.norm import NORMS, normalize
from dlcore.viz.norm import axes_explorer, batch_size_explorer, scaling_explorer


def test_axes_explorer_shows_batchnorm_centres_channels_and_layernorm_centres_samples():
    explorer = axes_explorer("BatchNorm")
    assert explorer.reading["channel_mean_spread"] < 1e-6
    explorer.controls["kind"].value = "LayerNorm"
    assert explorer.reading["sample_mean_std"] < 1e-6
    assert len(explorer.figure.axes) == 2
    x = torch.randn(3, 6, 4, dtype=torch.float64)
    for kind in NORMS:
        assert normalize(kind, x).shape == x.shape


def test_batch_norm_noise_falls_with_batch_size_and_group_norm_has_none():
    explorer = batch_size_explorer(batch_size=4)
    small = explorer.reading["batch_norm_std"]
    explorer.controls["batch_size"].value = 128
    assert explorer.reading["batch_norm_std"] < small / 2
    assert explorer.reading["group_norm_std"] < 1e-12  # rounding only


def test_standardising_removes_the_ravine():
    explorer = scaling_explorer(scale=20.0)
    text = explorer.readout.value
    raw = float(text.split("raw features: loss ")[1].split()[0])
    standardized = float(text.split("standardised: loss ")[1].split()[0])
    assert standardized < raw / 100
    assert "condition number" in explorer.figure.axes[0].get_title()
    explorer.controls["scale"].value = 1.0
    assert explorer.readout.value.startswith("feature scale 1")
