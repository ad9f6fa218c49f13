"""The built book, read in a real browser: Debian's Chromium, driven by Playwright, offline.

    make browser          (after `make book`; CI runs it in .ci/run)

A local HTTP server serves ``_build/html``; every request that would leave localhost is
blocked and reported. For every page in the table of contents, plus the search page:
no console errors, nothing fetched from elsewhere, all math typeset, every image loaded,
every stored widget rendered with its controls, exercise solutions fold and unfold, and
every link inside the book resolves. Every explorer moves with no kernel: each of its
live controls is moved as a reader would (a key on a slider, a pick in a menu, a click on a
box), and the figure and readout shown must be the frame drawn for those values, which for
the explorers Python can rebuild here are compared with what Python draws now. The PDF
edition, when built (`make pdf`), is linked and served. One screenshot per page goes to
``_build/screenshots/``. The last test builds a deliberately broken page and checks
that each of these checks catches its fault.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin

import html as html_text
import json

import numpy as np
import pytest

playwright = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements/browser.txt")

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("DLCORE_CHROMIUM", "/usr/bin/chromium")
# As the machine's probe runs it: no sandbox as root, and no background calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Text that must never reach a reader: raw TeX delimiters or unresolved MyST roles.
RAW_MARKUP = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\{glue:|\{eq\}|\{ref\}|\{term\}|\{cite")


sys.path.insert(0, str(ROOT / "tests"))
import stored_frames  # noqa: E402  (tests/stored_frames.py: the frames stored for the book, read back)
from book_toc import toc_files  # noqa: E402

PAGES = [f"{entry}.html" for entry in toc_files()]  # every page in reading order


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A page closed while a file was still being sent: normal when a test moves on.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="module")
def site():
    if not (HTML / "index.html").exists():
        pytest.fail("no built book: run `make book` first")
    server, base = serve(HTML)
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package (see .ci/run)")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """One page opened in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, base: str, path: str):
        self.base, self.problems, self.external = base, [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.context.route("**/*", self._only_localhost)
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        self.page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        self.page.goto(urljoin(base, path), wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _only_localhost(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self):
        self.context.close()


def typeset_math(page) -> list[str]:
    """Wait for MathJax; report formulas it could not typeset and raw TeX left in the text."""
    problems = []
    if page.evaluate("() => document.querySelectorAll('.math').length"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
        page.evaluate("() => MathJax.startup.promise")
    untypeset = page.evaluate("() => [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length")
    if untypeset:
        problems.append(f"{untypeset} formulas not typeset")
    errors = page.evaluate("() => [...document.querySelectorAll('mjx-merror')].map(e => e.textContent)")
    problems += [f"MathJax error: {e}" for e in errors]
    text = page.evaluate("""() => {
        const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
        const out = [];
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.parentElement.closest('pre, code, script, style, mjx-container, .highlight, .cell_output')) out.push(node.textContent);
        }
        return out.join(' ');
    }""")
    problems += [f"raw markup in the text: ...{text[max(0, m.start() - 40):m.end() + 40]}..." for m in RAW_MARKUP.finditer(text)]
    return problems


def broken_images(page) -> list[str]:
    page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
    return [f"image not loaded: {src}" for src in
            page.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")]


def unrendered_widgets(page) -> list[str]:
    """Each stored widget view is rendered, next to its script tag, into a subarea holding controls
    (sliders, menus, buttons), a progress bar or a stored plot."""
    page.wait_for_function("""() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
        .every(s => s.previousElementSibling && s.previousElementSibling.classList.contains('widget-subarea'))""", timeout=20_000)
    controls = page.evaluate("""() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
        .map(s => s.previousElementSibling.querySelectorAll(
            'input, select, button, textarea, .widget-slider, .progress-bar, .widget-output img').length)""")
    return [f"widget {i} rendered without controls" for i, n in enumerate(controls) if n == 0]


def solutions_that_do_not_toggle(page) -> list[str]:
    """Exercise solutions and folded answers (the interview questions') start folded and unfold on a click."""
    problems = []
    for i, solution in enumerate(page.query_selector_all(".solution.dropdown, .admonition.dropdown")):
        button = solution.query_selector("button.toggle-button")
        hidden = lambda: "toggle-hidden" in (solution.get_attribute("class") or "")  # noqa: E731
        if button is None or not hidden():
            problems.append(f"solution {i} is not folded")
            continue
        button.click()
        page.wait_for_timeout(50)
        opened = not hidden() and solution.query_selector(".solution-content, section, p").is_visible()
        button.click()
        page.wait_for_timeout(50)
        if not opened or not hidden():
            problems.append(f"solution {i} does not unfold and fold again")
    return problems


def internal_links(page, base: str) -> set[str]:
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    return {h for h in hrefs if h.startswith(base)}


def missing_reader_aids(page) -> list[str]:
    """A chapter's aids: a "what you will learn" box, under every widget the note that says
    which controls move it in the page (the stored preview's launch hint gives way to it),
    the Colab badge, the logo and the favicon."""
    problems = []
    titles = page.evaluate("() => [...document.querySelectorAll('.admonition.tip .admonition-title')].map(t => t.textContent)")
    if "What you will learn" not in titles:
        problems.append("no 'What you will learn' box")
    page.wait_for_function("() => [...document.querySelectorAll('.cell.tag_widget-preview .cell_output')]"
                           ".every(o => o.querySelector('.dlcore-frames-ready'))", timeout=20_000)
    notes = page.evaluate("""() => [...document.querySelectorAll('.cell.tag_widget-preview .cell_output')]
        .map(o => [getComputedStyle(o, '::before').content, o.querySelector('.dlcore-frames-note')?.textContent ?? ''])""")
    if not notes or not all(hint == "none" and "the figure follows" in note for hint, note in notes):
        problems.append(f"widget previews without the note that says which controls move them: {notes}")
    badge = page.query_selector('main a.reference.external[href^="https://colab.research.google.com/github/"]')
    if badge is None or page.evaluate("b => getComputedStyle(b).display", badge) != "inline-block":
        problems.append("no Colab badge")
    if not page.evaluate("() => [...document.querySelectorAll('img.logo__image')].every(i => i.naturalWidth > 0)"):
        problems.append("the logo did not load")
    icon = page.evaluate("() => document.querySelector('link[rel~=\"icon\"]').href")
    if not page.request.get(icon).ok:
        problems.append(f"no favicon at {icon}")
    return problems


class PageReport(NamedTuple):
    problems: list[str]
    links: set[str]  #: links to pages of the book
    ids: set[str]  #: the element ids the page defines (targets of #fragments)
    previous: str | None  #: href of the "previous" navigation link
    next: str | None  #: href of the "next" navigation link


def check_page(browser, base: str, path: str, screenshot: Path | None = None, chapter: bool = False) -> PageReport:
    """Everything checked on one page, in one visit (plus the reader aids, for a chapter)."""
    visit = Visit(browser, base, path)
    try:
        page = visit.page
        problems = typeset_math(page) + broken_images(page) + unrendered_widgets(page)
        if screenshot is not None:  # the top of the page, as a reader first sees it
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(screenshot))
        problems += solutions_that_do_not_toggle(page)
        if chapter:
            problems += missing_reader_aids(page)
        page.wait_for_load_state("networkidle")
        problems += visit.problems + [f"request leaving localhost: {url}" for url in visit.external]
        ids = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
        previous, following = (page.evaluate(f"() => document.querySelector('{selector}')?.getAttribute('href') ?? null")
                               for selector in ("a.left-prev", "a.right-next"))
        return PageReport(problems, internal_links(page, base), ids, previous, following)
    finally:
        visit.close()


REPORTS: dict[str, PageReport] = {}


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_well_offline(browser, site, path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / (Path(path).stem + ".png")
    REPORTS[path] = report = check_page(browser, site, path, shot, chapter=bool(re.match(r"chapters/\d\d_", path)))
    assert not report.problems, "\n".join(report.problems)


def test_every_page_has_previous_and_next_links():
    assert len(REPORTS) == len(PAGES), "run with the page tests"
    for i, path in enumerate(PAGES):
        report = REPORTS[path]
        assert (report.previous is not None) == (i > 0), f"{path}: previous link"
        assert (report.next is not None) == (i < len(PAGES) - 1), f"{path}: next link"
        if report.next is not None:
            assert urldefrag(report.next)[0].endswith(Path(PAGES[i + 1]).name), path


def test_every_link_inside_the_book_resolves(site):
    assert REPORTS, "run with the page tests"
    ids = {urljoin(site, path): report.ids for path, report in REPORTS.items()}
    missing = []
    for source, report in REPORTS.items():
        for link in report.links:
            target, fragment = urldefrag(link)
            try:
                with urllib.request.urlopen(target) as response:
                    assert response.status == 200
            except urllib.error.HTTPError as error:
                missing.append(f"{source} -> {link}: HTTP {error.code}")
                continue
            if fragment and target in ids and fragment not in ids[target]:
                missing.append(f"{source} -> {link}: no element with id {fragment!r}")
    assert not missing, "\n".join(sorted(missing))


def test_every_chapter_offers_its_notebook_for_download(site):
    for path in PAGES:
        if path.startswith("chapters/") and (ROOT / path).with_suffix(".ipynb").exists():
            url = urljoin(site, "_sources/" + str(Path(path).with_suffix(".ipynb")))
            with urllib.request.urlopen(url) as response:
                assert response.status == 200 and b'"cells"' in response.read(), url


def test_the_question_bank_links_each_answer_and_offers_the_deck(browser, site):
    visit = Visit(browser, site, "chapters/interview/05_optimizers.html")
    try:
        page = visit.page
        answers = page.query_selector_all(".admonition.dropdown")
        assert len(answers) >= 20 and all("toggle-hidden" in (a.get_attribute("class") or "") for a in answers)
        derivations = page.evaluate("() => [...document.querySelectorAll('main a.reference.internal')].map(a => a.href)")
        assert any(href.endswith("05_optimizers.html#sec-adam") for href in derivations), derivations
        pasted = page.evaluate("() => [...document.querySelectorAll('.pasted-text')].map(s => s.textContent)")
        assert pasted and all(re.fullmatch(r"[-\d.,%e+]+", text) for text in pasted), pasted
    finally:
        visit.close()
    chapter = Visit(browser, site, "chapters/05_optimizers.html")
    try:
        listed = chapter.page.evaluate("() => [...document.querySelectorAll('a[href*=\"interview/05_optimizers.html#q-\"]')].length")
        assert listed >= 20, "the chapter ends with its questions, linked to the bank"
    finally:
        chapter.close()
    index = Visit(browser, site, "chapters/interview/index.html")
    try:
        deck = index.page.evaluate("() => document.querySelector('a.download[href$=\".apkg\"]')?.href ?? null")
        assert deck is not None
        with urllib.request.urlopen(deck) as response:
            assert response.status == 200 and response.read(2) == b"PK"  # a zip, as an .apkg is
    finally:
        index.close()


CHAPTER_PAGES = [path for path in PAGES if re.match(r"chapters/\d\d_", path)]


def visible_text(markup: str) -> str:
    """What a reader sees of a readout's HTML: tags dropped, entities read, spaces as one."""
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def move(page, explorer: str, name: str, entry: dict, at: int) -> int:
    """Move control ``name`` one grid value on from position ``at``, as a reader would; return the new position."""
    values = entry["grid"][entry["live"].index(name)]
    to = at + 1 if at + 1 < len(values) else at - 1
    control = page.locator(f'[data-dlcore-explorer="{explorer}"] [data-dlcore-control="{name}"]')
    if control.locator("select").count():
        control.locator("select").select_option(index=values[to])
    elif control.locator("input[type=checkbox]").count():
        control.locator("input[type=checkbox]").click()
    else:
        control.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight" if to > at else "ArrowLeft")
    return to


def shown_frame(page, explorer: str) -> dict:
    return page.evaluate("""id => {
        const root = document.querySelector(`[data-dlcore-explorer="${id}"]`), frame = root.querySelector('.dlcore-frame');
        const style = getComputedStyle(frame);
        return {index: window.dlcoreFrames.shown[id], readout: root.querySelector('.widget-html-content').innerText,
                visible: !frame.hidden && frame.offsetHeight > 0, picture: style.backgroundImage, at: style.backgroundPosition,
                stored: root.querySelector('img').style.display};
    }""", explorer)


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_every_explorer_moves_without_a_kernel(browser, site, path):
    """Each live control of each explorer, moved in turn: the page shows the frame drawn for the
    controls' values, its readout and its slice of the right sheet; where Python can rebuild the
    explorer, its readout and picture for those values are what the page shows."""
    chapter = ROOT / Path(path).with_suffix(".ipynb")
    notebook = json.loads(chapter.read_text())
    described, sources = stored_frames.stored_frames(chapter), stored_frames.displayed_explorers(notebook)
    state = stored_frames.widget_state(notebook)
    visit = Visit(browser, site, path)
    try:
        page = visit.page
        page.wait_for_function(f"() => document.querySelectorAll('.dlcore-frames-ready').length === {len(described)}", timeout=30_000)
        for explorer, entry in described.items():
            python = stored_frames.rebuild(sources[explorer])
            indices = stored_frames.grid_indices(entry, state)
            readouts = {page.locator(f'[data-dlcore-explorer="{explorer}"] .widget-html-content').first.inner_text()}
            for axis, name in enumerate(entry["live"]):
                indices[axis] = move(page, explorer, name, entry, indices[axis])
                expected = stored_frames.frame_index(entry, indices)
                page.wait_for_function(f"() => window.dlcoreFrames.shown['{explorer}'] === {expected}", timeout=10_000)
                shown, frame = shown_frame(page, explorer), entry["frames"][expected]
                where = f"{sources[explorer].strip().splitlines()[-1]}: {name} → frame {expected}"
                assert shown["visible"] and shown["stored"] == "none", where
                sheet = entry["sheets"][expected // entry["per_sheet"]]
                assert shown["picture"].endswith(f'_static/frames/{sheet}")'), (where, shown["picture"])
                assert " ".join(shown["readout"].split()) == visible_text(frame["readout"]), where
                readouts.add(shown["readout"])
                if python is not None:
                    point = {live: values[i] for live, values, i in zip(entry["live"], python.live.values(), indices)}
                    python.set_values(**point)
                    assert " ".join(shown["readout"].split()) == visible_text(python.readout.value), where
                    drawn = np.asarray(stored_frames.png_picture(bytes(python.image.value)), dtype=float)
                    assert np.abs(drawn - np.asarray(stored_frames.frame_picture(entry, expected), dtype=float)).mean() < 0.5, where
            assert len(readouts) > 1, "moving the controls changes what the readout says"
        assert not visit.problems and not visit.external, visit.problems + visit.external
    finally:
        visit.close()


def test_an_explorer_moves_in_the_book_opened_from_disk(browser):
    """No server at all (the README: open _build/html/index.html): the frames script, the
    chapter's frames and the sheets load from file:// URLs, and a slider moves the figure."""
    chapter = ROOT / "chapters" / "01_bayes.ipynb"
    (explorer, entry), = stored_frames.stored_frames(chapter).items()
    state = stored_frames.widget_state(json.loads(chapter.read_text()))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page, errors = context.new_page(), []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((HTML / "chapters" / "01_bayes.html").as_uri(), wait_until="load")
        page.wait_for_selector(".dlcore-frames-ready", timeout=30_000)
        indices = stored_frames.grid_indices(entry, state)
        indices[0] = move(page, explorer, entry["live"][0], entry, indices[0])
        expected = stored_frames.frame_index(entry, indices)
        page.wait_for_function(f"() => window.dlcoreFrames.shown['{explorer}'] === {expected}", timeout=10_000)
        shown = shown_frame(page, explorer)
        assert shown["picture"].startswith('url("file://') and shown["visible"]
        assert " ".join(shown["readout"].split()) == visible_text(entry["frames"][expected]["readout"])
        assert not errors, errors
    finally:
        context.close()


def test_the_book_links_its_pdf_edition(browser, site):
    pdf = HTML / "dlcore.pdf"
    if not pdf.exists():
        pytest.fail("no PDF in the built book: run `make pdf` (after `make book`)")
    visit = Visit(browser, site, "chapters/intro.html")
    try:
        link = visit.page.evaluate("() => document.querySelector('main a[href$=\"dlcore.pdf\"]')?.href ?? null")
        assert link is not None, "the landing page links the PDF edition"
        with urllib.request.urlopen(link) as response:
            assert response.status == 200 and response.read(5) == b"%PDF-"
    finally:
        visit.close()


# What readers type, in English, in Chinese and mixed, and the chapter that must come first.
SEARCHES = {
    "AdamW": "05_optimizers",
    "why does Adam need bias correction": "05_optimizers",
    "BN vs LN": "07_normalization",
    "weight decay vs L2": "06_regularization",
    "KD temperature": "09_distillation",
    "梯度消失": "03_activations",
    "KL散度": "04_losses",
    "L2正则化": "06_regularization",
    "为什么Adam需要偏差修正": "05_optimizers",
    "知识蒸馏": "09_distillation",
    "感受野": "10_convolution",
}


@pytest.mark.parametrize("query", SEARCHES)
def test_search_puts_the_right_chapter_first(browser, site, query):
    """The first result is the chapter (or its page of the question bank) that answers the query."""
    visit = Visit(browser, site, "search.html?q=" + urllib.parse.quote(query))
    try:
        visit.page.wait_for_selector("#search-results li a", timeout=20_000)
        first = visit.page.evaluate("() => document.querySelector('#search-results li a').href")
        assert f"/{SEARCHES[query]}.html" in first, f"{query!r}: first result {first}"
        assert not visit.problems and not visit.external, visit.problems + visit.external
    finally:
        visit.close()


BROKEN_PAGE = r"""<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="_static/mathjax/tex-chtml.js" async></script></head><body><main>
<p>A formula MathJax cannot parse: <span class="math notranslate nohighlight">\(x^1^2\)</span></p>
<p>A number never glued in: {glue:text}`accuracy`</p>
<img src="missing.png" alt="missing">
<img src="https://example.com/elsewhere.png" alt="remote">
<script>console.error("something broke")</script>
</main></body></html>"""


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    # The same checks on a page with one fault of each kind: each must be reported.
    (tmp_path / "_static").symlink_to(HTML / "_static")
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    server, base = serve(tmp_path)
    try:
        problems = "\n".join(check_page(browser, base, "broken.html").problems)
    finally:
        server.shutdown()
    for expected in ("MathJax error", "raw markup in the text", "image not loaded: " + base + "missing.png",
                     "request leaving localhost: https://example.com/elsewhere.png", "console error: something broke"):
        assert expected in problems, f"not caught: {expected}\n{problems}"
