"""The timeline: which events a filter keeps, what the figure draws, and the explorer widget driven by its controls."""
import html
import itertools
import math
import re
import statistics
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
from kit.data import DataError
from kit.timeline import (KIND_NAMES, KIND_SYMBOLS, KINDS, MIN_GAP_PX, PAPER_EVENT, PLOT_WIDTH_PX, ROW_PX,
                          SHAPE_NAMES, TRACKS, EventDetails, TimelineExplorer, event_details, event_sources,
                          timeline_events, timeline_figure)


@pytest.fixture(scope="module")
def events():
    return kit.load("events")


def _shown_ids(fig, role=None):
    """Return the event ids a figure draws (optionally only spans or only markers)."""
    return {e for t in fig.data if (t.meta or {}).get("kit_role") in ({role} if role else {"spans", "events"})
            for e in (t.customdata or ())}


def _point(fig, event_id):
    """Return (trace, index) of the marker or span drawing ``event_id``."""
    for t in fig.data:
        if t.customdata is not None and event_id in list(t.customdata):
            return t, list(t.customdata).index(event_id)
    raise AssertionError(f"{event_id} not drawn")


# ---------------------------------------------------------------- the pure builders

def test_default_view_is_2010_to_2025_with_one_lane_per_track(events):
    fig = timeline_figure(events)
    assert "2010–2025" in fig.layout.title.text
    assert list(fig.layout.yaxis.ticktext) == ["General Assembly resolutions", "Groups of Governmental Experts (GGE)",
                                               "Open-ended Working Groups (OEWG)", "Programme of Action (PoA)",
                                               "Russia's proposals", "Global Mechanism (permanent)"]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text == "Track"
    shown = _shown_ids(fig)
    assert "a_res_73_27" in shown and "a_80_257" in shown
    assert "a_res_53_70" not in shown          # 1998: outside the default range
    assert "a_res_73_187" not in shown         # related context track is not shown by default


def test_every_gge_and_oewg_report_2010_2025_is_drawn_with_its_symbol_and_source(events):
    fig = timeline_figure(events)
    shown = _shown_ids(fig)
    for symbol in ["A/65/201", "A/68/98", "A/70/174", "A/72/327", "A/76/135", "A/75/816", "A/77/275", "A/78/265",
                   "A/79/214", "A/80/257"]:
        row = events[events["symbol"] == symbol]
        assert len(row) >= 1, symbol
        ev = row.iloc[0]
        assert ev["event_id"] in shown, symbol
        assert ev["source_ids"], symbol
        trace, i = _point(fig, ev["event_id"])
        assert f"Symbol: {symbol}" in trace.hovertext[i]


def test_bodies_are_spans_and_one_day_events_are_markers(events):
    fig = timeline_figure(events)
    spans, points = _shown_ids(fig, "spans"), _shown_ids(fig, "events")
    assert {"oewg_2019_2021", "oewg_2021_2025", "gge_2019_2021"} <= spans
    assert {"a_res_73_27", "a_75_816", "oewg1_session1"} <= points
    assert not spans & points
    assert all(t.type == "bar" for t in fig.data if t.meta["kit_role"] == "spans")


def test_partial_dates_are_shown_as_written_and_as_open_markers(events):
    fig = timeline_figure(events)
    trace, i = _point(fig, "a_77_275")        # date 2022-07: month only
    assert "Date: 2022-07 (only the month is known)" in trace.hovertext[i]
    assert "2022-07-01" not in trace.hovertext[i]
    assert trace.marker.symbol[i].endswith("-open")
    trace, i = _point(fig, "a_res_73_27")     # exact day
    assert "Date: 2018-12-05" in trace.hovertext[i] and not trace.marker.symbol[i].endswith("-open")
    trace, i = _point(fig, PAPER_EVENT)       # the paper: year only
    assert "Date: 2023 (only the year is known)" in trace.hovertext[i]


@pytest.mark.parametrize("kwargs, inside, outside", [
    (dict(tracks=["gge"]), {"a_70_174", "gge_2014_2015"}, {"a_res_73_27", "a_75_816"}),
    (dict(kinds=["report"]), {"a_70_174", "a_75_816"}, {"a_res_73_27", "oewg_2019_2021"}),
    (dict(years=(2018, 2019)), {"a_res_73_27", "a_res_73_266", "oewg_2019_2021"}, {"a_70_174", "a_80_257"}),
    (dict(years=(1998, 2009)), {"a_res_53_70", "gge_2004_2005"}, {"a_res_73_27"}),
    (dict(period="before"), {"a_res_77_37", "a_76_135", PAPER_EVENT}, {"a_80_257", "a_79_214"}),
    (dict(period="after"), {"a_80_257", "a_79_214", PAPER_EVENT, "oewg_2021_2025"}, {"a_res_77_37", "a_76_135"}),
    (dict(tracks=["context"], years=(2018, 2019)), {"a_res_73_187", "a_res_74_247"}, {"a_res_73_27"}),
])
def test_filters_change_the_events_shown(events, kwargs, inside, outside):
    fig = timeline_figure(events, **kwargs)
    shown = _shown_ids(fig)
    assert inside <= shown, inside - shown
    assert not outside & shown
    assert set(timeline_events(events, **kwargs)["event_id"]) == shown


def test_spans_are_clipped_to_the_window(events):
    fig = timeline_figure(events, period="before")
    trace, i = _point(fig, "oewg_2021_2025")
    end = pd.Timestamp(trace.base[i]) + pd.Timedelta(milliseconds=trace.x[i])
    assert end <= pd.Timestamp(2024, 1, 1)
    assert fig.layout.title.text.startswith("What had happened")


def test_paper_year_is_marked_and_can_be_hidden(events):
    fig = timeline_figure(events)
    assert any("Russia's paper (2023)" in a.text for a in fig.layout.annotations)
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 1
    assert not [s for s in timeline_figure(events, show_paper=False).layout.shapes if s.type == "rect"]


def test_highlight_adds_a_ring_and_rejects_hidden_events(events):
    fig = timeline_figure(events, highlight="a_res_73_27")
    rings = [t for t in fig.data if t.meta["kit_role"] == "highlight"]
    assert len(rings) == 1 and rings[0].meta["event_id"] == "a_res_73_27"
    with pytest.raises(DataError, match="not among the events shown"):
        timeline_figure(events, tracks=["gge"], highlight="a_res_73_27")


def test_colours_come_from_the_kit_palette(events):
    from kit.style import TRACK_COLOURS
    fig = timeline_figure(events)
    for t in fig.data:
        if t.meta["kit_role"] in ("spans", "events"):
            assert t.marker.color == TRACK_COLOURS[t.meta["track"]]


def test_an_empty_selection_says_so_in_the_title(events):
    fig = timeline_figure(events, tracks=["global_mechanism"], years=(2010, 2012))
    assert "no events match" in fig.layout.title.text and not _shown_ids(fig)


@pytest.mark.parametrize("kwargs, words", [
    (dict(tracks=["oewg3"]), "unknown tracks 'oewg3'; choose from: ga_resolutions"),
    (dict(tracks=[]), "choose at least one of the tracks"),
    (dict(kinds=["vote"]), "unknown kinds of event 'vote'"),
    (dict(years=(2025, 2010)), "years must be two whole years"),
    (dict(years=2018), "years must be a pair"),
    (dict(period="later"), "unknown period 'later'; choose one of: all, before, after"),
])
def test_bad_filters_raise_clear_errors(events, kwargs, words):
    with pytest.raises(DataError, match=words.replace("(", r"\(").replace(")", r"\)")):
        timeline_figure(events, **kwargs)


def test_wrong_table_and_unknown_event_raise_clear_errors(events):
    with pytest.raises(DataError, match="expected the events table"):
        timeline_figure([1, 2, 3])
    with pytest.raises(DataError, match="lacks the column"):
        timeline_figure(pd.DataFrame({"event_id": ["x"]}))
    with pytest.raises(DataError, match="unknown event 'nope'"):
        event_details(events, "nope")


def test_event_details_and_sources(events):
    d = event_details(events, "a_77_275")
    assert isinstance(d, EventDetails) and isinstance(d.row, pd.Series)
    assert d["when"] == "2022-07 (only the month is known)" and d["symbol"] == "A/77/275"
    assert d.row["title"] == events.set_index("event_id").loc["a_77_275", "title"]
    assert len(event_sources(events, "a_77_275")) == len(d["source_ids"])


_RAW = re.compile(r"<NA>|\bnan\b|\bNaN\b|\bNone\b|\bNaT\b")


@pytest.mark.parametrize("event_id", ["a_res_53_70", "a_res_73_27", "oewg2_session3", "gge_2016_2017_no_consensus",
                                      "oewg_2021_2025", PAPER_EVENT])
def test_event_details_shows_a_readable_card(events, event_id):
    d = event_details(events, event_id)
    row = events.set_index("event_id").loc[event_id]
    card, text = d._repr_html_(), repr(d)
    for shown in (card, text):
        assert not _RAW.search(shown), _RAW.search(shown)
    assert html.escape(row["title"]) in card and html.escape(row["summary"]) in card  # whole summary, not cut
    assert row["summary"] in text and "…" not in card
    assert html.escape(row["date_label"]) in card and "Confidence" in card and row["confidence"] in card
    assert html.escape(kit.style.TRACK_LABELS[row["track"]]) in card
    if pd.isna(row["symbol"]):
        assert "not confirmed" in card and "not confirmed" in text
    else:
        assert row["symbol"] in card
    sources = event_sources(events, event_id)
    assert f"Sources ({len(sources)})" in card
    for src in sources.rows:
        assert f'href="{html.escape(src["url"], quote=True)}"' in card
    assert "; ".join(row["source_ids"]) in text


def test_every_event_card_is_free_of_raw_gaps(events):
    for event_id in events["event_id"]:
        d = event_details(events, event_id)
        assert not _RAW.search(d._repr_html_()) and not _RAW.search(repr(d)), event_id


def test_event_details_rejects_a_bad_id_naming_valid_ids(events):
    with pytest.raises(DataError, match=r"unknown event 'a_res_73_28' \(did you mean .*'a_res_73_27'"):
        event_details(events, "a_res_73_28")
    with pytest.raises(DataError, match="lists the valid ids"):
        event_details(events, 42)


# ---------------------------------------------------------------- markers apart, legend, symbols that never move

def _markers_on_screen(fig):
    """Return {track: [(event_id, x px, y px)]}: where each marker sits, at the narrowest plot the kit promises."""
    lay = fig.layout
    x0, x1 = (pd.Timestamp(v) for v in lay.xaxis.range)
    plot_height = lay.height - lay.margin.t - lay.margin.b
    y_px = plot_height / abs(lay.yaxis.range[1] - lay.yaxis.range[0])
    out = {}
    for t in fig.data:
        if (t.meta or {}).get("kit_role") == "events":
            out[t.meta["track"]] = [(e, (pd.Timestamp(x) - x0) / (x1 - x0) * PLOT_WIDTH_PX, y * y_px)
                                    for e, x, y in zip(t.customdata, t.x, t.y)]
    return out


@pytest.mark.parametrize("kwargs", [dict(), dict(years=(2019, 2022)), dict(years=(1998, 2025)),
                                    dict(years=(2021, 2025), tracks=["oewg"]), dict(period="before"),
                                    dict(period="after", tracks=["context", "oewg"])])
def test_no_two_markers_of_a_lane_overlap_on_screen(events, kwargs):
    fig = timeline_figure(events, **kwargs)
    close_in_time = 0
    for track, marks in _markers_on_screen(fig).items():
        for (e1, x1, y1), (e2, x2, y2) in itertools.combinations(marks, 2):
            assert math.hypot(x1 - x2, y1 - y2) >= MIN_GAP_PX - 1e-6, (track, e1, e2)
            close_in_time += abs(x1 - x2) < MIN_GAP_PX
    if not kwargs:
        assert close_in_time >= 10  # the default view does need sub-rows (e.g. the OEWG in March 2021)
    lay = fig.layout  # the margins are set so that one sub-row is ROW_PX high on screen
    assert (lay.height - lay.margin.t - lay.margin.b) / abs(lay.yaxis.range[0] - lay.yaxis.range[1]) == \
        pytest.approx(ROW_PX)


def test_sub_rows_do_not_depend_on_the_order_of_the_table(events):
    shuffled = events.sample(frac=1, random_state=3).reset_index(drop=True)
    a, b = _markers_on_screen(timeline_figure(events)), _markers_on_screen(timeline_figure(shuffled))
    assert {t: sorted(m) for t, m in a.items()} == {t: sorted(m) for t, m in b.items()}


def test_a_zoomed_view_needs_no_more_sub_rows(events):
    def rows(fig, track):
        return len({y for t in fig.data if (t.meta or {}).get("track") == track and t.meta["kit_role"] == "events"
                    for y in t.y})
    assert rows(timeline_figure(events, years=(2023, 2025)), "oewg") < rows(timeline_figure(events), "oewg")


def _legend(fig):
    """Return [(name, symbol)] of the legend: plotly draws an entry with the symbol of its trace's first point."""
    out = []
    for t in fig.data:
        if t.showlegend is False:
            continue
        symbol = t.marker.symbol
        out.append((t.name, symbol[0] if isinstance(symbol, (list, tuple)) else symbol))
    return out


def test_the_legend_names_the_shape_of_every_kind_and_open_or_filled(events):
    legend = _legend(timeline_figure(events))
    for kind in events["kind"].unique():
        if kind == "body":
            assert any(n.startswith("bar:") and "body" in n for n, _ in legend), legend
            continue
        symbol = KIND_SYMBOLS[kind]
        hits = [(n, s) for n, s in legend if KIND_NAMES[kind] in n and n.startswith(SHAPE_NAMES[symbol] + ":")]
        assert hits and all(s == symbol for _, s in hits), (kind, legend)
    assert ("filled: exact day known", "circle") in legend
    assert ("open: only the month or year known", "circle-open") in legend


VIEWS = [dict(years=(2019, 2022)), dict(years=(2016, 2020)), dict(years=(2017, 2021), tracks=["gge", "oewg"]),
         dict(tracks=["gge"]), dict(kinds=["report", "no_consensus"]), dict(period="after"),
         dict(years=(1998, 2009)), dict(tracks=["context"], years=(2018, 2019))]


@pytest.mark.parametrize("kwargs", VIEWS, ids=str)
def test_an_events_symbol_and_the_legend_never_depend_on_the_view(events, kwargs):
    def symbols(fig):
        return {e: s for t in fig.data if (t.meta or {}).get("kit_role") == "events"
                for e, s in zip(t.customdata, t.marker.symbol)}
    full = symbols(timeline_figure(events, tracks=list(TRACKS), years=(1998, 2026)))
    zoomed = symbols(timeline_figure(events, **kwargs))
    assert zoomed and all(full[e] == s for e, s in zoomed.items())
    by_id = events.set_index("event_id")
    for e, s in zoomed.items():
        open_ = by_id.loc[e, "date_precision"] != "day"
        assert s == KIND_SYMBOLS[by_id.loc[e, "kind"]] + ("-open" if open_ else "")
    # No legend entry takes its symbol from whichever event comes first: the ✕ means "no consensus", nothing else.
    for name, symbol in _legend(timeline_figure(events, **kwargs)):
        if name == "Selected event":
            continue
        assert (symbol in ("x", "x-open")) == ("no consensus" in name), (name, symbol)
        assert name.split(":")[0] in {"bar", "filled", "open", *SHAPE_NAMES.values()}, name


@settings(max_examples=60, deadline=None)
@given(tracks=st.one_of(st.none(), st.integers(), st.lists(st.sampled_from(list(TRACKS) + ["x", ""]), max_size=4)),
       kinds=st.one_of(st.none(), st.lists(st.sampled_from(list(KINDS) + ["vote"]), max_size=3)),
       years=st.one_of(st.tuples(st.integers(1990, 2030), st.integers(1990, 2030)), st.none(), st.text(max_size=3)),
       period=st.sampled_from(["all", "before", "after", "soon", ""]))
def test_any_filter_gives_a_figure_or_a_clear_error(events, tracks, kinds, years, period):
    try:
        fig = timeline_figure(events, tracks=tracks, kinds=kinds, years=years, period=period)
    except DataError:
        return
    assert fig.layout.title.text


# ---------------------------------------------------------------- the widget

def test_explorer_default_view_equals_the_plain_builder_call(events):
    w = TimelineExplorer(events)
    plain = timeline_figure(events, highlight=PAPER_EVENT)
    assert w.figure.layout.title.text == plain.layout.title.text
    assert _shown_ids(w.figure) == _shown_ids(plain)
    assert w.event.value == PAPER_EVENT and "position paper" in w.details.value
    assert all(c.description for c in (w.tracks, w.kinds, w.years, w.period, w.event))


def test_explorer_controls_change_the_figure(events):
    w = TimelineExplorer(events)
    w.tracks.value = ["gge"]
    assert _shown_ids(w.figure) == set(timeline_events(events, tracks=["gge"])["event_id"])
    assert "a_res_73_27" not in _shown_ids(w.figure)
    w.tracks.value = ["gge", "oewg"]
    w.kinds.value = ["report"]
    assert _shown_ids(w.figure) == set(timeline_events(events, tracks=["gge", "oewg"], kinds=["report"])["event_id"])
    w.years.value = (2018, 2021)
    assert "a_70_174" not in _shown_ids(w.figure) and "a_75_816" in _shown_ids(w.figure)
    w.period.value = "after"
    assert _shown_ids(w.figure) == set()  # no GGE or OEWG report from 2023 within 2018-2021
    assert "no events match" in w.figure.layout.title.text
    assert "No event matches" in w.details.value


def test_explorer_before_and_after_the_paper(events):
    w = TimelineExplorer(events)
    w.period.value = "before"
    assert "a_80_257" not in _shown_ids(w.figure) and "a_res_77_37" in _shown_ids(w.figure)
    w.period.value = "after"
    assert "a_80_257" in _shown_ids(w.figure) and "a_res_77_37" not in _shown_ids(w.figure)
    assert w.figure.layout.title.text.startswith("What happened after the paper")


def test_explorer_selecting_an_event_shows_its_details_and_sources(events):
    w = TimelineExplorer(events)
    w.event.value = "a_res_73_266"
    ring = [t for t in w.figure.data if t.meta["kit_role"] == "highlight"][0]
    assert ring.meta["event_id"] == "a_res_73_266"
    assert "A/RES/73/266" in w.details.value and "Sources" in w.details.value


def test_explorer_shows_a_students_mistake_inline_and_keeps_the_last_view(events):
    w = TimelineExplorer(events)
    before = w.figure
    w.tracks.value = []
    assert "choose at least one of the tracks" in w.area.message.value
    assert w.figure is before
    w.tracks.value = ["oewg"]
    assert w.area.message.value == "" and w.figure is not before


def test_explorer_update_is_fast(events):
    w = TimelineExplorer(events)
    times = []
    for i in range(100):
        t0 = time.perf_counter()
        w.years.value = (2005 + i % 6, 2025)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.2  # generous for a shared test machine; the kit aims at < 20 ms


@pytest.mark.parametrize("kwargs", [dict(), dict(period="before", highlight="a_res_77_37"), dict(tracks=["context"])])
def test_figures_are_valid_plotly(events, kwargs):
    """The builders skip plotly's validation for speed; check here that every property they set is valid."""
    import plotly.graph_objects as go
    go.Figure(timeline_figure(events, **kwargs).to_dict())  # raises ValueError on an invalid property
