"""Notebook 06: the legal questions, the positions matrix and its widget (issue 13, part A)."""
import re

import pytest

import kit
import kit.law as law

REQUIRED_STATES = {"russia", "china", "iran", "brazil", "india", "united_states", "united_kingdom", "france",
                   "germany", "japan", "australia", "kenya", "mexico", "singapore", "african_union"}


def test_the_matrix_has_at_least_15_states_and_5_questions():
    grid = law.positions_grid()
    states = sorted(grid["state"].unique())
    questions = list(dict.fromkeys(grid["question_id"]))
    print(f"{len(states)} States or groups: {', '.join(states)}")
    print(f"{len(questions)} questions: {', '.join(questions)}")
    assert len(states) >= 15 and len(questions) >= 5
    assert REQUIRED_STATES <= set(grid["state_id"]), REQUIRED_STATES - set(grid["state_id"])
    assert len(grid) == len(states) * len(questions)  # every State x question cell, filled or not
    regions = set(grid["region"])
    assert regions == {"African", "Asia-Pacific", "Eastern European", "Latin American and Caribbean",
                       "Western European and Others"}, regions


def test_every_filled_cell_is_dated_and_sourced_with_known_sources():
    known = set(kit.load("sources")["source_id"])
    grid = law.positions_grid()
    filled = grid[grid["position"] != law.NO_POSITION]
    print(f"{len(filled)} of {len(grid)} cells filled")
    assert len(filled) >= 40
    for c in filled.itertuples():
        assert re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", c.date), (c.state_id, c.question_id, c.date)
        assert c.source_ids and set(c.source_ids) <= known, (c.state_id, c.question_id, c.source_ids)
        assert c.position in law.POSITIONS and c.position != law.NO_POSITION
        assert c.confidence in ("confirmed", "partly confirmed")


def test_empty_cells_say_no_position_found_and_carry_nothing():
    grid = law.positions_grid()
    empty = grid[grid["position"] == law.NO_POSITION]
    assert len(empty) > 0
    assert (empty["statement"] == "No position found in the sources read.").all()
    assert (empty["date"] == "").all() and empty["source_ids"].map(len).eq(0).all()
    # the Charter column is agreed: every State and the AU has a sourced position there
    agreed = grid[grid["question_id"] == "charter_applies"]
    assert (agreed["position"] == "applies").all()


def test_a_removed_position_becomes_no_position_found():
    positions = kit.load("legal_positions")
    row = positions[(positions["state_id"] == "france") & (positions["question"] == "sovereignty")]
    assert len(row) == 1
    cell = law.positions_grid(positions).query("state_id == 'france' and question_id == 'sovereignty'")
    assert cell["position"].item() == "rule"
    fewer = positions.drop(row.index)
    cell = law.positions_grid(fewer).query("state_id == 'france' and question_id == 'sovereignty'")
    assert cell["position"].item() == law.NO_POSITION
    assert "France" in law.position_card_html("france", "sovereignty", positions=fewer)
    assert "No position found" in law.position_card_html("france", "sovereignty", positions=fewer)


def test_the_figure_shows_every_cell_with_a_title_and_axis_labels():
    fig = law.positions_matrix()
    grid = law.positions_grid()
    trace = fig.data[0]
    assert len(trace.y) == grid["state_id"].nunique() and len(trace.x) == grid["question_id"].nunique()
    shown = [t for row in trace.text for t in row]
    assert shown.count(law.NO_POSITION) == (grid["position"] == law.NO_POSITION).sum()
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    one = law.positions_matrix(question="ihl", region="Asia-Pacific")
    assert list(one.data[0].x) == ["IHL in armed conflict"] and "China" in one.data[0].y
    assert "Kenya" not in one.data[0].y


def test_every_question_has_agreed_and_contested_text_and_the_summary_counts():
    q = law.legal_questions_table()
    assert len(q) >= 5 and q["agreed"].str.len().gt(40).all() and q["contested"].str.len().gt(40).all()
    grid = law.positions_grid()
    summary = law.matrix_summary(grid)
    filled = (grid["position"] != law.NO_POSITION).sum()
    assert f"{filled} of {len(grid)} cells" in summary


def test_the_widget_is_driven_by_its_menus():
    w = kit.positions_explorer()
    first_fig, first_card = w.area.figure, w.card.value
    assert "Russian Federation" in first_card and len(first_fig.data[0].x) == 7
    w.question.value = "sovereignty"
    assert list(w.area.figure.data[0].x) == ["Sovereignty"]
    assert w.card.value != first_card and "data-question='sovereignty'" in w.card.value
    w.region.value = "Western European and Others"
    assert set(w.area.figure.data[0].y) == {"United States", "United Kingdom", "France", "Germany", "Australia"}
    assert "5 States or groups" in w.summary.value
    w.state.value = "united_kingdom"
    assert "principle only" in w.card.value
    w.question.value = law.ALL
    assert w.card.value.count("kit-legal-cell") == 7


@pytest.mark.parametrize("call, named", [
    (lambda: law.positions_matrix(question="sovereinty"), "sovereignty"),
    (lambda: law.positions_grid(region="Europe"), "Western European and Others"),
    (lambda: law.position_card_html("russsia"), "russia"),
    (lambda: kit.positions_explorer(question="ihl2"), "ihl"),
])
def test_bad_input_names_the_valid_choices(call, named):
    with pytest.raises(kit.DataError, match="choose one of") as err:
        call()
    assert named in str(err.value)


def test_the_scenario_toolkit_lists_the_rules_and_norms():
    table = law.scenario_toolkit()
    tools = " ".join(table["tool"])
    for part in ("Sovereignty", "Due diligence", "Countermeasures", "State responsibility", "Norm (f)", "Norm (h)"):
        assert part in tools
    assert table["source_ids"].map(len).gt(0).all()
