"""Re-execute chapters in place, deterministically, storing outputs and widget state.

    python scripts/execute_notebooks.py chapters/*.ipynb

Each notebook runs top to bottom in a fresh kernel started in its own folder (as
nbval and Colab do). The widget state is saved into the notebook's metadata so that
GitHub, Colab and the HTML book show the widgets without a kernel. Cell timing
metadata is not recorded, widget model ids (random UUIDs at run time) are renamed in
reading order, progress bars keep their count but not their timings, and text that differs only in what nbval masks (wall times, addresses)
keeps its stored form, so an unchanged chapter re-executes to an unchanged file. Prints each notebook's execution time (the budget is 60 s).

Then, in the same kernel, every explorer the chapter displays is moved through its live
grid and its frames are written to ``assets/static/frames/<chapter>/`` with a script that
describes them, ``<chapter>.js`` (:mod:`dlcore.viz.frames`): the HTML book's figures follow
their controls with no kernel. The frames carry the widget model ids stored in the
notebook, so they are rewritten whenever the chapter is.
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import tempfile
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dlcore.viz.frames import frames_script

TIMEOUT_PER_CELL_S = 600
ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
FRAMES = ROOT / "assets" / "static" / "frames"
TEXT = ("text/plain", "text/html", "text/markdown", "application/papermill.record/text/plain")
# Wall-clock times that a cell prints (a GPU exercise's "0.4 s"): they vary from run to run.
# Their padding too: a right-aligned "969 ms" becomes " 1051 ms".
TIMING = (re.compile(r"\s*\d+(\.\d+)?\s?(ms|µs|us|ns|s)\b"), " TIME")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
MODEL_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")  # also inside "IPY_MODEL_<id>"
# A progress bar's readout, "8/8 [00:01<00:00, 55.78it/s]" (HTML-escaped in widget state; tqdm pads with figure spaces).
PROGRESS_TIMES = re.compile(r"(\d+/\d+)\s*\[[\d:]+&lt;[\d:?]+,\s*[\d.?]+\s?(?:it/s|s/it)\]")


def displayed_models(cells) -> list[str]:
    """The model ids of the widgets that ``cells`` display, in order."""
    return [output["data"][WIDGET_VIEW]["model_id"] for cell in cells for output in cell.get("outputs", [])
            if WIDGET_VIEW in output.get("data", {})]


def _models_in_reading_order(notebook) -> list[str]:
    """Widget model ids as a reader meets them: each displayed widget in cell order,
    then, depth first, the models it refers to (children, layouts, styles)."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        text = nbformat.writes(nbformat.from_dict({"s": state[model_id]}))  # any nesting
        for referenced in MODEL_REFERENCE.findall(text):
            visit(referenced)

    for model_id in displayed_models(notebook.cells):
        visit(model_id)
    # Models no displayed widget refers to (rare): by their content, for a stable order.
    rest = sorted(set(state) - set(order), key=lambda m: (state[m]["model_name"], repr(state[m]["state"])))
    return order + rest


def steady_progress_bars(notebook):
    """Store a progress bar's count without its elapsed time and rate, which change from
    run to run ("8/8 [00:01<00:00, 55.78it/s]" is stored as "8/8"). Returns the notebook,
    changed in place."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if model.get("model_name") == "HTMLModel" and isinstance(value, str):
            model["state"]["value"] = PROGRESS_TIMES.sub(r"\1", value)
    return notebook


def stable_names(notebook, name: str) -> dict[str, str]:
    """Each widget model id (a random UUID at run time) → one derived from the notebook's
    name and the model's place in reading order."""
    order = _models_in_reading_order(notebook)
    return {old: uuid.uuid5(uuid.NAMESPACE_URL, f"dlcore/{name}/{i}").hex for i, old in enumerate(order)}


def renamed_ids(text: str, renamed: dict[str, str]) -> str:
    return MODEL_ID.sub(lambda m: renamed.get(m.group(0), m.group(0)), text)


def stable_widget_ids(notebook, name: str):
    """Rename every widget model id as :func:`stable_names` says, and store the widget
    state in reading order, so that re-executing an unchanged chapter leaves its file
    unchanged. Returns the notebook, changed in place."""
    if not notebook.metadata.get("widgets", {}).get(WIDGET_STATE):
        return notebook
    renamed = stable_names(notebook, name)
    renumbered = nbformat.reads(renamed_ids(nbformat.writes(notebook), renamed), as_version=4)
    state = renumbered.metadata["widgets"][WIDGET_STATE]["state"]
    renumbered.metadata["widgets"][WIDGET_STATE]["state"] = {new: state[new] for new in renamed.values()}
    return renumbered


def _masks() -> list[tuple[re.Pattern, str]]:
    config = configparser.ConfigParser()
    config.read(SANITIZE, encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()] + [TIMING]


def _masked(text, masks) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    for pattern, replacement in masks:
        text = pattern.sub(replacement, text)
    return text


def keep_unchanged_text(old, new):
    """Where a cell's source is unchanged and a text output differs from the stored one
    only in what nbval masks (addresses, temporary paths, wall times, float tails), keep
    the stored text, so that a re-execution rewrites only what really changed. Images
    and everything else are taken from the new run. Returns ``new``, changed in place."""
    masks = _masks()
    stored = {cell.source: cell for cell in old.cells if cell.cell_type == "code"}
    for cell in new.cells:
        before = stored.get(cell.source) if cell.cell_type == "code" else None
        if before is None or len(before.outputs) != len(cell.outputs):
            continue
        for was, now in zip(before.outputs, cell.outputs):
            if was.output_type != now.output_type:
                continue
            if now.output_type == "stream" and was.name == now.name and _masked(was.text, masks) == _masked(now.text, masks):
                now.text = was.text
            for key in TEXT:
                if key in now.get("data", {}) and key in was.get("data", {}) and _masked(was.data[key], masks) == _masked(now.data[key], masks):
                    now.data[key] = was.data[key]
    return new


def coalesce_streams(notebook):
    """Merge consecutive outputs of one stream: how the kernel splits a cell's prints into
    messages depends on timing, and the file should not. Returns the notebook, changed in place."""
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if previous is not None and output.output_type == previous.output_type == "stream" and output.name == previous.name:
                previous.text = "".join(previous.text) + "".join(output.text)
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged
    return notebook


class EpilogueClient(NotebookClient):
    """Runs the notebook, then one more cell that is not stored, written once the chapter
    has run by ``epilogue(displayed model ids)``: the frames here, the print figures of
    the explorers for the PDF edition (scripts/build_pdf.py)."""

    def __init__(self, notebook, epilogue, **kwargs):
        self.chapter_cells, self.epilogue = len(notebook.cells), epilogue
        notebook.cells.append(nbformat.v4.new_code_cell(""))
        super().__init__(notebook, **kwargs)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        if cell_index == self.chapter_cells:  # the chapter has run: its displayed widgets are known
            self.chapter_done = time.perf_counter()
            cell.source = self.epilogue(displayed_models(self.nb.cells[:cell_index]))
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    def execute_chapter(self) -> float:
        """Execute, drop the epilogue cell; return the chapter's own time (the budget is 60 s)."""
        start = time.perf_counter()
        self.execute()
        del self.nb.cells[self.chapter_cells:]
        return self.chapter_done - start


def client_for(notebook, path: Path, epilogue) -> EpilogueClient:
    """A deterministic run in a fresh kernel started in the chapter's folder, widget state stored."""
    return EpilogueClient(notebook, epilogue, kernel_name="python3", timeout=TIMEOUT_PER_CELL_S,
                          resources={"metadata": {"path": str(path.parent)}}, record_timing=False, store_widget_state=True)


def store_frames(exported: Path, chapter: str, renamed: dict[str, str]) -> int:
    """Move the kernel's frames into ``assets/static/frames/<chapter>/`` under the stored
    model ids, with ``<chapter>.js`` describing them for the book. Returns the number of frames."""
    described = json.loads(renamed_ids((exported / "frames.json").read_text(), renamed))
    target = FRAMES / chapter
    shutil.rmtree(target, ignore_errors=True)
    (FRAMES / f"{chapter}.js").unlink(missing_ok=True)
    if not described:
        return 0
    target.mkdir(parents=True)
    for explorer in described.values():
        for number, sheet in enumerate(explorer["sheets"]):
            name = f"{explorer['image'][:12]}-{number}.webp"
            shutil.copyfile(exported / sheet, target / name)
            explorer["sheets"][number] = f"{chapter}/{name}"
    (FRAMES / f"{chapter}.js").write_text(frames_script(chapter, described), encoding="utf-8")
    return sum(len(explorer["frames"]) for explorer in described.values())


def execute(path: Path) -> tuple[float, int]:
    """Execute a chapter in place and store its frames; return the chapter's time and the frame count."""
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as exported:
        def epilogue(shown):
            return f"from dlcore.viz.frames import export_frames\nexport_frames({exported!r}, {shown!r});"

        elapsed = client_for(notebook, path, epilogue).execute_chapter()
        notebook = steady_progress_bars(notebook)
        frames = store_frames(Path(exported), path.stem, stable_names(notebook, path.stem))
    nbformat.write(keep_unchanged_text(stored, coalesce_streams(stable_widget_ids(notebook, path.stem))), path)
    return elapsed, frames


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for path in map(Path, paths):
        start = time.perf_counter()
        elapsed, frames = execute(path)
        print(f"{path}: executed in {elapsed:.1f} s; {frames} frames rendered in {time.perf_counter() - start - elapsed:.1f} s more")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
