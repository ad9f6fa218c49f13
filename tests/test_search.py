"""The book's search language (_ext/dlcore_search.py), on the Python side: what it indexes.

The browser test (browser/test_book_in_browser.py) searches the built book like a reader;
these check the pieces it relies on without building the book.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import dlcore_search  # noqa: E402


@pytest.fixture(scope="module")
def search():
    language = dlcore_search.BookSearch.__new__(dlcore_search.BookSearch)
    dlcore_search.BookSearch.srcdir = ROOT
    language.init({})
    return language


def indexed(language, text):
    return {language.stem(w) for w in language.split(text) if language.word_filter(language.stem(w))}


def test_every_glossary_entry_gives_its_names_and_section():
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    terms = dlcore_search.glossary_terms(ROOT)
    assert len(terms) == text.count("\n  **")
    names = dict((names[0], (names[1:], label)) for names, label in terms)
    assert names["KL divergence"] == (["KL 散度", "KL散度", "相对熵"], "sec-kl")
    assert "暂退法" in names["dropout"][0] and "批量规范化" in names["batch normalization"][0]


def test_chinese_terms_stay_whole_and_two_letter_words_are_kept(search):
    words = indexed(search, "Adam 的偏差修正与知识蒸馏，BN 与 LN，L2 正则化")
    assert {"偏差修正", "知识蒸馏", "bn", "ln", "l2", "adam"} <= words
    assert "的" not in words and "与" not in words


def test_the_index_stems_as_the_browser_does(search):
    """searchtools.js stems queries with Porter; "bias" must be indexed as the browser will ask for it."""
    assert search.stem("bias") == "bia" and search.stem("correction") == "correct" and search.stem("temperature") == "temperatur"


def test_question_words_and_vs_are_not_search_terms(search):
    for word in ("vs", "why", "does", "为什么", "如何"):
        assert word in search.stopwords
    query = "why does Adam need bias correction"  # the browser drops stopwords before stemming, as here
    assert {search.stem(w) for w in search.split(query) if w.strip() and w.lower() not in search.stopwords} == {"adam", "need", "bia", "correct"}
