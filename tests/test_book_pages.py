"""The book's structure: table of contents, stored notebooks, one repository address."""

import json
import re
from pathlib import Path

import pytest
import yaml
from book_toc import toc_files
from repo_scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
VERSION = load_script("stamp_release").release()  # pyproject's version, read as the stamping script reads it
BRANCH = CONFIG["repository"]["branch"]


def source_of(entry: str) -> Path:
    matches = [p for p in (ROOT / f"{entry}.ipynb", ROOT / f"{entry}.md") if p.exists()]
    assert matches, f"{entry} is in _toc.yml but has no .ipynb or .md file"
    return matches[0]


NOTEBOOKS = [source_of(e) for e in toc_files() if source_of(e).suffix == ".ipynb"]
CHAPTERS = [p for p in NOTEBOOKS if re.fullmatch(r"\d\d_[a-z_]+\.ipynb", p.name)]
APPENDICES = [p for p in NOTEBOOKS if p not in CHAPTERS]


def test_every_toc_entry_exists_and_every_chapter_is_in_the_toc():
    listed = {source_of(entry) for entry in toc_files()}
    on_disk = set((ROOT / "chapters").glob("*.ipynb"))
    assert on_disk <= listed, f"chapters not in _toc.yml: {sorted(p.name for p in on_disk - listed)}"


def test_chapters_are_numbered_in_reading_order_and_appendices_follow():
    names = [p.name for p in CHAPTERS]
    assert names == sorted(names) and len(names) == 11
    assert NOTEBOOKS[: len(CHAPTERS)] == CHAPTERS
    assert all(re.fullmatch(r"appendix_[a-z_]+\.ipynb", p.name) for p in APPENDICES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_without_errors(path):
    notebook = json.loads(path.read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "run `make notebooks`"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "executed out of order: run `make notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_cells_store_state_and_are_ignored_by_nbval(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        views = [o for o in cell.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        if views:
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), cell["source"]
            state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
            for view in views:
                assert view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] in state


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_points_at_the_repository_in_the_config(path):
    text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    slug = REPO_URL.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{path.relative_to(ROOT).as_posix()}"
    assert colab in text, "the Colab link must match _config.yml's repository"



def first_code_cell(path: Path) -> str:
    return "".join(next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")["source"])


SETUP_CELL = """# The dlcore release this chapter was executed with. In Colab, and only there, install it
# (nothing else is upgraded or downgraded); elsewhere your own installation is used.
BOOK_RELEASE = "{version}"
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "dlcore @ git+{repo}@v{{BOOK_RELEASE}}"

from dlcore.book import start_chapter

DEVICE, rng = start_chapter(BOOK_RELEASE)  # checks the release, seeds everything, sets the plot style, prints the device"""


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_cell_is_the_colab_install_of_this_release_and_one_call(path):
    # Colab only, and the very release the chapter was executed with (pyproject.toml's,
    # stamped by scripts/stamp_release.py), never "the newest"; everything else is start_chapter's.
    assert first_code_cell(path) == SETUP_CELL.format(version=VERSION, repo=REPO_URL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_notebook_mounts_drive_or_asks_for_credentials(path):
    text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    for needle in ("drive.mount", "from google.colab import", "authenticate_user", "getpass", "userdata.get", "= input("):
        assert needle not in text, needle


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_the_anatomy_of_a_chapter(path):
    cells = json.loads(path.read_text())["cells"]
    markdown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for needle in ("```{exercise}", ":class: dropdown", "## Pitfalls", "## Summary", "## Key terms", "{cite", "{glue:text}"):
        assert needle in markdown, f"missing {needle}"
    assert markdown.count("```{exercise}") >= 3
    assert "dlcore.check" in code and "device" in code and "show(" in code


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_widget_preview_is_tagged_for_its_launch_hint(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    explorers = [c for c in cells if re.search(r"^\w+_explorer\(", "".join(c["source"]).strip().splitlines()[-1])]
    assert explorers, "a chapter has at least one widget"
    assert all("widget-preview" in c["metadata"].get("tags", []) for c in explorers)


GLOSSARY = dict(re.findall(r"^(\S[^\n]*)\n  \*\*([^*]+)\*\* ·", (ROOT / "chapters" / "glossary.md").read_text(), re.M))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_key_terms_carry_the_glossarys_chinese_names(path):
    rows = re.findall(r"^\| \{term\}`([^`]+)` \| ([^|]+?) \|", markdown_of(path), re.M)
    assert rows, "a chapter ends with its key terms"
    assert not [(term, chinese, GLOSSARY.get(term)) for term, chinese in rows if GLOSSARY.get(term) != chinese]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_chapter_sets_the_thread_count(path):
    """The thread count comes from the environment: two threads when a chapter is executed,
    one in each of `make test`'s two workers. A chapter that asks for two threads of its own
    runs four on two cores beside another such chapter, and OpenMP's waiting threads then
    slow both many times over (`make test` took 21 minutes instead of 4)."""
    code = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    assert "set_num_threads" not in code


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_with_what_you_will_learn(path):
    first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert ":::{admonition} What you will learn\n:class: tip" in first


def test_readme_has_a_colab_badge_for_every_chapter():
    readme = (ROOT / "README.md").read_text()
    slug = REPO_URL.removeprefix("https://github.com/")
    for path in CHAPTERS:
        url = f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{path.relative_to(ROOT).as_posix()}"
        assert f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})" in readme, path.name


def test_no_todo_in_the_book():
    sources = [*NOTEBOOKS, *(ROOT / "chapters").glob("*.md")]
    assert not [p.name for p in sources if "TODO" in p.read_text()]


def markdown_of(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text()
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")


# The notes the book grew from are not the reader's: their claims are quoted as they
# circulate ("Common misconception"), never attributed to notes the reader has not seen.
NOTES = re.compile(r"\bnotes\b|\bthe seeds\b", re.I)


def test_the_book_never_mentions_the_notes_it_grew_from():
    sources = [*NOTEBOOKS, *(ROOT / "chapters").glob("*.md")]
    assert not {p.name: NOTES.findall(markdown_of(p)) for p in sources if NOTES.search(markdown_of(p))}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_misconception_boxes_are_warnings_that_say_why(path):
    text = markdown_of(path)
    boxes = re.findall(r"```\{admonition\} Common misconception: ([^\n]+)\n(.*?)\n```", text, re.S)
    assert len(boxes) == text.count("Common misconception"), "a misconception box is not a closed admonition"
    for title, body in boxes:
        assert body.startswith(":class: warning\n"), title
        assert len(body.split()) >= 20, f"the box '{title}' quotes a claim without saying why it is wrong"


def test_package_metadata_points_at_the_same_repository():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'Source = "{REPO_URL}"' in text


def test_every_equation_a_docstring_cites_is_labelled_in_a_chapter():
    labels = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                labels |= set(re.findall(r"\$\$ \((eq-[a-z0-9-]+)\)", "".join(cell["source"])))
    cited = {}
    for module in sorted((ROOT / "dlcore").rglob("*.py")):
        for label in re.findall(r"\((eq-[a-z0-9-]+)\)", module.read_text()):
            cited.setdefault(label, module.relative_to(ROOT).as_posix())
    missing = {label: where for label, where in cited.items() if label not in labels}
    assert not missing, f"cited but labelled in no chapter: {missing}"
