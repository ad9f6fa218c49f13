"""The repository follows the chapter map in dlcore.chapters: every chapter's notebook,
modules, widgets, checker and tests exist, and nothing public lies outside the map."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import dlcore
from dlcore.chapters import CHAPTERS, SHARED

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def _test_file(chapter, module: str) -> str:
    """A chapter's main module (listed first) is tested in test_<topic>.py, each other in test_<module>.py."""
    return f"test_{chapter.topic if module == chapter.modules[0] else module.rsplit('.', 1)[-1]}.py"


def test_chapters_are_numbered_in_order_and_listed_in_the_table_of_contents():
    assert [c.number for c in CHAPTERS] == list(range(1, len(CHAPTERS) + 1))
    toc = (ROOT / "_toc.yml").read_text()
    for chapter in CHAPTERS:
        assert chapter.notebook.startswith(f"{chapter.number:02d}_")
        assert (ROOT / "chapters" / f"{chapter.notebook}.ipynb").is_file()
        assert f"chapters/{chapter.notebook}" in toc


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_every_chapter_has_its_modules_widgets_checker_and_tests(chapter):
    for module in chapter.modules:
        assert module.split(".")[0] == chapter.topic, f"{module} is not in the chapter's topic {chapter.topic}"
        importlib.import_module(f"dlcore.{module}")
    assert (ROOT / "dlcore" / "viz" / f"{chapter.topic}.py").is_file()
    assert (ROOT / "dlcore" / "check" / f"{chapter.topic}.py").is_file()
    folder = TESTS / chapter.notebook
    expected = {_test_file(chapter, m) for m in chapter.modules} | {f"test_viz_{chapter.topic}.py", f"test_check_{chapter.topic}.py"}
    present = {p.name for p in folder.glob("test_*.py")}
    assert expected <= present, f"missing in tests/{chapter.notebook}/: {sorted(expected - present)}"
    assert present <= expected, f"tests/{chapter.notebook}/ holds tests of no module of the chapter: {sorted(present - expected)}"


def test_the_notebook_imports_what_its_chapter_teaches():
    for chapter in CHAPTERS:
        text = (ROOT / "chapters" / f"{chapter.notebook}.ipynb").read_text()
        assert re.search(rf"from dlcore(\.{chapter.topic})? import|import dlcore\.{chapter.topic}", text)
        assert f"dlcore.viz.{chapter.topic} import" in text, f"{chapter.notebook} does not use its widgets"
        assert f"dlcore.check.{chapter.topic} import" in text, f"{chapter.notebook} does not use its checker"


def test_every_public_module_belongs_to_one_chapter_or_is_shared():
    claimed = [m for c in CHAPTERS for m in c.modules] + list(SHARED)
    assert len(claimed) == len(set(claimed)), "a module is claimed twice"
    public = set()
    for info in pkgutil.walk_packages(dlcore.__path__, "dlcore."):
        name = info.name.removeprefix("dlcore.")
        parts = name.split(".")
        if any(p.startswith("_") for p in parts) or parts[0] in ("viz", "check") or info.ispkg:
            continue
        public.add(name)
    assert public == set(claimed), (f"outside the map: {sorted(public - set(claimed))}; "
                                    f"in the map but missing: {sorted(set(claimed) - public)}")


# What serves every chapter's widgets or checkers: viz's style and Explorer (__init__) and the
# frames that make an Explorer move in the HTML book; check's grading loop.
MACHINERY = {"viz": {"__init__", "frames"}, "check": {"__init__"}}


def test_widgets_and_checkers_serve_a_chapter_and_their_tests_sit_with_it():
    topics = {c.topic for c in CHAPTERS}
    for kind in ("viz", "check"):
        modules = {p.stem for p in (ROOT / "dlcore" / kind).glob("*.py")} - MACHINERY[kind]
        assert modules == topics, f"dlcore/{kind}/ does not follow the chapters: {sorted(modules ^ topics)}"


def test_every_test_file_sits_with_its_chapter_or_in_shared_or_tests_the_whole_book():
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert folders == {c.notebook for c in CHAPTERS} | {"shared"}
    shared = {p.name for p in (TESTS / "shared").glob("test_*.py")}
    assert {f"test_{m}.py" for m in SHARED if m != "chapters"} <= shared
