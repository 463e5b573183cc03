"""Restart and Run All, twice in a row, gives the same outputs in every notebook, and what it shows a student is
whole: no text cut by pandas, no <NA>/nan/None shown as a value, no raw Python object, no unfolded source list."""
import copy
import re
from functools import lru_cache

import nbformat
import pytest
from nbclient import NotebookClient

from tests.notebook_list import notebook_paths

WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLOTLY = "application/vnd.plotly.v1+json"


def _run(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@lru_cache(maxsize=None)
def _first_run(path):
    return _run(path)


def _outputs(nb) -> list:
    """Return every code cell's outputs, without what legitimately changes between runs (counts, widget ids)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for o in copy.deepcopy(cell.outputs):
            o.pop("execution_count", None)
            data = o.get("data", {})
            if WIDGET in data:
                data[WIDGET].pop("model_id", None)
            if "text/plain" in data:  # a widget's repr names its model id
                data["text/plain"] = re.sub(r"model_id='[0-9a-f]+'", "model_id", data["text/plain"])
            outputs.append(o)
        out.append((cell.get("id"), outputs))
    return out


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_run_all_twice_gives_the_same_outputs(path):
    first, second = _outputs(_first_run(path)), _outputs(_run(path))
    for (cell_id, a), (_, b) in zip(first, second):
        assert a == b, f"{path.name}: cell {cell_id} shows something different on the second run"


# ----------------------------------------------------------------------------- what a student reads

MISSING_IN_CELL = re.compile(r"<t[dh][^>]*>\s*(?:&lt;NA&gt;|<NA>|nan|NaN|None|NaT)\s*</t[dh]>")
CUT_IN_CELL = re.compile(r"(?:\.\.\.|…)\s*</t[dh]>")
LIST_IN_CELL = re.compile(r"<t[dh][^>]*>\s*[\[(]['\"\d]")
MISSING_WORD = re.compile(r"<NA>|\bnan\b|\bNaN\b|\bNaT\b|\bNone\b")
RAW_REPR = re.compile(r"^\s*[\[{(][\d'\"(\[{-]|dtype: \w+|^Name: |\bobject at 0x|^\s*\w+\(children=|^<[\w.]+ object",
                      re.M)
SOURCES_BLOCK = re.compile(r"<(\w+)[^>]*class=['\"]kit-sources['\"]")


def shown(nb) -> list[tuple[str, str, str]]:
    """Return (where, kind, text) for everything a student reads: each output's HTML (or its plain text when it
    has no HTML), streams, and the HTML and output areas inside the notebook's widgets."""
    seen = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.outputs:
            where = f"cell {cell.get('id')}"
            if o.get("output_type") == "stream":
                seen.append((where, "text", o.get("text", "")))
                continue
            data = o.get("data", {})
            if WIDGET in data or PLOTLY in data:
                continue
            if "text/html" in data:
                seen.append((where, "html", data["text/html"]))
            elif "text/markdown" in data:
                seen.append((where, "html", data["text/markdown"]))
            elif "text/plain" in data:
                seen.append((where, "text", data["text/plain"]))
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        st = model.get("state", {})
        name = model.get("model_name", "")
        if name == "HTMLModel" and st.get("value"):
            seen.append((f"widget {name}", "html", st["value"]))
        if name == "OutputModel":
            fake = nbformat.v4.new_code_cell(outputs=[nbformat.from_dict(x) for x in st.get("outputs", [])])
            seen += [(f"widget output: {w}", k, t) for w, k, t in shown(nbformat.v4.new_notebook(cells=[fake]))]
    return seen


def reading_problems(items) -> list[str]:
    """Return a line per problem in ``items`` (as given by ``shown``)."""
    problems = []
    for where, kind, text in items:
        snippet = lambda m, text=text: text[max(0, m.start() - 80):m.end() + 20].replace("\n", " ")  # noqa: E731
        if kind == "html":
            for pattern, what in ((MISSING_IN_CELL, "a gap shown as <NA>/nan/None"), (CUT_IN_CELL, "text cut off"),
                                  (LIST_IN_CELL, "a Python list shown in a table")):
                m = pattern.search(text)
                if m:
                    problems.append(f"{where}: {what}: …{snippet(m)}")
            for m in SOURCES_BLOCK.finditer(text):
                if m.group(1) != "details":
                    problems.append(f"{where}: a source list that is not folded")
        else:
            for pattern, what in ((MISSING_WORD, "a gap shown as <NA>/nan/None"), (RAW_REPR, "a raw Python object"),
                                  (re.compile(r"\.\.\.(?:\s|$)"), "text cut off")):
                m = pattern.search(text)
                if m:
                    problems.append(f"{where}: {what}: …{snippet(m)}")
    return problems


def test_the_reading_check_can_fail():
    """Each kind of problem that pandas or a raw object would show is caught."""
    import pandas as pd

    frame = pd.DataFrame({"a": ["x" * 300, None], "b": [float("nan"), 1]})
    with pd.option_context("display.max_colwidth", 50):
        cut = frame._repr_html_()
    bad = [("c1", "html", cut), ("c2", "text", repr({"consensus": False})), ("c3", "text", repr(frame["b"])),
           ("c4", "html", "<div class='kit-sources'><ol><li>a</li></ol></div>"), ("c5", "text", "[1, 2]"),
           ("c6", "html", "<td>['France', 'Egypt']</td>")]
    found = reading_problems(bad)
    for where in ("c1", "c2", "c3", "c4", "c5", "c6"):
        assert any(p.startswith(where) for p in found), (where, found)
    assert any("cut off" in p for p in found) and any("<NA>" in p for p in found)


def test_kit_tables_show_whole_text():
    """The kit's table display shows long text whole, lists as 'a; b' and gaps as 'not confirmed'."""
    import pandas as pd

    from kit.display import frame_html

    frame = pd.DataFrame({"text": ["word " * 200], "states": [["France", "Egypt"]], "yes": [pd.NA]})
    page = frame_html(frame)
    assert ("word " * 199).strip() in page and "France; Egypt" in page and "not confirmed" in page
    assert not reading_problems([("t", "html", page)])


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_what_a_student_reads_is_whole(path):
    nb = _first_run(path)
    items = shown(nb)
    assert items, f"{path.name}: nothing shown"
    problems = reading_problems(items)
    assert not problems, f"{path.name}:\n" + "\n".join(problems[:15])
    if path.parent.name == "notebooks" and not path.name.startswith("00"):
        last = [c for c in nb.cells if c.cell_type == "code"][-1]
        html = "".join(o.get("data", {}).get("text/html", "") for o in last.outputs)
        assert "<details class=\"kit-sources\"" in html and "Sources of notebook" in html, \
            f"{path.name}: the last cell should show the notebook's folded source list (kit.sources)"
