"""Sphinx adjustments that keep the HTML book offline and its browser console clean.

- Thebe (live code through a Binder kernel) is not used by this book, yet Jupyter Book
  always loads sphinx-thebe, which adds its configuration script twice (a JavaScript
  error on every page) and points at unpkg.com. Its scripts and style are dropped.
- The theme writes an empty colour mode into the page unless one is configured, and
  then logs an error while resetting it; the book says "auto" explicitly.
- A chapter whose explorers have frames (``assets/static/frames/<chapter>.js``, written
  when it is executed) loads that script, and only that chapter.
"""

from __future__ import annotations

from pathlib import Path

FRAMES = Path("assets") / "static" / "frames"


def _is_thebe(asset) -> bool:
    return "thebe" in str(asset.filename or "").lower() or "THEBE" in asset.attributes.get("body", "")


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def _colour_mode(app, config) -> None:
    config.html_context.setdefault("default_mode", "auto")  # pydata-sphinx-theme reads it from the context


def _frames_script(app, pagename, templatename, context, doctree) -> None:
    folder, _, chapter = pagename.rpartition("/")
    if folder == "chapters" and (Path(app.srcdir) / FRAMES / f"{chapter}.js").exists():
        app.add_js_file(f"frames/{chapter}.js", priority=900)  # after html_js_files (800), which define dlcoreFrames


def setup(app):
    app.connect("html-page-context", _frames_script)
    app.connect("config-inited", _colour_mode)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
