"""The course plan, its measured times and core path, the glossary view and the set-up check widget."""
import json
import re

import pytest

import kit
from kit.course import CORE_PATH, PLAN, WHOLE_NOTEBOOK, SetupCheck, plan_figure
from tests.notebook_list import ROOT
from tools import measure_load as ml

REPORT = ROOT / "docs" / "measured_load.md"
# The plan may drift this far from a fast re-count of a notebook (markdown words, exercises) before the test asks
# for a new measurement: rounding (2.5 min) plus about 500 words of markdown. A new section or exercise goes over.
DRIFT_MINUTES = ml.ROUND_TO


def test_plan_lists_every_notebook_with_its_time():
    plan = kit.notebooks()
    assert list(plan["number"]) == [f"{i:02d}" for i in range(len(PLAN))]
    assert (plan["minutes"] > 0).all()
    assert plan.loc[plan["number"] == "00", "ready"].item() is True
    for column in ("number", "title", "minutes", "core_minutes", "core", "optional_sections", "file", "ready"):
        assert column in plan.columns, column


def test_plan_columns_are_tidy():
    plan = kit.notebooks()
    assert plan["optional_sections"].map(type).eq(str).all(), "optional_sections must be text, never a list"
    assert plan["core"].map(type).eq(bool).all()
    assert (plan["core_minutes"] <= plan["minutes"]).all()
    assert (plan["core"] == (plan["core_minutes"] > 0)).all()
    assert ((plan["minutes"] % 5 == 0) & (plan["core_minutes"] % 5 == 0)).all(), "times are rounded to 5 minutes"
    assert set(CORE_PATH) == {num for num, *_ in PLAN}


def test_plan_marks_missing_notebooks_as_not_ready(tmp_path, monkeypatch):
    import kit.course as course

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_start_here.ipynb").write_text("{}")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    assert list(kit.notebooks()["ready"]) == [True] + [False] * (len(PLAN) - 1)


# ------------------------------------------------------------------------------------ measured times, core path

def _plan_rows():
    return kit.notebooks().assign(name=lambda t: t["file"].str.split("/").str[-1]).to_dict("records")


def test_plan_times_are_the_measured_times():
    """kit.course.PLAN and CORE_PATH state what tools/measure_load.py measured (docs/measured_load.md)."""
    measured = ml.read_report(REPORT)
    assert set(measured) == {row["name"] for row in _plan_rows()}, "re-run `make load`: notebooks were added"
    for row in _plan_rows():
        m = measured[row["name"]]
        assert int(m["Minutes"]) == row["minutes"], f"{row['name']}: set PLAN to the measured {m['Minutes']} min"
        assert int(m["Core minutes"]) == row["core_minutes"], f"{row['name']}: core path is {m['Core minutes']} min"
        assert m["Optional sections"] == row["optional_sections"], row["name"]


def _estimate(measured: dict, path) -> tuple[float, float]:
    """Return (minutes, core minutes) of the notebook at ``path`` estimated from its last measurement and a fast
    re-count without a kernel: what changed in its markdown words, code cells and exercises since then."""
    now = ml.markdown_load(path)
    free_text_minutes = ml.THINK_MIN + ml.DEFAULT_ANSWER_WORDS / ml.WRITE_WPM
    drift = ((now.total("markdown_words") - int(measured["Markdown words"])) / ml.MARKDOWN_WPM
             + (now.total("code_cells") - int(measured["Code cells"])) * ml.RUN_CELL_MIN
             + (now.total("auto") - int(measured["Auto-checked"])) * ml.AUTO_MIN
             + (now.total("free_text") - int(measured["Free-text"])) * free_text_minutes)
    return (max(float(measured["Exact minutes"]) + drift, now.class_minutes),
            max(float(measured["Exact core minutes"]) + drift, now.class_minutes))


@pytest.mark.parametrize("row", _plan_rows(), ids=lambda r: r["number"])
def test_measurement_still_describes_the_notebook(row):
    """The notebook has not changed so much since the last `make load` that its stated times are off by more
    than the rounding and a little drift (about 500 words of markdown)."""
    minutes, core = _estimate(ml.read_report(REPORT)[row["name"]], ROOT / row["file"])
    assert abs(minutes - row["minutes"]) <= DRIFT_MINUTES, (
        f"{row['name']}: now about {minutes:.0f} min of work, the plan says {row['minutes']}; "
        "re-run `make load` and update the times")
    if row["core"]:
        assert abs(core - row["core_minutes"]) <= DRIFT_MINUTES, (
            f"{row['name']}: core path now about {core:.0f} min, the plan says {row['core_minutes']}")


def test_the_fast_check_notices_a_notebook_that_grew(tmp_path):
    row = next(r for r in _plan_rows() if r["number"] == "02")
    nb = json.loads((ROOT / row["file"]).read_text(encoding="utf-8"))
    nb["cells"][-1:-1] = [
        {"cell_type": "markdown", "id": "grown-md", "metadata": {}, "source": ["## 7. More\n", "\n", "word " * 300]},
        {"cell_type": "code", "id": "grown-code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ['kit.exercise("votes_truly_democratic")']}]
    grown = tmp_path / row["name"]
    grown.write_text(json.dumps(nb), encoding="utf-8")
    minutes, _ = _estimate(ml.read_report(REPORT)[row["name"]], grown)
    assert abs(minutes - row["minutes"]) > DRIFT_MINUTES


def test_core_path_fits_a_two_week_module():
    plan = kit.notebooks()
    core = int(plan["core_minutes"].sum())
    assert 6 * 60 <= core <= 7 * 60 + 30, f"the core path takes {core} minutes; a two-week module has about 7 hours"
    assert plan["core"].sum() >= len(plan) - 2, "the core path should keep most notebooks"
    assert plan.loc[plan["number"].isin(["00", "08", "09"]), "core"].all(), "start, simulation and hand-in are core"


def _time_statement(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"][:3]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("**Time needed"):
                    return line
    raise AssertionError(f"{path.name}: no '**Time needed' line in the first cells")


@pytest.mark.parametrize("row", _plan_rows(), ids=lambda r: r["number"])
def test_first_cell_states_the_plan_times(row):
    line = _time_statement(ROOT / row["file"])
    stated = re.search(r"about (\d+) minutes", line)
    assert stated and int(stated.group(1)) == row["minutes"], f"{row['name']}: {line!r} vs {row['minutes']} min"
    core = re.search(r"core path: (\d+) minutes", line)
    if not row["core"]:
        assert "optional notebook" in line, line
    elif core:
        assert int(core.group(1)) == row["core_minutes"], f"{row['name']}: {line!r} vs core {row['core_minutes']}"
    else:
        assert "all of it is in the core path" in line and row["core_minutes"] == row["minutes"], line


def _headings(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [line for c in nb["cells"] if c["cell_type"] == "markdown"
            for line in "".join(c["source"]).splitlines() if re.match(r"#{2,3} ", line)]


@pytest.mark.parametrize("row", _plan_rows(), ids=lambda r: r["number"])
def test_optional_sections_are_marked_in_their_headings(row):
    path = ROOT / row["file"]
    if row["optional_sections"] == WHOLE_NOTEBOOK:
        assert "optional notebook" in _time_statement(path)
        return
    listed = [] if row["optional_sections"] == "none" else row["optional_sections"].split("; ")
    by_title = {ml.heading_title(h.split(" ", 1)[1]): h for h in _headings(path)}
    for title in listed:
        assert title in by_title, f"{row['name']}: no heading {title!r}"
        assert "(optional, about" in by_title[title], f"{row['name']}: {by_title[title]!r} is not marked optional"
    marked = [t for t, h in by_title.items() if ml.OPTIONAL_MARK.search(h)]
    assert sorted(marked) == sorted(listed), f"{row['name']}: headings marked optional {marked} vs plan {listed}"


def test_readme_states_the_measured_times():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    plan = kit.notebooks()
    for row in plan.to_dict("records"):
        line = next(x for x in readme.splitlines() if x.startswith(f"| {row['number']} |"))
        assert f"{row['minutes']} min" in line, line
        assert (f"{row['core_minutes']} min" in line) if row["core"] else ("optional" in line), line
    assert f"{plan['core_minutes'].sum()} min" in readme and f"{plan['minutes'].sum()} min" in readme


# ------------------------------------------------------------------------------------------ the counting itself

def test_counting_rules():
    assert ml.words("The OEWG's ICT-related report (2021), ¶6") == 6
    shown, folded = ml.html_parts('<p>Two <b>words</b></p><details><summary>Sources (2)</summary>'
                                  '<ol><li>A long folded list</li></ol></details>'
                                  '<style>.x{color:red}</style>')
    assert ml.words(shown) == 4 and ml.words(folded) == 4
    seen = set()
    assert ml.new_words("one two\nthree", seen) == 3
    assert ml.new_words("one two\nfour", seen) == 1, "a line already shown is not read again"
    assert ml.heading_title("4. The argument map (optional, about 5 minutes)") == "4. The argument map"
    assert ml.round_minutes(12.4) == 10 and ml.round_minutes(12.5) == 15 and ml.round_minutes(1) == 5


def test_expected_answer_length_comes_from_the_exercise():
    from kit.exercises import all_exercises

    exercises = all_exercises()
    assert ml.expected_answer_words(exercises["law_treaty_needed"]) == 140  # "80 to 200 words"
    assert ml.expected_answer_words(exercises["timeline_enough_time"]) == 105  # "60-150 words"
    toulmin = exercises["reading_toulmin_p06"]  # no range: the model answer's length
    assert ml.expected_answer_words(toulmin) == max(toulmin.min_words, ml.words(toulmin.model_answer))


def test_report_round_trips():
    measured = ml.read_report(REPORT)
    assert len(measured) == len(PLAN)
    assert all(set(ml.NOTEBOOK_COLUMNS) == set(row) for row in measured.values())
    text = REPORT.read_text(encoding="utf-8")
    assert "Generated by `tools/measure_load.py`" in text and "make load" in text


# ----------------------------------------------------------------------------------------------- the chart

def test_plan_figure_highlights_the_chosen_notebooks():
    fig = plan_figure(2)
    colours = list(fig.data[0].marker.color)
    assert colours[:2] == ["#0072B2"] * 2 and set(colours[2:]) == {"#BBBBBB"}
    total = sum(m for _, _, _, m in PLAN[:2])
    core = sum(CORE_PATH[num][0] for num, *_ in PLAN[:2])
    assert f"about {total} minutes" in fig.layout.title.text and f"({core} on the core path)" in fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_plan_figure_stacks_core_and_optional_minutes():
    fig = plan_figure(3)
    plan = kit.notebooks()
    assert [t.name for t in fig.data] == ["Core path", "Optional sections"]
    assert list(fig.data[0].x) == list(plan["core_minutes"])
    assert [a + b for a, b in zip(fig.data[0].x, fig.data[1].x)] == list(plan["minutes"])
    assert fig.layout.barmode == "stack"


@pytest.mark.parametrize("bad", [-1, 99, "3", 2.5, None])
def test_plan_figure_rejects_impossible_choices(bad):
    with pytest.raises(kit.DataError, match="whole number from 0 to"):
        plan_figure(bad)


def test_setup_check_slider_updates_the_chart():
    check = kit.check_setup()
    assert isinstance(check, SetupCheck)
    first = check.figure
    check.slider.value = 5
    assert check.figure is not first
    assert "00–04" in check.figure.layout.title.text
    check.slider.value = 0
    assert check.figure.layout.title.text == "No notebooks chosen yet"
    assert "the kit is installed" in check.versions.value
