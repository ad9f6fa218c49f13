"""Run every chapter's GPU exercise as a plain script, where Jupyter is not installed.

    python scripts/gpu_exercises.py chapters/*.ipynb

For each notebook, the code cells of its GPU exercise's solution (the markdown
``{solution-start} ex-...-gpu`` up to ``{solution-end}``) run in one namespace that
holds the chapter's own imports (every top-level import of its code cells that works
here: the widget modules need ipywidgets, which a bare GPU machine may lack) and
``DEVICE = dlcore.utils.device()``, so a lent GPU machine can prove the exercises
without the book's Jupyter stack. ``show(...)`` prints nothing here; everything else
prints as in the notebook.
"""

from __future__ import annotations

import ast
import json
import math
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn import metrics as sk

import dlcore
from dlcore import activations, bayes, data, losses, metrics, utils
from dlcore.activations import gradflow, init

START = re.compile(r"\{solution-start\}\s+ex-[a-z-]+-gpu")


def gpu_cells(path: Path) -> list[str]:
    cells, inside = [], False
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if START.search(source):
                inside = True
            elif "{solution-end}" in source and inside:
                break
        elif inside:
            cells.append(source)
    return cells


def chapter_imports(path: Path) -> dict:
    """A namespace holding every top-level import of the notebook's code cells that succeeds here."""
    namespace: dict = {}
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        # IPython magics (%pip, !ls) are not Python: each becomes `pass`, keeping the block it sits in valid.
        source = re.sub(r"^(\s*)[%!].*$", r"\1pass", "".join(cell["source"]), flags=re.M)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                try:
                    exec(compile(ast.Module([node], []), str(path), "exec"), namespace)
                except ImportError:
                    pass
    return namespace


def main(paths: list[str]) -> None:
    device = utils.device()
    print(f"device: {device} ({torch.cuda.get_device_name() if device.type == 'cuda' else 'no accelerator'}), torch {torch.__version__}")
    for path in map(Path, paths):
        cells = gpu_cells(path)
        print(f"\n=== {path.name}: {len(cells)} cell(s)")
        namespace = dict(math=math, time=time, np=np, torch=torch, F=F, sk=sk, dlcore=dlcore, activations=activations,
                         bayes=bayes, data=data, gradflow=gradflow, init=init, losses=losses, metrics=metrics)
        namespace.update(chapter_imports(path))
        namespace.update(DEVICE=device, show=lambda obj: None)
        start = time.perf_counter()
        for source in cells:
            exec(compile(source, str(path), "exec"), namespace)
        print(f"--- {path.name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
