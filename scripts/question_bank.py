"""The interview question bank: one YAML file, checked, rendered into the book and into a deck.

    python scripts/question_bank.py            # rewrite the interview pages and each chapter's list
    python scripts/question_bank.py --check    # fail if anything rendered is out of date
    python scripts/question_bank.py --cards assets/cards/dlcore-interview.apkg   # the Anki deck

``interview/questions.yaml`` is the single source. Each question names its chapter (the
notebook's file name), the section label that derives the answer, a level, the topics of
``interview/topics.yaml`` it covers, and the question and a short answer in English and
Chinese; optionally ``follows`` (the question it is a follow-up to, 追问) and ``wrong``:
a common wrong answer, why it is wrong, and the chapter's "Common misconception" box
(its ``:name:``). Texts are literal blocks (``|-``) whose line breaks join with a space, or with
nothing next to Chinese. A number in an answer is never typed: ``{{11_sequences:mha_params:,}}``
pastes the value the chapter glued under ``mha_params`` (with an optional format spec).

Rendered from it: ``chapters/interview/index.md`` and one page per chapter, and, in every
chapter notebook, the last markdown cell "Interview questions", a list that links each
question to its answer in the bank. ``make cards`` exports the bank as an Anki deck.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "interview" / "questions.yaml"
TOPICS = ROOT / "interview" / "topics.yaml"
PAGES = ROOT / "chapters" / "interview"
CHAPTERS = ROOT / "chapters"

LEVELS = {"basic": "基础", "intermediate": "进阶", "advanced": "深入"}
FIELDS = {"id", "chapter", "section", "level", "topics", "q", "q_zh", "a", "a_zh", "follows", "wrong"}
WRONG_FIELDS = {"answer", "answer_zh", "why", "why_zh", "box"}
NUMBER = re.compile(r"\{\{([0-9]{2}_[a-z_]+):([A-Za-z0-9_.]+)(?::([^}]*))?\}\}")
HEADING = "## Interview questions"


@dataclass(frozen=True)
class Question:
    id: str
    chapter: str
    section: str
    level: str
    topics: tuple[str, ...]
    q: str
    q_zh: str
    a: str
    a_zh: str
    follows: str | None = None
    wrong: dict | None = None


# -- loading and checking ----------------------------------------------------------------------


def load_topics() -> dict[str, str]:
    """Topic id → its name in English and Chinese, in the order they were enumerated."""
    return {t["id"]: f"{t['en']} · {t['zh']}" for t in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))}


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"


def _one_line(text: str) -> str:
    """Join a block of text into one line: a line break becomes a space, or nothing where it
    touches a Chinese character or punctuation (Chinese puts no space between words)."""
    text = re.sub(rf"(?<=[{_CJK}])[ \t]*\n\s*|[ \t]*\n\s*(?=[{_CJK}])", "", text.strip())
    return " ".join(text.split())


def load_bank() -> list[Question]:
    """The questions, in the file's order; raises ValueError naming the first bad entry."""
    entries = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    questions = []
    for i, entry in enumerate(entries):
        where = f"question #{i + 1} ({entry.get('id', 'no id') if isinstance(entry, dict) else entry!r})"
        if not isinstance(entry, dict) or not FIELDS >= set(entry) >= FIELDS - {"follows", "wrong"}:
            raise ValueError(f"{where}: needs the fields {sorted(FIELDS - {'follows', 'wrong'})}, "
                             f"optionally follows and wrong; got {sorted(entry) if isinstance(entry, dict) else entry!r}")
        entry = {**entry, "topics": tuple(entry["topics"])}
        for field in ("q", "q_zh", "a", "a_zh"):
            if not isinstance(entry[field], str) or not entry[field].strip():
                raise ValueError(f"{where}: {field} is empty")
            entry[field] = _one_line(entry[field])
        if entry["level"] not in LEVELS:
            raise ValueError(f"{where}: level must be one of {sorted(LEVELS)}, got {entry['level']!r}")
        wrong = entry.get("wrong")
        if wrong is not None:
            if set(wrong) != WRONG_FIELDS:
                raise ValueError(f"{where}: wrong needs exactly {sorted(WRONG_FIELDS)}, got {sorted(wrong)}")
            entry["wrong"] = {k: _one_line(str(v)) for k, v in wrong.items()}
        questions.append(Question(**entry))
    return questions


def chapter_notebooks() -> dict[str, Path]:
    return {p.stem: p for p in sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))}


def glued_values(notebook: Path) -> dict:
    """What a notebook glued, by name: the plain-text value stored in its outputs."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            plain = output.get("data", {}).get(scrapbook.get("mime_prefix", "") + "text/plain")
            if "name" in scrapbook and plain is not None:
                values[scrapbook["name"]] = plain
    return values


def labels_of(path: Path) -> set[str]:
    """The ``(label)=`` targets and ``:name:`` options a page defines."""
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return set(re.findall(r"^\(([A-Za-z0-9_-]+)\)=", text, re.M)) | set(re.findall(r"^:name: ([A-Za-z0-9_-]+)", text, re.M))


def problems(questions: list[Question], topics: dict[str, str]) -> list[str]:
    """Everything wrong with the bank, as sentences (empty when it is sound)."""
    found = []
    notebooks = chapter_notebooks()
    ids = [q.id for q in questions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(f"the id {duplicate} is used twice")
    for field in ("q", "q_zh"):
        texts = [getattr(q, field).lower() for q in questions]
        for duplicate in sorted({t for t in texts if texts.count(t) > 1}):
            found.append(f"the question {duplicate!r} is asked twice")
    labels = {stem: labels_of(path) for stem, path in notebooks.items()}
    glued = {}
    for q in questions:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", q.id):
            found.append(f"{q.id}: ids are lower-case words joined by hyphens")
        if q.chapter not in notebooks:
            found.append(f"{q.id}: no chapter {q.chapter}")
            continue
        if q.section not in labels[q.chapter]:
            found.append(f"{q.id}: {q.chapter} has no section labelled {q.section}")
        if not re.search(r"[\u4e00-\u9fff]", q.q_zh + q.a_zh):
            found.append(f"{q.id}: the Chinese question and answer hold no Chinese")
        for topic in q.topics:
            if topic not in topics:
                found.append(f"{q.id}: unknown topic {topic}")
        if not q.topics:
            found.append(f"{q.id}: names no topic")
        if q.follows is not None and q.follows not in ids[: ids.index(q.id)]:
            found.append(f"{q.id}: follows {q.follows}, which is not an earlier question")
        if q.wrong is not None and q.wrong["box"] not in labels[q.chapter]:
            found.append(f"{q.id}: {q.chapter} has no misconception box named {q.wrong['box']}")
        texts = [q.a, q.a_zh] + ([q.wrong["why"], q.wrong["why_zh"]] if q.wrong else [])
        for stem, key, _ in (m.groups() for text in texts for m in NUMBER.finditer(text)):
            if stem not in notebooks:
                found.append(f"{q.id}: pastes from the unknown chapter {stem}")
                continue
            if stem not in glued:
                glued[stem] = glued_values(notebooks[stem])
            if key not in glued[stem]:
                found.append(f"{q.id}: {stem} glues nothing under {key}")
    covered = {t for q in questions for t in q.topics}
    for topic in topics:
        if topic not in covered:
            found.append(f"no question covers the topic {topic} ({topics[topic]})")
    for stem in notebooks:
        if not any(q.chapter == stem for q in questions):
            found.append(f"chapter {stem} has no questions")
    return found


# -- rendering ---------------------------------------------------------------------------------


def _page_name(stem: str) -> str:
    return f"interview-{stem.split('_', 1)[1].replace('_', '-')}"


def _chapter_title(notebook: Path) -> str:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        match = re.search(r"^# (.+)$", "".join(cell["source"]), re.M)
        if cell["cell_type"] == "markdown" and match:
            return match.group(1).strip()
    raise ValueError(f"{notebook.name} has no title")


def _paste_roles(text: str) -> str:
    """``{{stem:key:fmt}}`` → the glue role that pastes that value from the chapter's notebook (the
    role needs a format spec when it names another document: ``s`` when none is given)."""
    return NUMBER.sub(lambda m: f"{{glue:text}}`../{m.group(1)}.ipynb::{m.group(2)}:{m.group(3) or 's'}`", text)


def paste_values(text: str, glued: dict[str, dict]) -> str:
    """``{{stem:key:fmt}}`` → the value itself, formatted as the book's glue role formats it (for
    the deck, which is not built by Sphinx)."""
    from myst_nb.core.variables import format_plain_text

    return NUMBER.sub(lambda m: format_plain_text(glued[m.group(1)][m.group(2)], m.group(3) or ""), text)


def _render_question(q: Question, number: str) -> list[str]:
    heading = "###" if q.follows else "##"
    follow = "Follow-up · 追问: " if q.follows else ""
    lines = [f"(q-{q.id})=", f"{heading} {number} {follow}{q.q} · {q.q_zh}", "",
             f"*{q.level} · {LEVELS[q.level]}* · answered in {{ref}}`{q.section}`", "",
             "```{admonition} Answer · 答案", ":class: dropdown", _paste_roles(q.a), "", _paste_roles(q.a_zh), "```", ""]
    if q.wrong:
        w = q.wrong
        lines += ["```{admonition} A common wrong answer · 常见错误回答", ":class: dropdown warning",
                  f"“{w['answer']}” — {_paste_roles(w['why'])}", "", f"“{w['answer_zh']}”——{_paste_roles(w['why_zh'])}", "",
                  f"See {{ref}}`the misconception box <{w['box']}>`.", "```", ""]
    return lines


def in_reading_order(questions: list[Question], stem: str) -> list[tuple[Question, int]]:
    """A chapter's questions with their depth: each main question (in the file's order) followed
    by its follow-ups, and theirs, wherever in the file they were written."""
    mine = [q for q in questions if q.chapter == stem]
    children: dict[str | None, list[Question]] = {}
    for q in mine:
        children.setdefault(q.follows, []).append(q)

    def walk(parent: str | None, depth: int):
        for q in children.get(parent, []):
            yield q, depth
            yield from walk(q.id, depth + 1)

    return list(walk(None, 0))


def render_chapter_page(stem: str, questions: list[Question]) -> str:
    notebook = chapter_notebooks()[stem]
    title = _chapter_title(notebook)
    number = stem.split("_")[0].lstrip("0")  # questions are numbered 5.1, 5.2, 5.2.1, …
    mine = [q for q in questions if q.chapter == stem]
    lines = [f"({_page_name(stem)})=", f"# {title.split(':')[0]}: interview questions · 面试题", "",
             f"{len(mine)} questions on chapter {{ref}}`{_chapter_label(notebook)}`. Say your answer aloud before "
             "you open the folded one; each links to the section that derives it. "
             f"本章 {len(mine)} 道面试题：先自己回答，再展开参考答案。", ""]
    count, sub = 0, 0
    for q, depth in in_reading_order(questions, stem):
        if depth:
            sub += 1
            lines += _render_question(q, f"{number}.{count}.{sub}")
        else:
            count, sub = count + 1, 0
            lines += _render_question(q, f"{number}.{count}")
    return "\n".join(lines).rstrip() + "\n"


def _chapter_label(notebook: Path) -> str:
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        match = re.search(r"^\((chapter-[a-z-]+)\)=", "".join(cell["source"]), re.M)
        if match:
            return match.group(1)
    raise ValueError(f"{notebook.name} has no (chapter-…)= label")


def render_index(questions: list[Question], topics: dict[str, str]) -> str:
    notebooks = chapter_notebooks()
    rows = [f"| {{ref}}`{_chapter_title(path)} <{_page_name(stem)}>` | {sum(q.chapter == stem for q in questions)} |"
            for stem, path in notebooks.items()]
    levels = ", ".join(f"{sum(q.level == level for q in questions)} {level} ({zh})" for level, zh in LEVELS.items())
    return "\n".join([
        "(interview-questions)=",
        "# Interview questions · 面试题",
        "",
        f"{len(questions)} questions that deep-learning interviews ask, and the follow-ups an interviewer asks next "
        "(追问), grouped by chapter. Each has the question and a 30-second answer in English and in Chinese, its level, "
        "and a link to the section that derives it. Where a popular answer is wrong, the wrong answer is given too, with "
        "the reason and the chapter's \"Common misconception\" box. Numbers in the answers are the chapters' own, "
        "computed when the chapters run.",
        "",
        f"本部分收录 {len(questions)} 道深度学习面试题及常见追问，按章节排列。每题给出中英文题目与简答、难度，"
        "并链接到推导答案的小节；常见的错误回答单独列出，并说明错在哪里。",
        "",
        f"Levels: {levels}. The answers fold: answer first, then check. To drill them with spaced repetition, download "
        "the Anki deck, {download}`dlcore-interview.apkg <../../assets/cards/dlcore-interview.apkg>` (one card per question, "
        "English and Chinese), built by `make cards`.",
        "",
        "| chapter | questions |",
        "|---|---|",
        *rows,
        "",
        f"Together they cover a syllabus of {len(topics)} topics that deep-learning interviews ask about, "
        "from the law of total probability to the KV cache.",
        "",
    ])


def render_chapter_section(stem: str, questions: list[Question]) -> str:
    """The last markdown cell of a chapter: its questions, each linked to its answer in the bank."""
    lines = [HEADING, "",
             f"Check yourself: the answers, in English and Chinese, are in {{ref}}`the question bank <{_page_name(stem)}>`.",
             ""]
    for q, depth in in_reading_order(questions, stem):
        indent = "   " if depth else ""
        lines.append(f"{indent}- {{ref}}`{q.q} <q-{q.id}>` · {q.q_zh}")
    return "\n".join(lines)


def rendered_files(questions: list[Question], topics: dict[str, str]) -> dict[Path, str]:
    files = {PAGES / "index.md": render_index(questions, topics)}
    for stem in chapter_notebooks():
        files[PAGES / f"{stem}.md"] = render_chapter_page(stem, questions)
    return files


def with_chapter_section(notebook: Path, section: str) -> str:
    """The notebook, as nbformat writes it, with its interview cell (a markdown cell that starts
    with the heading) replaced by ``section``, or appended as the last cell."""
    nb = nbformat.reads(notebook.read_text(encoding="utf-8"), as_version=4)
    existing = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(HEADING)]
    if existing:
        existing[-1].source = section
    else:
        nb.cells.append(nbformat.v4.new_markdown_cell(section))
    return nbformat.writes(nb) + "\n"


# -- the review deck ---------------------------------------------------------------------------

DECK_ID = 1_742_061_120  # fixed, so that a re-imported deck updates the cards instead of duplicating them
MODEL_ID = 1_742_061_121
CARD_CSS = """.card { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; font-size: 18px;
 text-align: left; max-width: 42em; margin: auto; line-height: 1.5; }
.zh { color: #555; } .meta { font-size: 13px; color: #888; } .wrong { border-left: 3px solid #D55E00; padding-left: .6em; }"""


def _html(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")


def deck_notes(questions: list[Question]) -> list[dict]:
    """One note per question, its fields as HTML: numbers pasted from the chapters' glued values."""
    notebooks = chapter_notebooks()
    glued = {stem: glued_values(path) for stem, path in notebooks.items()}
    titles = {stem: _chapter_title(path) for stem, path in notebooks.items()}
    notes = []
    for q in questions:
        back = f"<p>{_html(paste_values(q.a, glued))}</p><p class='zh'>{_html(paste_values(q.a_zh, glued))}</p>"
        if q.wrong:
            w = q.wrong
            back += (f"<div class='wrong'><p>A common wrong answer: “{_html(w['answer'])}” — {_html(paste_values(w['why'], glued))}</p>"
                     f"<p class='zh'>常见错误回答：“{_html(w['answer_zh'])}”——{_html(paste_values(w['why_zh'], glued))}</p></div>")
        meta = f"{titles[q.chapter]} · {q.level} · {LEVELS[q.level]}"
        notes.append({"id": q.id, "fields": [_html(q.q), _html(q.q_zh), back, _html(meta)],
                      "tags": [q.chapter, q.level, *q.topics]})
    return notes


def export_deck(questions: list[Question], path: Path) -> int:
    """Write the bank as an Anki package (``genanki``); returns the number of notes."""
    import genanki

    model = genanki.Model(
        MODEL_ID, "dlcore interview question",
        fields=[{"name": "Question"}, {"name": "问题"}, {"name": "Answer"}, {"name": "Chapter"}],
        templates=[{"name": "Question → answer",
                    "qfmt": "<p>{{Question}}</p><p class='zh'>{{问题}}</p><p class='meta'>{{Chapter}}</p>",
                    "afmt": "{{FrontSide}}<hr id='answer'>{{Answer}}"}],
        css=CARD_CSS)
    deck = genanki.Deck(DECK_ID, "dlcore · Deep-learning interview questions · 深度学习面试题")
    notes = deck_notes(questions)
    for note in notes:
        deck.add_note(genanki.Note(model=model, fields=note["fields"], tags=note["tags"], guid=genanki.guid_for("dlcore", note["id"])))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(str(path))
    return len(notes)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a rendered file is out of date; change nothing")
    parser.add_argument("--cards", type=Path, metavar="PATH", help="write the Anki deck (.apkg) to PATH instead of rendering")
    args = parser.parse_args(argv)
    questions, topics = load_bank(), load_topics()
    found = problems(questions, topics)
    if found:
        print("\n".join(f"✘ {p}" for p in found), file=sys.stderr)
        return 1
    if args.cards:
        print(f"{export_deck(questions, args.cards)} cards written to {args.cards}")
        return 0
    outputs = rendered_files(questions, topics)
    for stem, notebook in chapter_notebooks().items():
        outputs[notebook] = with_chapter_section(notebook, render_chapter_section(stem, questions))
    stale = [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"✘ out of date: {path.relative_to(ROOT)} (run python scripts/question_bank.py)", file=sys.stderr)
        return 1 if stale else 0
    PAGES.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8")
    print(f"{len(questions)} questions, {len(topics)} topics: {len(stale)} file(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
