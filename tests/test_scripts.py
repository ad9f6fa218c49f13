"""The scripts that keep the stored chapters reproducible (re-execution and perturbation) and
the one that prints the book (build_pdf.py, on a small book of its own)."""

import base64
import uuid

import yaml

import nbformat
from repo_scripts import ROOT, load_script


execute_notebooks = load_script("execute_notebooks")
perturb = load_script("perturb")
build_pdf = load_script("build_pdf")
stamp_release = load_script("stamp_release")
VIEW, STATE = execute_notebooks.WIDGET_VIEW, execute_notebooks.WIDGET_STATE


def executed_notebook(ids):
    """A notebook as nbclient stores it: a box holding a slider, with random model ids."""
    box, slider, layout, unused = ids
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explorer()", id="explorer")
    cell.outputs = [nbformat.v4.new_output("display_data", data={VIEW: {"model_id": box, "version_major": 2}})]
    notebook.cells = [cell]
    state = {
        unused: {"model_name": "LayoutModel", "state": {"width": "1px"}},
        slider: {"model_name": "IntSliderModel", "state": {"layout": f"IPY_MODEL_{layout}", "value": 5}},
        layout: {"model_name": "LayoutModel", "state": {"width": "420px"}},
        box: {"model_name": "VBoxModel", "state": {"children": [f"IPY_MODEL_{slider}"]}},
    }
    notebook.metadata["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return notebook


def test_re_execution_with_new_random_widget_ids_stores_the_same_file():
    runs = [executed_notebook([uuid.uuid4().hex for _ in range(4)]) for _ in range(2)]
    texts = [nbformat.writes(execute_notebooks.stable_widget_ids(nb, "01_demo")) for nb in runs]
    assert texts[0] == texts[1]


def test_widget_ids_follow_reading_order_and_references_follow_the_ids():
    notebook = execute_notebooks.stable_widget_ids(executed_notebook(["a" * 32, "b" * 32, "c" * 32, "d" * 32]), "01_demo")
    state = notebook.metadata["widgets"][STATE]["state"]
    names = [model["model_name"] for model in state.values()]
    assert names == ["VBoxModel", "IntSliderModel", "LayoutModel", "LayoutModel"]
    box_id, slider_id, layout_id, _ = state
    assert notebook.cells[0].outputs[0]["data"][VIEW]["model_id"] == box_id
    assert state[box_id]["state"]["children"] == [f"IPY_MODEL_{slider_id}"]
    assert state[slider_id]["state"]["layout"] == f"IPY_MODEL_{layout_id}"
    assert not {"a" * 32, "b" * 32, "c" * 32, "d" * 32} & set(state)


def test_progress_bars_are_stored_without_their_timings():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {STATE: {"state": {
        "a" * 32: {"model_name": "HTMLModel", "state": {"value": " 8/8 [00:01&lt;00:00, 55.78it/s]"}},
        "b" * 32: {"model_name": "HTMLModel", "state": {"value": " 0/8 [00:00&lt;?, ?it/s]"}},
        "c" * 32: {"model_name": "HTMLModel", "state": {"value": "epochs: 100%"}},
        "d" * 32: {"model_name": "FloatProgressModel", "state": {"value": 8}},
    }}}
    state = execute_notebooks.steady_progress_bars(notebook).metadata["widgets"][STATE]["state"]
    assert [m["state"]["value"] for m in state.values()] == [" 8/8", " 0/8", "epochs: 100%", 8]


def test_stored_chapters_keep_no_progress_timings():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        assert not execute_notebooks.PROGRESS_TIMES.search(path.read_text()), path.name


def test_a_notebook_without_widgets_is_left_alone():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
    assert execute_notebooks.stable_widget_ids(notebook, "x") is notebook


def test_stored_chapters_already_have_stable_widget_ids():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        normalised = execute_notebooks.coalesce_streams(execute_notebooks.stable_widget_ids(notebook, path.stem))
        assert nbformat.writes(normalised) == before, (
            f"{path.name}: run `make notebooks`")


def test_perturbation_runs_nbval_with_the_makefiles_options():
    assert perturb.nbval_options() == ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]


def test_perturbation_profiles_force_every_library_below_this_cpu():
    from numpy._core._multiarray_umath import __cpu_dispatch__

    avx2, no_simd = (perturb.environment(profile) for profile in perturb.PROFILES.values())
    assert avx2["ATEN_CPU_CAPABILITY"] == "avx2" and no_simd["ATEN_CPU_CAPABILITY"] == "default"
    for env in (avx2, no_simd):
        assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1"
        assert set(env["NPY_DISABLE_CPU_FEATURES"].split()) <= set(__cpu_dispatch__)
    assert "X86_V3" not in avx2["NPY_DISABLE_CPU_FEATURES"].split()
    assert ("X86_V3" in no_simd["NPY_DISABLE_CPU_FEATURES"].split()) == ("X86_V3" in __cpu_dispatch__)


def test_every_stored_widget_reference_resolves():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        state = notebook.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
        referenced = set(execute_notebooks.MODEL_REFERENCE.findall(nbformat.writes(notebook)))
        assert referenced <= set(state), f"{path.name}: widgets refer to models that are not stored"


def test_re_execution_keeps_stored_text_that_differs_only_in_what_nbval_masks():
    def run(*lines):
        notebook = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("report()", id="report")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=line) for line in lines]
        notebook.cells = [cell]
        return notebook

    stored = run("AP 0.653  0.4 s\n", "loss 0.25\n", "step      969 ms\n")
    new = execute_notebooks.keep_unchanged_text(stored, run("AP 0.653  0.5 s\n", "loss 0.26\n", "step     1051 ms\n"))
    assert [o.text for o in new.cells[0].outputs] == ["AP 0.653  0.4 s\n", "loss 0.26\n", "step      969 ms\n"]
    changed_source = run("AP 0.653  0.5 s\n", "loss 0.25\n")
    changed_source.cells[0].source = "report(verbose=True)"
    assert execute_notebooks.keep_unchanged_text(stored, changed_source).cells[0].outputs[0].text == "AP 0.653  0.5 s\n"


def test_consecutive_prints_are_stored_as_one_output_however_the_kernel_split_them():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report()", id="report")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="b\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="c\n")]
    notebook.cells = [cell]
    outputs = execute_notebooks.coalesce_streams(notebook).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "a\nb\n"), ("stderr", "warning\n"), ("stdout", "c\n")]


def test_stamping_writes_pyprojects_release_into_the_first_cell_only(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell('BOOK_RELEASE = "9.9.9" in prose stays'),
                      nbformat.v4.new_code_cell('BOOK_RELEASE = "9.9.9"\nstart_chapter(BOOK_RELEASE)'),
                      nbformat.v4.new_code_cell('BOOK_RELEASE = "9.9.9"  # a later cell is not the setup')]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(notebook, path)
    assert stamp_release.stamp(path, stamp_release.release())
    cells = nbformat.read(path, as_version=4).cells
    assert cells[1].source == f'BOOK_RELEASE = "{stamp_release.release()}"\nstart_chapter(BOOK_RELEASE)'
    assert cells[0].source.startswith('BOOK_RELEASE = "9.9.9"') and cells[2].source.startswith('BOOK_RELEASE = "9.9.9"')
    assert not stamp_release.stamp(path, stamp_release.release())  # stamped already: the file is left alone


def small_book(root):
    (root / "chapters").mkdir()
    (root / "_config.yml").write_text("title: A small book\n")
    toc = {"format": "jb-book", "root": "chapters/intro",
           "parts": [{"caption": "Part A", "chapters": [{"file": "chapters/a"}]},
                     {"caption": "Part B · 乙", "chapters": [{"file": "chapters/b", "sections": [{"file": "chapters/c"}]}]}]}
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True))
    (root / "chapters" / "intro.md").write_text("# A small book\n\nWhy.\n\n## Who it is for\n\nYou.\n\n## Chapters\n\n```{tableofcontents}\n```\n")
    (root / "chapters" / "a.md").write_text("# A\n")
    (root / "chapters" / "c.md").write_text("# C\n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("(chapter-b)=\n# B")]
    nbformat.write(notebook, root / "chapters" / "b.ipynb")


def test_the_pdf_prints_the_landing_page_as_a_chapter_and_opens_each_part(tmp_path):
    small_book(tmp_path)
    build_pdf.arrange_for_print(tmp_path)
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text())
    assert toc["root"] == "print_root" and (tmp_path / "print_root.md").read_text() == "# A small book\n"
    assert [part["chapters"] for part in toc["parts"]] == [
        [{"file": "chapters/intro"}], [{"file": "chapters/a"}], [{"file": "chapters/b", "sections": [{"file": "chapters/c"}]}]]
    assert all("caption" not in part for part in toc["parts"])
    intro = (tmp_path / "chapters" / "intro.md").read_text()
    assert intro.startswith("# About this book\n") and "## Who it is for" in intro and "Chapters" not in intro
    assert (tmp_path / "chapters" / "a.md").read_text().startswith("```{raw} latex\n\\part{Part A}\n```\n")
    first = nbformat.read(tmp_path / "chapters" / "b.ipynb", as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source == "```{raw} latex\n\\part{Part B · 乙}\n```\n"


def test_the_pdf_prints_each_explorer_as_a_vector_figure_with_its_note(tmp_path):
    notebook = nbformat.v4.new_notebook()
    shown, other = (nbformat.v4.new_code_cell(f"explorer_{n}()") for n in "ab")
    shown.outputs = [nbformat.v4.new_output("execute_result", data={VIEW: {"model_id": "m1"}, "text/plain": "Explorer(...)"})]
    other.outputs = [nbformat.v4.new_output("execute_result", data={VIEW: {"model_id": "m2"}, "text/plain": "Explorer(...)"})]
    notebook.cells = [nbformat.v4.new_markdown_cell("text"), shown, other]
    (tmp_path / "previews.json").write_text('{"m1": "*An interactive figure.*"}')
    (tmp_path / "m1.pdf").write_bytes(b"%PDF-1.4 a figure")
    assert build_pdf.print_previews(notebook, tmp_path) == 1
    figure, note = notebook.cells[1].outputs
    assert base64.b64decode(figure.data["application/pdf"]) == b"%PDF-1.4 a figure" and VIEW in figure.data
    assert note.output_type == "display_data" and note.data == {"text/markdown": "*An interactive figure.*"}
    assert len(notebook.cells[2].outputs) == 1 and "application/pdf" not in notebook.cells[2].outputs[0].data
