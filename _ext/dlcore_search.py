"""Search that answers readers' questions, in English, in Chinese, and in both at once.

Sphinx's English search drops two-letter words ("BN vs LN" finds nothing), cannot split a
Chinese query ("为什么Adam需要偏差修正" is one unknown word) and ranks a page by its single
best-matching word, so a page that merely mentions every word can outrank the one whose
title asks the question. This extension registers a search language, ``dlcore``
(``html_search_language: dlcore``), that

- indexes like Sphinx's Chinese search: jieba segments Chinese text (with the glossary's
  Chinese terms as a user dictionary, so 偏差修正 or 知识蒸馏 stay whole words), and Latin
  words are stemmed as English, two-letter ones (BN, LN, L2, KD) kept;
- ignores question words and "vs" in queries, in both languages;
- splits a query in the browser: Latin words as usual, Chinese by the longest words the
  index knows (forward maximum matching), so mixed queries work;
- scores a page by the sum of its words' scores (title hits count three times a text hit),
  and requires only the words that occur somewhere in the book;
- adds an index entry for every glossary term, in English and in each of its Chinese names,
  pointing at the section the glossary cites, so a query that names a term (梯度消失, KL散度,
  "vanishing gradient") lands on the section that teaches it first.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.search import languages
from sphinx.search.zh import SearchChinese

QUESTION_WORDS = """vs versus why what how does do did can should which when where who
为什么 什么 如何 怎么 怎样 怎么样 是否 哪些 哪个 的 了 吗 呢 是 和 与 及 或 有 在 中 对 时""".split()

# Forward maximum matching over the index's own words, and a score that adds up the words.
SPLITTER = r"""
var splitQuery = (query) => {
  const han = /\p{Script=Han}/u;
  const index = (typeof Search !== "undefined" && Search._index) || {};
  const found = (map, w) => map && Object.prototype.hasOwnProperty.call(map, w) && [].concat(map[w]).length > 0;
  const known = (w) => found(index.terms, w) || found(index.titleterms, w);
  const words = [];
  for (const run of query.split(/[^\p{Letter}\p{Number}_]+/u).filter(t => t)) {
    for (const part of run.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu)) {
      if (!han.test(part)) { words.push(part); continue; }
      let i = 0;
      while (i < part.length) {
        let n = Math.min(8, part.length - i);
        while (n > 1 && !known(part.substr(i, n))) n--;
        words.push(part.substr(i, n));
        i += n;
      }
    }
  }
  return words;
};

// searchtools.js, loaded just before this file, runs the page's query on DOMContentLoaded:
// replace its scoring now, before that happens.
const dlcoreTermsSearch = () => {
  Search.performTermsSearch = (searchTerms, excludedTerms) => {
    const terms = Search._index.terms, titleTerms = Search._index.titleterms;
    const files = (map, w) => (map[w] === undefined ? [] : [].concat(map[w]));
    const known = [...searchTerms].filter(w => files(terms, w).length || files(titleTerms, w).length);
    const scores = new Map();
    known.forEach((w) => {
      const best = new Map();
      files(terms, w).forEach(f => best.set(f, Math.max(best.get(f) || 0, Scorer.term)));
      files(titleTerms, w).forEach(f => best.set(f, Math.max(best.get(f) || 0, 3 * Scorer.term)));
      best.forEach((score, f) => {
        const entry = scores.get(f) || {words: 0, score: 0};
        scores.set(f, {words: entry.words + 1, score: entry.score + score});
      });
    });
    const excluded = (f) => [...excludedTerms].some(w => files(terms, w).includes(f) || files(titleTerms, w).includes(f));
    const results = [];
    scores.forEach(({words, score}, f) => {
      if (words === known.length && !excluded(f))
        results.push([Search._index.docnames[f], Search._index.titles[f], "", null, score, Search._index.filenames[f]]);
    });
    return results;
  };
};
if (typeof Search !== "undefined") dlcoreTermsSearch();
else document.addEventListener("DOMContentLoaded", () => typeof Search !== "undefined" && dlcoreTermsSearch());
"""


GLOSSARY_ENTRY = re.compile(r"^(\S[^\n]*)\n  \*\*([^*]+)\*\* ·.*\{ref\}`([a-z0-9-]+)`\s*$", re.M)


def _chinese_names(name: str) -> list[str]:
    """批量归一化（BN）、批归一化 → 批量归一化, BN, 批归一化: the variants a reader may type."""
    return [part.strip() for part in re.split(r"[（）()、/，,；;]+", name) if len(part.strip()) >= 2]


def glossary_terms(srcdir: Path) -> list[tuple[list[str], str]]:
    """Each glossary entry's names (the English term, then its Chinese names) and the section it cites."""
    text = (srcdir / "chapters" / "glossary.md").read_text(encoding="utf-8")
    return [([term.strip(), *_chinese_names(chinese)], label) for term, chinese, label in GLOSSARY_ENTRY.findall(text)]


def _glossary_words(srcdir: Path) -> list[str]:
    """The Chinese names of the glossary's terms and their variants, each a word for jieba."""
    return sorted({name for names, _ in glossary_terms(srcdir) for name in names[1:]
                   if re.search(r"[\u4e00-\u9fff]", name) and " " not in name})


class BookSearch(SearchChinese):
    lang = "dlcore"
    language_name = "English and Chinese"
    stopwords = SearchChinese.stopwords | set(QUESTION_WORDS)
    js_splitter_code = SPLITTER
    srcdir: Path | None = None

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        import jieba
        import snowballstemmer

        # The browser stems queries with the Porter stemmer; Sphinx's Chinese search indexes with
        # Porter2 ("english"), so "bias" was indexed as "bias" and searched as "bia".
        self.stemmer = snowballstemmer.stemmer("porter")

        jieba.setLogLevel(60)  # no "Building prefix dict" chatter in the build log
        if self.srcdir is not None:
            for word in _glossary_words(self.srcdir):
                jieba.add_word(word, freq=2000)

    def word_filter(self, stemmed_word: str) -> bool:
        return super().word_filter(stemmed_word) and stemmed_word not in self.stopwords


def _register(app) -> None:
    BookSearch.srcdir = Path(app.srcdir)
    app.env.dlcore_glossary_terms = glossary_terms(Path(app.srcdir))


def _index_glossary_terms(app, doctree, docname) -> None:
    """Index entries on the section each glossary term cites, one per name of the term."""
    labels = app.env.domaindata["std"]["labels"]
    # A label is a secondary id of its section, written as an empty <span>; the search page
    # shows the text under the anchor, so point at the section's own (first) id.
    sections = {label_id: section["ids"][0] for section in doctree.findall(nodes.section) for label_id in section["ids"]}
    entries = [("single", name.replace(";", ","), sections.get(labels[label][1], labels[label][1]), "main", None)
               for names, label in getattr(app.env, "dlcore_glossary_terms", [])
               if label in labels and labels[label][0] == docname for name in names]
    if entries:
        doctree.append(addnodes.index(entries=entries))


def setup(app):
    languages["dlcore"] = BookSearch
    app.connect("builder-inited", _register)
    app.connect("doctree-resolved", _index_glossary_terms)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
