"""Votes: First Committee and plenary figures kept apart, the adoption record before and after 2018, the comparer."""
import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
from kit.data import DataError
from kit.votes import (BODIES, DEFAULT_TEXTS, VoteComparer, adoption_figure, adoption_record, adoption_summary,
                       vote_figure, vote_table, vote_texts)


@pytest.fixture(scope="module")
def votes():
    return kit.load("votes")


@pytest.fixture(scope="module")
def events():
    return kit.load("events")


def _bars(fig):
    """Return {(body, count, label): value} for every bar drawn."""
    return {(t.meta["body"], t.meta["count"], y): x for t in fig.data if t.type == "bar" for x, y in zip(t.x, t.y)}


def _notes(fig):
    return {(t.meta["body"], y): s for t in fig.data if t.type == "scatter" for y, s in zip(t.y, t.text)}


def test_default_figure_shows_both_bodies_in_separate_panels(votes):
    fig = vote_figure(votes)
    assert "First Committee and General Assembly plenary shown apart" in fig.layout.title.text
    assert [a.text for a in fig.layout.annotations] == ["<b>First Committee</b>", "<b>General Assembly plenary</b>"]
    assert fig.layout.xaxis.title.text == "States voting (First Committee)"
    assert fig.layout.xaxis2.title.text == "States voting (plenary)"
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]   # side by side, never overlaid
    bars = _bars(fig)
    assert bars[("First Committee", "yes", "A/RES/73/27 · Russian Federation")] == 109
    assert bars[("General Assembly", "yes", "A/RES/73/27 · Russian Federation")] == 119
    assert bars[("First Committee", "no", "A/RES/77/37 · France")] == 6
    # every trace belongs to exactly one body: nothing is summed across bodies
    for t in fig.data:
        axis = t.xaxis or "x"
        assert (axis == "x") == (t.meta["body"] == "First Committee")


def test_missing_counts_are_explained_not_drawn_as_zero(votes):
    fig = vote_figure(votes)
    bars, notes = _bars(fig), _notes(fig)
    assert notes[("General Assembly", "A/RES/75/240 · Russian Federation")] == "92–50–21"   # Digital Library record
    assert bars[("General Assembly", "yes", "A/RES/75/240 · Russian Federation")] == 92
    assert notes[("General Assembly", "A/RES/77/37 · France")] == "156–7–14"   # UN machine-readable record (DGACM)
    assert bars[("General Assembly", "no", "A/RES/77/37 · France")] == 7
    # a body with no row at all is said in words, never drawn as zero
    gap = votes[votes["vote_id"] != "a_res_77_37_ga"].reset_index(drop=True)
    gap_fig = vote_figure(gap)
    assert "no confirmed record" in _notes(gap_fig)[("General Assembly", "A/RES/77/37 · France")]
    assert ("General Assembly", "yes", "A/RES/77/37 · France") not in _bars(gap_fig)
    assert ("First Committee", "abstain", "A/RES/73/266 · United States") not in bars   # abstentions not given
    assert notes[("First Committee", "A/RES/73/266 · United States")] == "139–11–?"
    assert notes[("First Committee", "A/RES/77/37 · France")] == "157–6–14"
    fig = vote_figure(votes, texts=["A/RES/76/19"])
    assert "adopted without a vote" in _notes(fig)[("General Assembly", "A/RES/76/19 · Russian Federation and United States")]


@pytest.mark.parametrize("texts, bodies, expect_bars, expect_title", [
    (["A/RES/73/27"], ["First Committee"], {("First Committee", "yes", "A/RES/73/27 · Russian Federation"): 109},
     "How the chosen texts were adopted: First Committee"),
    (["A/RES/73/266"], ["General Assembly"], {("General Assembly", "no", "A/RES/73/266 · United States"): 12},
     "General Assembly plenary"),
    (["A/RES/74/28", "A/RES/74/29"], list(BODIES), {("First Committee", "yes", "A/RES/74/28 · United States"): 161,
                                                    ("General Assembly", "abstain", "A/RES/74/29 · Russian Federation"): 45},
     "shown apart"),
])
def test_filters_change_the_bars(votes, texts, bodies, expect_bars, expect_title):
    fig = vote_figure(votes, texts=texts, bodies=bodies)
    bars = _bars(fig)
    for key, value in expect_bars.items():
        assert bars[key] == value
    assert {k[0] for k in bars} <= set(bodies)
    assert {k[2] for k in bars} <= {vote_texts(votes).set_index("text").loc[t, "label"] for t in texts}
    assert expect_title in fig.layout.title.text


def test_vote_table_names_the_body_on_every_row(votes):
    table = vote_table(votes)
    assert set(table["body"]) == set(BODIES)
    assert list(dict.fromkeys(table["text"])) == list(DEFAULT_TEXTS)
    row = table[(table["text"] == "A/RES/75/240")]
    assert list(row["body"]) == ["First Committee", "General Assembly"] and list(row["no"].astype(int)) == [50, 50]
    assert list(row["yes"].astype(int)) == [104, 92]


def test_texts_without_a_symbol_get_an_honest_label(votes):
    texts = vote_texts(votes).set_index("text")
    assert texts.loc["A/RES/75/32", "label"] == "A/RES/75/32 · United States"   # symbol confirmed by the record
    assert not any("symbol not confirmed" in label for label in texts["label"])
    assert texts.loc["A/RES/73/187", "related"]


def test_adoption_record_before_and_after_2018(votes, events):
    rec = adoption_record(votes, events)
    assert "A/RES/73/187" not in set(rec["text"])    # related cybercrime text left out
    modes = dict(zip(rec["text"], rec["adoption"]))
    assert modes["A/RES/73/27"] == "recorded vote" and modes["A/RES/68/243"] == "without a vote"
    assert modes["A/RES/75/240"] == "recorded vote" and modes["A/RES/77/37"] == "recorded vote"
    assert modes["A/RES/78/237"] == "recorded vote" and modes["A/RES/80/16"] == "without a vote"
    assert modes["A/RES/67/27"] == "mode not confirmed"
    summary = adoption_summary(votes, events)
    assert summary.loc[("before 2018", "resolution"), "without a vote"] == 6
    # 73/27, 73/266, 74/28, 74/29, 75/32, 75/240, 77/36, 77/37, 78/16, 78/237
    assert summary.loc[("2018 and after", "resolution"), "recorded vote"] == 10
    assert summary.loc[("2018 and after", "resolution"), "mode not confirmed"] == 0
    assert summary.loc[("2018 and after", "decision"), "without a vote"] == 3
    assert adoption_summary(votes, events, split_year=2010).loc[("before 2010", "resolution"), "recorded vote"] == 4


@pytest.mark.parametrize("kwargs, title_part, years", [
    (dict(), "Resolutions of the series adopted without a vote in the plenary: 6 before 2018, 3 from 2018 on", None),
    (dict(kinds=["resolution", "decision"]), "6 before 2018, 6 from 2018 on", None),
    (dict(years=(2009, 2016)), "6 before 2018", {2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016}),
])
def test_adoption_figure(votes, events, kwargs, title_part, years):
    fig = adoption_figure(votes, events, **kwargs)
    assert title_part in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "Year of adoption" and fig.layout.yaxis.title.text.startswith("Number of resolutions")
    assert [t.name for t in fig.data] == ["without a vote", "recorded vote", "mode not confirmed"]
    if years:
        assert {x for t in fig.data for x in t.x} == years


@pytest.mark.parametrize("call, words", [
    (lambda v, e: vote_figure(v, texts=["A/RES/99/1"]), "unknown texts 'A/RES/99/1'; choose from"),
    (lambda v, e: vote_figure(v, texts=[]), "choose at least one of the texts"),
    (lambda v, e: vote_figure(v, bodies=["Security Council"]), "unknown bodies 'Security Council'"),
    (lambda v, e: vote_table("votes"), "expected the votes table"),
    (lambda v, e: adoption_summary(v, e, split_year="2018"), "split_year must be a year"),
    (lambda v, e: adoption_figure(v, e, years=2018), "years must be a pair"),
    (lambda v, e: adoption_record(v, None), "expected the events table"),
])
def test_bad_input_raises_clear_errors(votes, events, call, words):
    with pytest.raises(DataError, match=words):
        call(votes, events)


@settings(max_examples=60, deadline=None)
@given(texts=st.one_of(st.none(), st.integers(), st.lists(st.sampled_from(list(DEFAULT_TEXTS) + ["A/RES/76/19", "x"]),
                                                           max_size=4)),
       bodies=st.one_of(st.none(), st.lists(st.sampled_from(list(BODIES) + ["Plenary"]), max_size=2)))
def test_any_choice_gives_a_figure_or_a_clear_error(votes, texts, bodies):
    try:
        fig = vote_figure(votes, texts=texts, bodies=bodies)
    except DataError:
        return
    assert fig.layout.title.text


# ---------------------------------------------------------------- the widget

def test_comparer_default_equals_the_plain_builder_call(votes):
    w = VoteComparer(votes)
    plain = vote_figure(votes)
    assert w.figure.layout.title.text == plain.layout.title.text and _bars(w.figure) == _bars(plain)
    assert w.texts.description and w.bodies.description
    assert "Sources" in w.notes.value


def test_comparer_controls_change_the_figure(votes):
    w = VoteComparer(votes)
    w.texts.value = ["A/RES/74/28"]
    assert set(k[2] for k in _bars(w.figure)) == {"A/RES/74/28 · United States"}
    assert "A/RES/74/28" in w.notes.value and "A/RES/73/27" not in w.notes.value
    w.bodies.value = ("First Committee",)
    assert set(k[0] for k in _bars(w.figure)) == {"First Committee"}
    assert _bars(w.figure)[("First Committee", "yes", "A/RES/74/28 · United States")] == 161
    w.bodies.value = ("General Assembly",)
    assert _bars(w.figure) == {("General Assembly", k, "A/RES/74/28 · United States"): v
                               for k, v in (("yes", 163), ("no", 10), ("abstain", 6))}


def test_comparer_shows_an_empty_selection_inline(votes):
    w = VoteComparer(votes)
    before = w.figure
    w.texts.value = []
    assert "choose at least one of the texts" in w.area.message.value and w.figure is before


def test_comparer_update_is_fast(votes):
    w = VoteComparer(votes)
    choices = [list(DEFAULT_TEXTS[:k]) for k in range(1, 5)]
    times = []
    for i in range(100):
        t0 = time.perf_counter()
        w.texts.value = choices[i % 4]
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.2  # generous for a shared machine; the kit aims at < 20 ms


def test_figures_are_valid_plotly(votes, events):
    """The builders skip plotly's validation for speed; check here that every property they set is valid."""
    import plotly.graph_objects as go
    for fig in (vote_figure(votes), vote_figure(votes, texts=["A/RES/76/19"], bodies=["General Assembly"]),
                adoption_figure(votes, events)):
        go.Figure(fig.to_dict())  # raises ValueError on an invalid property
