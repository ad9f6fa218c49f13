"""Re-execute chapters in place, deterministically, storing outputs and widget state.

    python scripts/execute_notebooks.py chapters/*.ipynb

Each notebook runs top to bottom in a fresh kernel started in its own folder (as
nbval and Colab do). The widget state is saved into the notebook's metadata so that
GitHub, Colab and the HTML book show the widgets without a kernel. Cell timing
metadata is not recorded, widget model ids (random UUIDs at run time) are renamed in
reading order, progress bars keep their count but not their timings, and text that differs only in what nbval masks (wall times, addresses)
keeps its stored form, so an unchanged chapter re-executes to an unchanged file. Prints each notebook's execution time (the budget is 60 s).
"""

from __future__ import annotations

import configparser
import re
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT_PER_CELL_S = 600
SANITIZE = Path(__file__).resolve().parent.parent / "tests" / "nbval_sanitize.cfg"
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

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"])
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


def stable_widget_ids(notebook, name: str):
    """Rename every widget model id to one derived from the notebook's name and the
    model's place in reading order, and store the widget state in that order, so that
    re-executing an unchanged chapter leaves its file unchanged (the ids are random
    UUIDs at run time). Returns the notebook, changed in place."""
    widgets = notebook.metadata.get("widgets", {}).get(WIDGET_STATE)
    if not widgets:
        return notebook
    order = _models_in_reading_order(notebook)
    renamed = {old: uuid.uuid5(uuid.NAMESPACE_URL, f"dlcore/{name}/{i}").hex for i, old in enumerate(order)}
    text = nbformat.writes(notebook)
    text = MODEL_ID.sub(lambda m: renamed.get(m.group(0), m.group(0)), text)
    renumbered = nbformat.reads(text, as_version=4)
    state = renumbered.metadata["widgets"][WIDGET_STATE]["state"]
    renumbered.metadata["widgets"][WIDGET_STATE]["state"] = {renamed[old]: state[renamed[old]] for old in order}
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


def execute(path: Path) -> float:
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=TIMEOUT_PER_CELL_S,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nbformat.write(keep_unchanged_text(stored, coalesce_streams(stable_widget_ids(steady_progress_bars(notebook), path.stem))), path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for path in map(Path, paths):
        elapsed = execute(path)
        print(f"{path}: executed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
