"""Notebook 07, norms in practice: the events and tables it rests on, its builders, and the explorer driven by its menu."""
import shutil

import pandas as pd
import pytest

import kit
from kit import data, practice
from kit.data import DataError
from kit.timeline import DEFAULT_TRACKS, KIND_SYMBOLS, TRACKS, timeline_figure

PRACTICE_TABLES = ("practice_facts", "poc_directory", "accreditation")


@pytest.fixture(scope="module")
def sources():
    return set(kit.load("sources")["source_id"])


# ---------------------------------------------------------------- the record

@pytest.mark.parametrize("event_id, date, track, kind", [
    ("cybercrime_convention_adopted", "2024-12-24", "cybercrime", "resolution"),
    ("cybercrime_convention_signing", "2025-10-25", "cybercrime", "launch"),
    ("poc_directory_launch", "2024-05", "oewg", "launch"),
    ("oewg_accreditation_2022", "2022-06-30", "oewg", "accreditation"),
    ("global_roundtable_cb_2024", "2024-05-10", "oewg", "meeting"),
])
def test_the_events_of_the_notebook_are_on_the_timeline(event_id, date, track, kind, sources):
    events = kit.load("events").set_index("event_id")
    assert event_id in events.index, f"events.csv lacks {event_id}"
    row = events.loc[event_id]
    assert (row["date_label"], row["track"], row["kind"]) == (date, track, kind)
    assert row["source_ids"] and set(row["source_ids"]) <= sources


@pytest.mark.parametrize("name", PRACTICE_TABLES)
def test_every_row_is_dated_and_sourced(name, sources):
    table = kit.load(name)
    assert len(table) > 0
    assert table["date"].notna().all(), f"{name}: a row has no date"
    for ids in table["source_ids"]:
        assert ids and set(ids) <= sources, f"{name}: unknown or missing sources {ids}"
    assert set(table["confidence"]) <= {"confirmed", "partly confirmed"}


def test_every_pillar_has_facts_and_the_cybercrime_rows_include_both_support_and_objection():
    facts = kit.load("practice_facts")
    assert set(facts["pillar"]) == set(practice.PILLARS)
    cyber = facts[facts["pillar"] == "cybercrime"]
    assert {"supports", "opposes"} <= set(cyber["stance"].dropna())


def test_accreditation_records_objections_from_both_sides():
    acc = practice.accreditation_table()
    assert {"Ukraine", "Russian Federation", practice.NOT_NAMED} <= set(acc["objected_by"])
    # a blocked organisation with no named objector is shown as such, never filled in
    raw = kit.load("accreditation")
    assert (acc["objected_by"] == practice.NOT_NAMED).sum() == raw["objected_by"].isna().sum()


# ---------------------------------------------------------------- the builders

def test_practice_table_keeps_one_pillar_in_date_order():
    facts = kit.load("practice_facts")
    mine = facts[facts["pillar"] == "ukraine"]
    table = practice.practice_table("ukraine")
    assert list(table.columns) == practice.FACT_COLUMNS
    assert sorted(table["fact"]) == sorted(mine["fact"])
    assert list(table["date"]) == list(mine.sort_values("date", kind="stable")["date_label"])
    assert not set(table["fact"]) & set(facts[facts["pillar"] != "ukraine"]["fact"])


def test_poc_figure_draws_each_count_with_exact_and_floor_markers():
    poc = kit.load("poc_directory")
    fig = practice.poc_figure()
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    drawn = {int(y) for t in fig.data if t.mode and "markers" in t.mode for y in t.y}
    assert drawn == set(poc["value"])
    floors = [t for t in fig.data if t.marker and t.marker.symbol == "circle-open"]
    assert sum(len(t.y) for t in floors) == (poc["qualifier"] == "more than").sum()


def test_poc_summary_is_built_from_the_data():
    poc = practice.poc_participation()
    text = practice.poc_summary()
    col = "States that had nominated points of contact"
    assert poc[col].iloc[0] in text and poc[col].iloc[-1] in text and f"{len(poc)} dated counts" in text


def test_crime_and_security_tracks_labels_the_kits_reading_and_cites_known_sources(sources):
    table = practice.crime_and_security_tracks()
    assert table["point"].iloc[-1].startswith("the kit's reading")
    for ids in table["source_ids"]:
        assert ids and set(ids) <= sources
    opposed = kit.load("positions").query("issue == 'convention' and stance == 'opposes'")["actor"]
    assert all(a in table.iloc[-1, 1] for a in opposed)


@pytest.mark.parametrize("call, words", [
    (lambda: practice.practice_table("cbm"), ["confidence_building", "ukraine"]),
    (lambda: practice.practice_table(["ukraine"]), ["choose one of"]),
    (lambda: practice.accreditation_table("France"), ["Ukraine", "Russian Federation", "not named"]),
    (lambda: practice.practice_explorer("stakeholder"), ["did you mean", "'stakeholders'"]),
])
def test_bad_input_gets_the_kits_error_naming_the_valid_choices(call, words):
    with pytest.raises(DataError) as err:
        call()
    for w in words:
        assert w in str(err.value)


def test_a_pillar_with_no_rows_is_reported_by_name(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    data.clear_caches()
    try:
        facts = pd.read_csv(copy / "practice_facts.csv", dtype=str, keep_default_na=False)
        facts[facts["pillar"] != "ukraine"].to_csv(copy / "practice_facts.csv", index=False)
        with pytest.raises(DataError, match="no row for the pillar 'ukraine'"):
            practice.practice_table("ukraine")
        assert len(practice.practice_table("stakeholders")) > 0
    finally:
        data.clear_caches()


# ---------------------------------------------------------------- the explorer

def test_the_explorer_follows_its_menu():
    ex = kit.practice_explorer()
    assert ex.view["pillar"] == "confidence_building"
    assert ex.chart.figure is not None and ex.chart.widget.layout.display is None
    first = str(ex.table.value)
    ex.pillar.value = "stakeholders"
    assert ex.view["pillar"] == "stakeholders"
    shown = str(ex.table.value)
    assert shown != first and "data-pillar='stakeholders'" in shown and "Kaspersky" in shown
    assert ex.chart.widget.layout.display == "none"      # no chart for this pillar
    ex.pillar.value = "cybercrime"
    assert "Hanoi" in str(ex.table.value) and ex.view["table"].equals(practice.practice_table("cybercrime"))
    ex.pillar.value = "confidence_building"
    assert ex.chart.widget.layout.display is None and "data-pillar='confidence_building'" in str(ex.table.value)


def test_the_explorer_can_open_on_any_pillar():
    for p in practice.PILLARS:
        assert kit.practice_explorer(p).view["pillar"] == p


# ---------------------------------------------------------------- the timeline vocabulary

def test_the_cybercrime_lane_is_available_but_not_shown_by_default():
    events = kit.load("events")
    assert "cybercrime" in TRACKS and "cybercrime" not in DEFAULT_TRACKS
    ids = lambda fig: {e for t in fig.data for e in (t.customdata or ())}  # noqa: E731
    assert "cybercrime_convention_adopted" not in ids(timeline_figure(events))
    fig = timeline_figure(events, tracks=["cybercrime"], years=(2024, 2026))
    assert {"cybercrime_convention_adopted", "cybercrime_convention_signing"} <= ids(fig)


@pytest.mark.parametrize("kind", ["meeting", "accreditation"])
def test_new_kinds_have_their_own_marker(kind):
    events = kit.load("events")
    row = events[events["kind"] == kind].iloc[0]
    fig = timeline_figure(events, tracks=[row["track"]], years=(row["date"].year, row["date"].year))
    for t in fig.data:
        if t.customdata is not None and row["event_id"] in list(t.customdata):
            i = list(t.customdata).index(row["event_id"])
            symbol = t.marker.symbol[i] if isinstance(t.marker.symbol, (list, tuple)) else t.marker.symbol
            assert symbol.startswith(KIND_SYMBOLS[kind])
            return
    raise AssertionError(f"{row['event_id']} not drawn")
