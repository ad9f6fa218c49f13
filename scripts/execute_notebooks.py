"""Re-execute chapters in place, deterministically, storing outputs and widget state.

    python scripts/execute_notebooks.py chapters/*.ipynb

Each notebook runs top to bottom in a fresh kernel started in its own folder (as
nbval and Colab do). The widget state is saved into the notebook's metadata so that
GitHub, Colab and the HTML book show the widgets without a kernel. Cell timing
metadata is not recorded, so an unchanged chapter re-executes to an unchanged file
apart from its images. Prints each notebook's execution time (the budget is 60 s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT_PER_CELL_S = 600


def execute(path: Path) -> float:
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
    nbformat.write(notebook, path)
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
