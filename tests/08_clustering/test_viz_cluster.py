"""Drive chapter 8's widgets through their controls, as a reader would."""


from dlcore import data
from dlcore.viz.cluster import k_explorer, lloyd_explorer, shape_explorer


def test_stepping_through_lloyd_lowers_the_inertia():
    X, _ = data.cluster_shapes("blobs", n_samples=300)
    explorer = lloyd_explorer(X, 3, init="random", seed=3)
    start = explorer.reading["inertia"]
    explorer.controls["step"].value = 30  # past convergence: shows the final step
    assert explorer.reading["inertia"] <= start
    assert f"(final {explorer.reading['final_inertia']:,.1f})" in explorer.readout.value
    explorer.controls["init"].value = "k-means++"
    assert explorer.readout.value.startswith("iteration")


def test_k_slider_moves_along_the_elbow_and_silhouette():
    X, _ = data.cluster_shapes("blobs", n_samples=300)
    explorer = k_explorer(X, k=2, ks=range(1, 6))
    assert "best silhouette at k = 3" in explorer.readout.value
    explorer.controls["k"].value = 1
    assert "silhouette undefined at k = 1" in explorer.readout.value
    explorer.controls["k"].value = 3
    assert len(explorer.figure.axes) == 3


def test_standardising_rescues_unequal_scales():
    explorer = shape_explorer("unequal scales")
    raw = explorer.reading["adjusted_rand_index"]
    explorer.controls["standardize"].value = True
    assert explorer.reading["adjusted_rand_index"] > raw + 0.3  # better, not cured: see the chapter
    explorer.controls["kind"].value = "moons"
    assert "moons (standardised)" in explorer.figure.axes[0].get_title()
