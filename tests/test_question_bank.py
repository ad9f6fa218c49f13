"""The interview question bank (interview/questions.yaml): sound, complete, rendered and exported.

The bank is data; scripts/question_bank.py checks it, renders the book's interview pages and
each chapter's closing list, and exports the Anki deck. These tests hold it to the issue's
promises — every link resolves, every chapter has questions, every question has both languages
and an answer, no duplicates, every syllabus topic is covered — and check that the checker
itself catches each kind of fault.
"""

import dataclasses
import json
import sqlite3
import zipfile

import nbformat
import pytest

from repo_scripts import load_script

bank = load_script("question_bank")


@pytest.fixture(scope="module")
def questions():
    return bank.load_bank()


@pytest.fixture(scope="module")
def topics():
    return bank.load_topics()


def test_the_bank_is_sound_and_covers_every_topic_and_chapter(questions, topics):
    assert bank.problems(questions, topics) == []
    assert len(questions) >= 150
    assert {q.chapter for q in questions} == set(bank.chapter_notebooks())
    assert {t for q in questions for t in q.topics} == set(topics)


def test_every_question_has_both_languages_an_answer_a_level_and_a_section(questions):
    for q in questions:
        assert q.q.strip() and q.a.strip() and len(q.a) > 60, q.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.q_zh) and any("\u4e00" <= ch <= "\u9fff" for ch in q.a_zh), q.id
        assert q.level in bank.LEVELS and q.section.startswith("sec-")


def test_follow_ups_follow_a_question_of_the_same_chapter(questions):
    by_id = {q.id: q for q in questions}
    follow_ups = [q for q in questions if q.follows]
    assert len(follow_ups) >= 20
    for q in follow_ups:
        assert by_id[q.follows].chapter == q.chapter, q.id


def test_wrong_answers_point_at_the_chapters_misconception_boxes(questions):
    wrong = [q for q in questions if q.wrong]
    boxes = {name for path in bank.chapter_notebooks().values() for name in bank.labels_of(path) if name.startswith("misconception-")}
    assert len(wrong) >= 25
    assert {q.wrong["box"] for q in wrong} == boxes, "every misconception box should be the answer to some wrong answer"


@pytest.mark.parametrize("fault, message", [
    (lambda q: dataclasses.replace(q, section="sec-nowhere"), "no section labelled sec-nowhere"),
    (lambda q: dataclasses.replace(q, chapter="12_nothing"), "no chapter 12_nothing"),
    (lambda q: dataclasses.replace(q, q_zh="What?", a_zh="Nothing."), "hold no Chinese"),
    (lambda q: dataclasses.replace(q, topics=("astrology",)), "unknown topic astrology"),
    (lambda q: dataclasses.replace(q, follows="no-such-question"), "not an earlier question"),
    (lambda q: dataclasses.replace(q, a=q.a + " {{01_bayes:no_such_value}}"), "glues nothing under no_such_value"),
    (lambda q: dataclasses.replace(q, wrong={"answer": "x", "answer_zh": "错", "why": "y", "why_zh": "错", "box": "misconception-none"}),
     "no misconception box named misconception-none"),
    (lambda q: dataclasses.replace(q, id="Bad_ID"), "lower-case words"),
])
def test_the_checker_catches_each_kind_of_fault(questions, topics, fault, message):
    spoiled = [fault(questions[0])] + questions[1:]
    assert any(message in p for p in bank.problems(spoiled, topics))


def test_the_checker_catches_duplicates_and_gaps(questions, topics):
    assert any("used twice" in p for p in bank.problems(questions + [questions[3]], topics))
    assert any("asked twice" in p for p in bank.problems(questions + [dataclasses.replace(questions[3], id="copy")], topics))
    without_metrics = [q for q in questions if q.chapter != "02_metrics"]
    found = bank.problems(without_metrics, topics)
    assert any("02_metrics has no questions" in p for p in found) and any("no question covers the topic" in p for p in found)


def test_the_rendered_pages_and_chapter_lists_are_up_to_date():
    assert bank.main(["--check"]) == 0


def test_every_chapter_ends_with_its_questions_linked_to_the_bank(questions):
    for stem, path in bank.chapter_notebooks().items():
        last = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"][-1]
        assert last.source.startswith(bank.HEADING), stem
        mine = [q for q in questions if q.chapter == stem]
        assert last.source.count("<q-") == len(mine) and all(f"<q-{q.id}>" in last.source for q in mine), stem


def test_the_pages_paste_numbers_from_the_chapters_and_fold_the_answers(questions):
    page = (bank.PAGES / "11_sequences.md").read_text(encoding="utf-8")
    assert "{glue:text}`../11_sequences.ipynb::mha_params:,`" in page and "{{" not in page
    assert page.count(":class: dropdown") >= sum(q.chapter == "11_sequences" for q in questions)
    assert all(f"(q-{q.id})=" in page for q in questions if q.chapter == "11_sequences")


def test_chinese_lines_join_without_spaces_and_english_lines_with_one():
    assert bank._one_line("梯度下降\n  为什么减去梯度") == "梯度下降为什么减去梯度"
    assert bank._one_line("gradient\n  descent") == "gradient descent"
    assert bank._one_line("用 ReLU，\n而不是 sigmoid") == "用 ReLU，而不是 sigmoid"


def test_the_deck_holds_one_note_per_question_with_the_numbers_pasted(questions, tmp_path):
    path = tmp_path / "deck.apkg"
    assert bank.export_deck(questions, path) == len(questions)
    with zipfile.ZipFile(path) as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        fields = [row[0].split("\x1f") for row in db.execute("select flds from notes")]
    assert len(fields) == len(questions)
    text = "\n".join("\x1f".join(f) for f in fields)
    assert "{{" not in text and "glue:" not in text
    mha = next(f for f in fields if "parameters does multi-head attention" in f[0])
    glued = bank.glued_values(bank.chapter_notebooks()["11_sequences"])
    assert f"{json.loads(glued['mha_params']):,}" in mha[2]


def test_follow_ups_are_shown_under_the_question_they_follow(questions):
    by_id = {q.id: q for q in questions}
    for stem in bank.chapter_notebooks():
        order = bank.in_reading_order(questions, stem)
        assert len(order) == sum(q.chapter == stem for q in questions)
        root = None
        for q, depth in order:
            if depth == 0:
                root = q.id
                continue
            ancestor = q
            while ancestor.follows:
                ancestor = by_id[ancestor.follows]
            assert ancestor.id == root, f"{q.id} is shown under {root}, but follows {q.follows}"
