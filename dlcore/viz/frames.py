"""An explorer's figure and readout at every point of its live grid, for the HTML book.

The HTML book has no kernel: it shows each explorer as the notebook stored it. When a
chapter is executed (``scripts/execute_notebooks.py``), every explorer it displays is
moved through its ``live`` grid (:class:`dlcore.viz.Explorer`) and each frame is kept:
the picture, the readout, and the values of the controls the move changed (a preset that
fills in a kernel). The pictures of one explorer are stacked into WebP sheets (a shared
256-colour palette, then lossless), so that frames that differ only in one panel cost
little; the book's script
(``assets/static/dlcore-frames.js``) shows the frame that the controls point at.

For the PDF edition (``scripts/build_pdf.py``), :func:`export_previews` writes each
displayed explorer's figure as a vector drawing, with the note printed under it.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
from PIL import Image

from . import Explorer, _option_values

__all__ = ["Frame", "FRAMES_PER_SHEET", "control_state", "render_frames", "sheets", "describe", "export_frames",
           "frames_script", "read_frames_script", "export_previews"]

#: Frames stacked in one sheet: few enough that a sheet decodes into a few tens of MB
#: (a browser holds it decoded while it is shown), many enough that its neighbours compress.
FRAMES_PER_SHEET = 12
#: Colours in a sheet's palette.
PALETTE_COLOURS = 256


@dataclass(frozen=True)
class Frame:
    """One point of the grid: the controls (as their widget models hold them), the readout's HTML, the PNG."""

    state: dict
    readout: str
    png: bytes


SELECTIONS = (widgets.widget_selection._Selection, widgets.widget_selection._MultipleSelection)


def _trait(control: widgets.ValueWidget) -> str:
    """The trait a control's model holds: a selection's model holds the option's index (or,
    for a multiple selection, the indices), not its value."""
    return "index" if isinstance(control, SELECTIONS) else "value"


def control_state(control: widgets.ValueWidget):
    """What the control's model in the page holds (a selection's index; otherwise its value)."""
    return getattr(control, _trait(control))


def render_frames(explorer: Explorer) -> list[Frame]:
    """Move ``explorer`` through its grid (in :meth:`Explorer.grid_points` order) and keep each
    frame; the controls are put back where they were."""
    start = explorer.values
    frames = []
    try:
        for point in explorer.grid_points():
            explorer.set_values(**point)
            state = {name: control_state(control) for name, control in explorer.controls.items()}
            frames.append(Frame(state, explorer.readout.value, bytes(explorer.image.value)))
    finally:
        explorer.set_values(**start)
    return frames


def sheets(frames: list[Frame], per_sheet: int = FRAMES_PER_SHEET) -> list[bytes]:
    """The frames' pictures stacked top to bottom, ``per_sheet`` to a WebP: one 256-colour
    palette per sheet, then lossless."""
    pictures = [Image.open(io.BytesIO(frame.png)).convert("RGB") for frame in frames]
    sizes = {picture.size for picture in pictures}
    if len(sizes) != 1:
        raise ValueError(f"an explorer's frames must share one size, got {sorted(sizes)}")
    width, height = sizes.pop()
    encoded = []
    for first in range(0, len(pictures), per_sheet):
        group = pictures[first:first + per_sheet]
        sheet = Image.new("RGB", (width, height * len(group)), "white")
        for row, picture in enumerate(group):
            sheet.paste(picture, (0, row * height))
        sheet = _paletted(sheet)
        buffer = io.BytesIO()
        sheet.save(buffer, format="WEBP", lossless=True, quality=100, method=5)
        encoded.append(buffer.getvalue())
    return encoded


def _paletted(picture: Image.Image) -> Image.Image:
    """``picture`` with one palette of 256 colours, by median cut, undithered: a plot has few
    colours beyond its anti-aliasing, so pixels move by less than 1/255 on average (the
    white, the text and the lines keep theirs) and the sheet shrinks by a quarter. (An octree
    palette halves it, but greys the white background and moves a pixel in seven.)"""
    return picture.quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def describe(explorer: Explorer, frames: list[Frame], sheet_names: list[str]) -> dict:
    """What the book's script needs to know of one explorer: its models, its grid (as the
    models hold the values), the sheets, and each frame's readout and the controls it set."""
    width, height = Image.open(io.BytesIO(frames[0].png)).size
    grid = [[_as_state(explorer.controls[name], value) for value in values] for name, values in explorer.live.items()]
    return {
        "image": explorer.image.model_id,
        "readout": explorer.readout.model_id,
        "controls": {name: {"model": control.model_id, "trait": _trait(control), "label": control.description or name}
                     for name, control in explorer.controls.items()},
        "live": list(explorer.live),
        "grid": grid,
        "size": [width, height],
        "per_sheet": FRAMES_PER_SHEET,
        "sheets": sheet_names,
        "frames": [{"readout": frame.readout, "state": frame.state} for frame in frames],
    }


def _as_state(control: widgets.ValueWidget, value):
    return _option_values(control).index(value) if _trait(control) == "index" else value


def export_frames(directory, model_ids) -> list[str]:
    """Render every explorer whose widget model is among ``model_ids`` (the ones a chapter
    displays): its sheets as ``<explorer>-<n>.webp`` and all of them described in
    ``frames.json``, in ``directory``. Returns the model ids of the explorers exported."""
    directory, wanted = Path(directory), set(model_ids)
    directory.mkdir(parents=True, exist_ok=True)
    described = {}
    for explorer in sorted(Explorer.made, key=lambda e: e.model_id):
        if explorer.model_id not in wanted or not explorer.live:
            continue
        frames = render_frames(explorer)
        names = []
        for number, sheet in enumerate(sheets(frames)):
            names.append(f"{len(described)}-{number}.webp")
            (directory / names[-1]).write_bytes(sheet)
        described[explorer.model_id] = describe(explorer, frames, names)
    (directory / "frames.json").write_text(json.dumps(described, ensure_ascii=False, sort_keys=True))
    return sorted(described)


def frames_script(chapter: str, described: dict) -> str:
    """The script the book loads on a chapter's page: its explorers' descriptions, registered
    with ``assets/static/dlcore-frames.js``."""
    return (f"// The frames of {chapter}'s explorers, written by scripts/execute_notebooks.py (see dlcore/viz/frames.py).\n"
            f"dlcoreFrames.register({json.dumps(described, ensure_ascii=False, sort_keys=True)});\n")


def read_frames_script(text: str) -> dict:
    """The descriptions a chapter's frames script registers (the inverse of :func:`frames_script`)."""
    found = re.search(r"^dlcoreFrames\.register\((.*)\);$", text, re.M)
    if found is None:
        raise ValueError("not a frames script: no dlcoreFrames.register(...) line")
    return json.loads(found.group(1))


def export_previews(directory, model_ids) -> list[str]:
    """For the printed book: every explorer whose widget model is among ``model_ids``, its
    figure as it stands, as a PDF (``<model id>.pdf``), and in ``previews.json`` the note
    printed under it (which controls move it where). Returns the model ids exported."""
    directory, wanted = Path(directory), set(model_ids)
    directory.mkdir(parents=True, exist_ok=True)
    notes = {}
    for explorer in sorted(Explorer.made, key=lambda e: e.model_id):
        if explorer.model_id not in wanted:
            continue
        explorer.figure.savefig(directory / f"{explorer.model_id}.pdf", format="pdf")
        labels = [explorer.controls[name].description or name for name in explorer.live]
        notes[explorer.model_id] = (
            "*An interactive figure, printed at its starting values. "
            + (f"In the HTML book it follows {_listed(labels)}; " if labels else "")
            + "in the chapter's notebook every control moves it.*")
    (directory / "previews.json").write_text(json.dumps(notes, ensure_ascii=False, sort_keys=True))
    return sorted(notes)


def _listed(labels: list[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
