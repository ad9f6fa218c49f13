"""The frames that let the HTML book's explorers move without a kernel (dlcore/viz/frames.py).

Two halves: the machinery (a live grid is checked, every point is drawn, the sheets hold
exactly those pictures, the controls are put back), and the frames stored for the book
(``assets/static/frames``): every explorer a chapter displays has them, they name the
chapter's stored widget models, the frame at the stored values is the stored figure and
readout, and for the explorers that need no chapter data, Python draws the same readouts
again today."""

from __future__ import annotations

import io
import json
import math
import re

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from dlcore.viz import Explorer, Reading, slider
from dlcore.viz import frames as vf
from stored_frames import (CHAPTERS, FRAMES, displayed_explorers, frame_index, frame_picture, grid_indices, png_picture,
                           rebuild, rebuildable, stored_frames, stored_png, stored_value, widget_state)


def small_explorer(**live) -> Explorer:
    controls = {"a": slider("a", 0.2, 0.0, 1.0, 0.1), "kind": widgets.Dropdown(options=["x", "y", "z"], value="y"),
                "flag": widgets.Checkbox(value=False), "other": widgets.IntSlider(value=3, min=0, max=9)}
    draws = []

    def draw(figure, a, kind, flag, other) -> Reading:
        draws.append((a, kind, flag, other))
        figure.subplots().plot([0, 1], [0, a * (2 if flag else 1)], label=kind)
        return Reading(f"a = {a:.1f}, {kind}, {flag}, {other}", a=a)

    explorer = Explorer(controls, draw, figsize=(2.0, 1.5), live=live or {"a": (0.0, 0.5, 1.0), "kind": ("z", "x"), "flag": (True,)})
    explorer.draws = draws
    return explorer


# -- the machinery --------------------------------------------------------------------------------------------------

def test_a_live_grid_adds_the_starting_value_and_keeps_a_selections_order():
    explorer = small_explorer()
    assert explorer.live == {"a": (0.0, 0.2, 0.5, 1.0), "kind": ("x", "y", "z"), "flag": (False, True)}
    assert len(explorer.grid_points()) == 4 * 3 * 2
    assert explorer.grid_points()[:2] == [{"a": 0.0, "kind": "x", "flag": False}, {"a": 0.0, "kind": "x", "flag": True}]


def test_an_explorer_without_a_live_grid_has_no_frames():
    explorer = Explorer({"a": slider("a", 0.2, 0.0, 1.0, 0.1)}, lambda figure, a: Reading("a"), figsize=(2, 1))
    assert explorer.live == {} and explorer.grid_points() == [{}]


@pytest.mark.parametrize("live, error, words", [
    ({"b": (0.1,)}, ValueError, "lacks: 'b'"),
    ({"a": (2.0,)}, ValueError, "live['a']"),
    ({"a": ()}, ValueError, "live['a']"),
    ({"kind": ("w",)}, ValueError, "live['kind']"),
    ({"flag": (1,)}, ValueError, "live['flag']"),
    ({"a": ("0.5",)}, ValueError, "live['a']"),
    ({"a": (True,)}, ValueError, "live['a']"),
    ([("a", (0.1,))], TypeError, "live must map"),
])
def test_a_wrong_live_grid_is_refused_by_name(live, error, words):
    with pytest.raises(error, match=re.escape(words)):
        small_explorer(**live) if isinstance(live, dict) else Explorer(
            {"a": slider("a", 0.2, 0.0, 1.0, 0.1)}, lambda figure, a: Reading("a"), live=live)


def test_a_multiple_selection_cannot_be_live():
    controls = {"names": widgets.SelectMultiple(options=["p", "q"], value=("p",))}
    with pytest.raises(ValueError, match="live\\['names'\\]"):
        Explorer(controls, lambda figure, names: Reading("n"), live={"names": [("q",)]})


def test_frames_are_every_grid_point_as_the_widget_draws_it_and_the_controls_are_put_back():
    explorer = small_explorer()
    before_png, before_readout = bytes(explorer.image.value), explorer.readout.value
    frames = vf.render_frames(explorer)
    assert len(frames) == len(explorer.grid_points())
    for point, frame in zip(explorer.grid_points(), frames):
        assert frame.readout == f"a = {point['a']:.1f}, {point['kind']}, {point['flag']}, 3"
        assert frame.state == {"a": point["a"], "kind": ["x", "y", "z"].index(point["kind"]), "flag": point["flag"], "other": 3}
    assert explorer.values == {"a": 0.2, "kind": "y", "flag": False, "other": 3}
    assert bytes(explorer.image.value) == before_png and explorer.readout.value == before_readout


def test_sheets_hold_the_frames_pictures_up_to_their_palette():
    explorer = small_explorer(a=(0.0, 1.0))
    frames = vf.render_frames(explorer)
    encoded = vf.sheets(frames, per_sheet=3)
    assert len(encoded) == math.ceil(len(frames) / 3)
    width, height = Image.open(io.BytesIO(frames[0].png)).size
    for index, frame in enumerate(frames):
        sheet = Image.open(io.BytesIO(encoded[index // 3])).convert("RGB")
        assert sheet.width == width and sheet.height % height == 0
        row = index % 3
        picture = sheet.crop((0, row * height, width, (row + 1) * height))
        difference = np.abs(np.asarray(picture, float) - np.asarray(Image.open(io.BytesIO(frame.png)).convert("RGB"), float))
        assert difference.mean() < 0.5 and np.quantile(difference, 0.99) < 8


def test_sheets_refuse_frames_of_different_sizes():
    frames = vf.render_frames(small_explorer(a=(0.0,)))
    other = vf.render_frames(Explorer({"a": slider("a", 0.2, 0.0, 1.0, 0.1)},
                                      lambda figure, a: (figure.subplots(), Reading("a"))[1], figsize=(3, 1), live={"a": (0.5,)}))
    with pytest.raises(ValueError, match="one size"):
        vf.sheets(frames + other)


def test_export_writes_the_wanted_explorers_only(tmp_path):
    wanted, unwanted = small_explorer(a=(0.0,)), small_explorer(a=(1.0,))
    assert vf.export_frames(tmp_path, [wanted.model_id]) == [wanted.model_id]
    described = json.loads((tmp_path / "frames.json").read_text())
    assert list(described) == [wanted.model_id] and unwanted.model_id not in (tmp_path / "frames.json").read_text()
    entry = described[wanted.model_id]
    assert entry["live"] == ["a"] and entry["grid"] == [[0.0, 0.2]]
    assert entry["controls"]["kind"] == {"model": wanted.controls["kind"].model_id, "trait": "index", "label": "kind"}
    assert entry["image"] == wanted.image.model_id and entry["readout"] == wanted.readout.model_id
    assert len(entry["frames"]) == 2 and all((tmp_path / sheet).exists() for sheet in entry["sheets"])


def test_a_multiple_selection_is_described_by_the_indices_its_model_holds(tmp_path):
    controls = {"a": slider("a", 0.2, 0.0, 1.0, 0.1), "names": widgets.SelectMultiple(options=["p", "q", "r"], value=("p", "r"))}
    explorer = Explorer(controls, lambda figure, a, names: (figure.subplots(), Reading(f"{a} {names}"))[1], figsize=(2, 1),
                        live={"a": (0.5,)})
    vf.export_frames(tmp_path, [explorer.model_id])
    entry = json.loads((tmp_path / "frames.json").read_text())[explorer.model_id]
    assert entry["controls"]["names"]["trait"] == "index" and entry["controls"]["a"]["trait"] == "value"
    assert [frame["state"]["names"] for frame in entry["frames"]] == [[0, 2], [0, 2]]


# -- the frames stored for the book ---------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_displayed_explorer_has_frames_that_start_from_its_stored_figure(chapter):
    notebook = json.loads(chapter.read_text())
    state, shown = widget_state(notebook), displayed_explorers(notebook)
    described = stored_frames(chapter)
    assert shown and set(described) == set(shown), "frames for exactly the explorers the chapter shows"
    for entry in described.values():
        models = [entry["image"], entry["readout"], *(c["model"] for c in entry["controls"].values())]
        assert all(model in state for model in models), "the frames name the chapter's stored widgets: re-execute it"
        assert len(entry["frames"]) == math.prod(len(values) for values in entry["grid"]) > 1
        start = frame_index(entry, grid_indices(entry, state))
        assert entry["frames"][start]["readout"] == stored_value(state, entry["readout"], "value")
        stored_controls = {name: stored_value(state, c["model"], c["trait"]) for name, c in entry["controls"].items()}
        assert entry["frames"][start]["state"] == stored_controls
        stored_figure = np.asarray(png_picture(stored_png(state, entry["image"])), float)
        difference = np.abs(np.asarray(frame_picture(entry, start), float) - stored_figure)
        assert difference.mean() < 0.5 and np.quantile(difference, 0.99) < 8, "the frame at the stored values is the stored figure"
        assert len(entry["sheets"]) == math.ceil(len(entry["frames"]) / entry["per_sheet"])
        last = Image.open(FRAMES / entry["sheets"][-1])
        assert last.size == (entry["size"][0], entry["size"][1] * (len(entry["frames"]) - (len(entry["sheets"]) - 1) * entry["per_sheet"]))


def test_no_frames_are_left_from_chapters_that_no_longer_show_them():
    scripts = {path.stem for path in FRAMES.glob("*.js")}
    assert scripts <= {chapter.stem for chapter in CHAPTERS}
    assert {path.name for path in FRAMES.iterdir() if path.is_dir()} == scripts
    used = {sheet for chapter in CHAPTERS if chapter.stem in scripts
            for entry in stored_frames(chapter).values() for sheet in entry["sheets"]}
    assert {str(path.relative_to(FRAMES)) for path in FRAMES.glob("*/*")} == used


def test_the_frames_fit_the_repositorys_budget():
    """At most 4 MiB of the 5 MiB the moving figures may add to the repository (the rest: code, notes)."""
    assert sum(path.stat().st_size for path in FRAMES.rglob("*") if path.is_file()) < 4 * 2**20


def test_a_frames_script_reads_back_and_refuses_what_is_not_one():
    described = {"abc": {"frames": [{"readout": "<b>p = 0.5</b> · “q”", "state": {"x": 1}}]}}
    assert vf.read_frames_script(vf.frames_script("01_demo", described)) == described
    with pytest.raises(ValueError, match="not a frames script"):
        vf.read_frames_script("console.log(1);")


@pytest.mark.parametrize("chapter, model, source", rebuildable(), ids=lambda v: getattr(v, "stem", None) or (v[:8] if len(v) == 32 else ""))
def test_python_draws_the_stored_frames_again(chapter, model, source):
    """The first, middle and last frames of the explorers Python can rebuild: the readout it
    draws now is the stored one."""
    explorer, entry = rebuild(source), stored_frames(chapter)[model]
    points = explorer.grid_points()
    assert len(points) == len(entry["frames"])
    for index in sorted({0, len(points) // 2, len(points) - 1}):
        explorer.set_values(**points[index])
        assert explorer.readout.value == entry["frames"][index]["readout"], points[index]
