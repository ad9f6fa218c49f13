"""The PDF edition, read back (``make pdf`` builds it, then runs this).

A sane length; every page of the table of contents is in it, by its title; the Chinese
terms are printed (a CJK font is embedded); no reference is left unresolved ("??"); every
figure is a vector drawing; every explorer is printed with the note that says how it moves.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

pypdf = pytest.importorskip("pypdf", reason="pip install -r requirements/pdf.txt")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from book_toc import toc_files  # noqa: E402  (tests/book_toc.py)
from stored_frames import CHAPTERS, displayed_explorers  # noqa: E402  (tests/stored_frames.py)

PDF = ROOT / "_build" / "pdf" / "dlcore.pdf"


@lru_cache(maxsize=1)
def reader() -> "pypdf.PdfReader":
    if not PDF.exists():
        pytest.fail(f"no PDF at {PDF}: run `make pdf`")
    return pypdf.PdfReader(PDF)


def squeezed(text: str) -> str:
    """Text compared without spaces (PDF text extraction loses and adds them), quotes and dashes
    plain, and the middle dot as written (xeCJK sets it as the CJK one, ・)."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("‘’“”–—・", "''\"\"--·"))
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=1)
def book_text() -> str:
    return squeezed("".join(page.extract_text() or "" for page in reader().pages))


def title_of(file: str) -> str:
    path = ROOT / file
    if path.with_suffix(".ipynb").exists():
        source = "\n".join(cell.source for cell in nbformat.read(path.with_suffix(".ipynb"), as_version=4).cells[:2])
    else:
        source = path.with_suffix(".md").read_text()
    title = re.search(r"^# (.+)$", source, re.M).group(1)
    return re.sub(r"[*`]", "", title)


def test_the_pdf_has_a_sane_length():
    assert 250 <= len(reader().pages) <= 700


@pytest.mark.parametrize("file", toc_files()[1:])  # the landing page is printed as "About this book"
def test_every_page_of_the_book_is_in_the_pdf_by_its_title(file):
    assert squeezed(title_of(file)) in book_text(), title_of(file)


def test_the_landing_page_and_the_parts_are_printed():
    headings = ("About this book", "Who it is for", "Foundations", "Architectures", "Interview questions · 面试题", "Appendix", "Reference")
    for heading in headings:
        assert squeezed(heading) in book_text(), heading


def test_chinese_terms_are_printed_in_an_embedded_cjk_font():
    glossary = (ROOT / "chapters" / "glossary.md").read_text()
    terms = re.findall(r"^  \*\*([^*]*[\u4e00-\u9fff][^*]*)\*\*", glossary, re.M)
    assert len(terms) > 50
    # A term's words, up to any formula in it (typeset, not text): 决定系数（$R^2$） is looked for as 决定系数.
    missing = [term for term in terms if squeezed(re.split(r"[（(]?\$", term)[0]) not in book_text()]
    assert not missing, missing[:10]
    fonts = {font.get("/BaseFont", "") for page in reader().pages[:: max(1, len(reader().pages) // 40)]
             for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
             for font in [font.get_object()]}
    assert any("CJK" in str(name) for name in fonts), sorted(map(str, fonts))


def test_no_reference_is_left_unresolved():
    assert "??" not in book_text()
    assert "[?]" not in book_text()


def test_the_html_only_parts_are_left_out():
    assert squeezed("dlcore.pdf") not in book_text()  # the landing page's link to this very file


def test_every_explorer_is_printed_with_its_note():
    explorers = sum(len(displayed_explorers(json.loads(chapter.read_text()))) for chapter in CHAPTERS)
    assert book_text().count(squeezed("An interactive figure, printed at its starting values.")) == explorers


def test_figures_are_vector_drawings_not_screen_pictures():
    """matplotlib's figures are embedded as PDF forms; no picture drawn at screen resolution
    (a page-wide raster under 150 dpi) is left."""
    forms, coarse = 0, []
    for number, page in enumerate(reader().pages, start=1):
        objects = (page.get("/Resources", {}).get("/XObject", {}) or {})
        for name, xobject in objects.items():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                forms += 1
            elif xobject.get("/Subtype") == "/Image" and xobject.get("/Width", 0) >= 600:
                coarse.append(f"page {number}: {name} {xobject['/Width']}×{xobject['/Height']}")
    assert forms >= 80, forms
    assert not coarse, coarse
