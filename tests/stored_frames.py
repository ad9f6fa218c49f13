"""The frames stored for the HTML book (``assets/static/frames``), read back: shared by
tests/test_frames.py and the browser test (browser/test_book_in_browser.py)."""

from __future__ import annotations

import ast
import base64
import io
import json
from pathlib import Path

from PIL import Image

from dlcore.viz import Explorer, activations, bayes, cluster, losses, norm, optim, sequences
from dlcore.viz.frames import read_frames_script

ROOT = Path(__file__).resolve().parent.parent
FRAMES = ROOT / "assets" / "static" / "frames"
CHAPTERS = sorted((ROOT / "chapters").glob("[01]*.ipynb"))
VIEW, STATE = "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"

# Explorers a chapter builds from literals alone: Python can draw them again, anywhere.
REBUILDABLE = {"bayes_explorer": bayes, "activation_explorer": activations, "information_explorer": losses,
               "schedule_explorer": optim, "race_explorer": optim, "batch_explorer": optim, "gate_explorer": sequences,
               "attention_explorer": sequences, "axes_explorer": norm, "scaling_explorer": norm, "batch_size_explorer": norm,
               "shape_explorer": cluster}


def stored_frames(chapter: Path) -> dict:
    """Explorer model id → its description (dlcore.viz.frames.describe), as the book loads it."""
    script = FRAMES / f"{chapter.stem}.js"
    if not script.exists():
        raise AssertionError(f"no frames for {chapter.name}: run `python scripts/execute_notebooks.py {chapter}`")
    return read_frames_script(script.read_text(encoding="utf-8"))


def widget_state(notebook: dict) -> dict:
    return notebook["metadata"]["widgets"][STATE]["state"]


def displayed_explorers(notebook: dict) -> dict[str, str]:
    """Explorer model id → the source of the cell that displays it."""
    state, shown = widget_state(notebook), {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            model = output.get("data", {}).get(VIEW, {}).get("model_id")
            if model and "dlcore-explorer" in state[model]["state"].get("_dom_classes", []):
                shown[model] = "".join(cell["source"])
    return shown


def stored_value(state: dict, model: str, trait: str):
    return state[model]["state"][trait]


def stored_png(state: dict, model: str) -> bytes:
    (buffer,) = [b for b in state[model]["buffers"] if b["path"] == ["value"]]
    return base64.b64decode(buffer["data"])


def grid_indices(entry: dict, state: dict) -> list[int]:
    """Where the stored controls stand on the explorer's grid."""
    return [values.index(stored_value(state, entry["controls"][name]["model"], entry["controls"][name]["trait"]))
            for name, values in zip(entry["live"], entry["grid"])]


def frame_index(entry: dict, indices: list[int]) -> int:
    index = 0
    for position, values in zip(indices, entry["grid"]):
        index = index * len(values) + position
    return index


def frame_picture(entry: dict, index: int) -> Image.Image:
    """Frame ``index`` cut from its sheet."""
    width, height = entry["size"]
    sheet = Image.open(FRAMES / entry["sheets"][index // entry["per_sheet"]]).convert("RGB")
    row = index % entry["per_sheet"]
    return sheet.crop((0, row * height, width, (row + 1) * height))


def png_picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def rebuild(source: str) -> Explorer | None:
    """The explorer a cell displays, built again here, if its call has only literal arguments
    and needs no chapter data (else None)."""
    call = ast.parse(source.strip().splitlines()[-1], mode="eval").body
    if not isinstance(call, ast.Call) or getattr(call.func, "id", None) not in REBUILDABLE:
        return None
    factory = getattr(REBUILDABLE[call.func.id], call.func.id)
    return factory(*map(ast.literal_eval, call.args), **{k.arg: ast.literal_eval(k.value) for k in call.keywords})


def rebuildable() -> list[tuple[Path, str, str]]:
    """(chapter, explorer model id, cell source) for every displayed explorer Python can rebuild."""
    found = []
    for chapter in CHAPTERS:
        for model, source in displayed_explorers(json.loads(chapter.read_text())).items():
            call = ast.parse(source.strip().splitlines()[-1], mode="eval").body
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) in REBUILDABLE:
                found.append((chapter, model, source))
    return found
