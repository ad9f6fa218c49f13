"""Build the PDF edition, ``_build/pdf/dlcore.pdf`` (``make pdf``).

The HTML book shows the chapters' stored outputs. A printed page needs more than their
100-dpi pictures, so the PDF is made from a fresh run:

1. the book's sources are copied to ``build/pdf/`` and arranged for print: the landing
   page is the first chapter, "About this book", each part of the table of contents
   opens with a LaTeX part page, and the HTML-only parts of the landing page are left out;
2. every chapter is executed there with matplotlib's figures drawn as PDF (vectors, sharp
   at any print size), two chapters at a time on one thread each, and each explorer's
   preview becomes its default figure, also as a vector, followed by a note that names the
   controls that move it in the HTML book and the notebook;
3. Jupyter Book's LaTeX builder writes the book with XeLaTeX (``latex:`` in ``_config.yml``:
   TeX Live with the DejaVu and Noto CJK fonts, Debian's packages, which ``make pdf``
   installs), and
   latexmk makes one PDF: landing page, chapters, the interview questions, the appendix,
   the glossary and the references.

The PDF is also copied into the HTML book (``_build/html/dlcore.pdf``), which links to it.
Prints each chapter's time, the LaTeX time, the page count and the size.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "pdf"
PDF = ROOT / "_build" / "pdf" / "dlcore.pdf"
HTML_COPY = ROOT / "_build" / "html" / "dlcore.pdf"
# What the book is made of (see _config.yml's exclude_patterns): everything else stays behind.
SOURCES = ("_config.yml", "_toc.yml", "_ext", "chapters", "assets/references.bib", "assets/static", "assets/cards")
PRINT_FIGURES = "%config InlineBackend.figure_formats = ['pdf']"


def _execute_notebooks():
    """scripts/execute_notebooks.py, whose client runs a chapter and then one more cell."""
    if "execute_notebooks" in sys.modules:
        return sys.modules["execute_notebooks"]
    spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def copy_sources() -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    for name in SOURCES:
        source, target = ROOT / name, WORK / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "frames"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return WORK


def arrange_for_print(work: Path) -> None:
    """The landing page becomes the chapter "About this book" under a title-only root (in
    LaTeX the root's own sections would become chapters and swallow the rest), the
    table of contents loses its captions, and each part opens with ``\\part{caption}``."""
    toc = yaml.safe_load((work / "_toc.yml").read_text())
    title = yaml.safe_load((work / "_config.yml").read_text())["title"]
    (work / "print_root.md").write_text(f"# {title}\n")
    intro = (work / f"{toc['root']}.md").read_text()
    intro = re.sub(r"\A# .*\n", "# About this book\n", intro)
    intro = intro[:intro.index("\n## Chapters")] + "\n"  # the HTML table of contents: LaTeX prints its own
    (work / f"{toc['root']}.md").write_text(intro)
    parts = [{"chapters": [{"file": toc["root"]}]}]
    for part in toc["parts"]:
        opening = f"```{{raw}} latex\n\\part{{{part['caption']}}}\n```\n"
        first = work / part["chapters"][0]["file"]
        if first.with_suffix(".ipynb").exists():
            notebook = nbformat.read(first.with_suffix(".ipynb"), as_version=4)
            notebook.cells.insert(0, nbformat.v4.new_markdown_cell(opening))
            nbformat.write(notebook, first.with_suffix(".ipynb"))
        else:
            first = first.with_suffix(".md")
            first.write_text(opening + "\n" + first.read_text())
        parts.append({"chapters": part["chapters"]})
    (work / "_toc.yml").write_text(yaml.safe_dump({"format": toc["format"], "root": "print_root", "parts": parts}, allow_unicode=True))


def _previews_epilogue(folder: str):
    def epilogue(shown: list[str]) -> str:
        return (f"from dlcore.viz.frames import export_previews\n"
                f"export_previews({folder!r}, {shown!r});")
    return epilogue


def print_previews(notebook, folder: Path) -> int:
    """Give each explorer's output its default figure as a PDF (the LaTeX builder prefers it to
    the widget) and add the note that says how it moves. Returns the number of previews."""
    previews, view = json.loads((folder / "previews.json").read_text()), _execute_notebooks().WIDGET_VIEW
    count = 0
    for cell in notebook.cells:
        outputs = []
        for output in cell.get("outputs", []):
            outputs.append(output)
            model = output.get("data", {}).get(view, {}).get("model_id")
            if model in previews:
                output["data"]["application/pdf"] = base64.b64encode((folder / f"{model}.pdf").read_bytes()).decode()
                outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": previews[model]}))
                count += 1
        if cell.cell_type == "code":
            cell.outputs = outputs
    return count


def execute_for_print(path: Path) -> tuple[str, float, int]:
    """Execute one chapter of the copy in place, figures as PDF; return its name, time and previews."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(PRINT_FIGURES))
    with tempfile.TemporaryDirectory() as folder:
        elapsed = _execute_notebooks().client_for(notebook, path, _previews_epilogue(folder)).execute_chapter()
        del notebook.cells[0]
        count = print_previews(notebook, Path(folder))
    nbformat.write(notebook, path)
    return path.name, elapsed, count


def execute_all_for_print(chapters: list[Path]) -> None:
    """Two chapters at a time, one thread each (two cores; a chapter's printed outputs do not
    depend on its thread count: `make test` and `make perturb` hold them to that)."""
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    with ProcessPoolExecutor(max_workers=2) as pool:
        for name, elapsed, previews in pool.map(execute_for_print, chapters):
            print(f"{name}: executed for print in {elapsed:.1f} s ({previews} explorer previews)", flush=True)


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader  # requirements/pdf.txt, installed by `make pdf`

    return len(PdfReader(pdf).pages)


def main(args: list[str]) -> int:
    start = time.perf_counter()
    work = copy_sources()
    arrange_for_print(work)
    if "--stored-outputs" not in args:  # (a quick draft for working on the LaTeX: stored pictures, no previews)
        execute_all_for_print(sorted((work / "chapters").glob("[01]*.ipynb")))
    latex_start = time.perf_counter()
    build = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(work), "--builder", "pdflatex"],
                           capture_output=True, text=True)
    built = work / "_build" / "latex" / "dlcore.pdf"
    if build.returncode or not built.exists():
        print(build.stdout[-6000:], build.stderr[-6000:], sep="\n")
        print(f"the LaTeX build failed; its log: {work / '_build' / 'latex' / 'dlcore.log'}")
        return 1
    PDF.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, PDF)
    if HTML_COPY.parent.exists():
        shutil.copyfile(built, HTML_COPY)
    print(f"LaTeX in {time.perf_counter() - latex_start:.0f} s; {PDF}: {page_count(PDF)} pages, "
          f"{PDF.stat().st_size / 2**20:.1f} MiB, {time.perf_counter() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
