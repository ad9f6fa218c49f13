"""The book's table of contents, ``_toc.yml``, walked once for the suites that read the book
page by page: tests/test_book_pages.py, the browser test and the PDF test."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_files() -> list[str]:
    """Every file of _toc.yml in reading order (without suffix), each part's chapters and,
    after a chapter, its sections (the interview pages)."""
    def entries(items):
        for item in items:
            yield item["file"]
            yield from entries(item.get("sections", []))

    return [TOC["root"], *(entry for part in TOC.get("parts", []) for entry in entries(part["chapters"]))]
