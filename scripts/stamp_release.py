"""Write the release in pyproject.toml into every chapter's first cell (BOOK_RELEASE = "...").

    python scripts/stamp_release.py

The release is authored in one place, pyproject.toml (dlcore/__init__.py's __version__
mirrors it); each chapter's first cell carries a copy because it must install that
release in Colab before dlcore exists there. tests/test_book_pages.py fails until the copies
agree, so a release bump is: edit pyproject.toml and __version__, run this, re-execute.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
RELEASE_LINE = re.compile(r'^BOOK_RELEASE = "[^"]*"', re.M)


def release() -> str:
    return re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)


def stamp(path: Path, version: str) -> bool:
    """Set the chapter's BOOK_RELEASE to ``version``; return whether the file changed."""
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    stamped = RELEASE_LINE.sub(f'BOOK_RELEASE = "{version}"', first.source)
    if stamped == first.source:
        return False
    first.source = stamped
    nbformat.write(notebook, path)
    return True


def main() -> int:
    version = release()
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        if stamp(path, version):
            print(f"{path.relative_to(ROOT)}: BOOK_RELEASE = {version!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
