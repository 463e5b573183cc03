"""The record over time: filter the events table and draw it as an interactive timeline, one lane per track.

``timeline_events(events, ...)`` returns the rows a filter keeps; ``timeline_figure(events, ...)`` draws them
(bodies with a duration as spans, one-day events as markers, partial dates shown as open markers whose hover
gives the date as written; markers too close to hover apart are stacked in sub-rows of their lane, and the legend
names each marker shape); ``event_details(events, id)`` shows one event as a card; ``TimelineExplorer`` wires
controls to these builders.
"""
from __future__ import annotations

import html
from functools import lru_cache

import numpy as np
import pandas as pd

from .data import DataError, _suggest, cite, load, reliability_badge
from .display import cell_text, is_missing
from .style import OKABE_ITO, TRACK_COLOURS, TRACK_LABELS, apply_layout
from .widgets import FigureArea, display_widget

__all__ = ["TRACKS", "KINDS", "PERIODS", "PAPER_EVENT", "timeline_events", "timeline_figure", "event_details",
           "event_sources", "EventDetails", "styled_figure", "styled_spec", "TimelineExplorer", "timeline"]

# The lanes, top to bottom; "cybercrime" (the UN Convention against Cybercrime, a crime track, not a security one)
# and "context" (related texts) are available but not shown by default.
TRACKS = ("ga_resolutions", "gge", "oewg", "poa", "russia_proposals", "global_mechanism", "cybercrime", "context")
DEFAULT_TRACKS = TRACKS[:-2]
KINDS = ("body", "session", "report", "no_consensus", "resolution", "decision", "proposal", "consultation",
         "launch", "statement", "meeting", "accreditation", "other")
KIND_LABELS = {"body": "bodies (spans)", "session": "sessions", "report": "reports", "no_consensus": "no consensus",
               "resolution": "resolutions", "decision": "decisions", "proposal": "proposals",
               "consultation": "consultations", "launch": "launches", "statement": "statements", "meeting": "meetings",
               "accreditation": "accreditation decisions", "other": "other"}
KIND_NAMES = {"body": "body", "session": "session", "report": "report", "no_consensus": "no consensus",
              "resolution": "resolution", "decision": "decision", "proposal": "proposal",
              "consultation": "consultation", "launch": "launch", "statement": "statement", "meeting": "meeting",
              "accreditation": "accreditation decision", "other": "other event"}
# Marker shape per kind, fixed: an event's marker depends on its own kind and date precision only (filled = exact
# day known, open = only the month or year known). Bodies are always drawn as bars.
KIND_SYMBOLS = {"session": "triangle-up", "report": "diamond", "no_consensus": "x", "resolution": "circle",
                "decision": "square", "proposal": "star", "consultation": "hexagon", "launch": "triangle-right",
                "statement": "star", "meeting": "hexagram", "accreditation": "cross", "other": "pentagon",
                "body": "circle"}
# The shape as the legend and the event card name it.
SHAPE_NAMES = {"triangle-up": "triangle", "diamond": "diamond", "x": "cross ✕", "circle": "circle",
               "square": "square", "star": "star", "hexagon": "hexagon", "triangle-right": "sideways triangle",
               "pentagon": "pentagon", "hexagram": "six-pointed star", "cross": "plus ✚"}
PERIODS = {"all": "Everything", "before": "What had happened by then", "after": "What happened next"}
PAPER_EVENT = "ru_poa_position_paper_2023"
YEAR_MIN, YEAR_MAX = 1998, 2026
SPAN_MIN_DAYS = 45  # things that last less than this are drawn as a marker at their start

# Geometry of the chart, in screen pixels. Markers of one lane closer than MIN_GAP_PX go into sub-rows ROW_PX apart,
# so that each can be hovered. Distances along the dates are measured on a plot PLOT_WIDTH_PX wide, the narrowest
# the kit is read at (the static HTML edition's 50em page, less the lane labels); a wider plot, or a zoom in the
# browser, only spreads markers further. The sub-rows are computed for each view, so a zoomed view needs fewer.
MARKER_SIZE = 11
MIN_GAP_PX = 14
PLOT_WIDTH_PX = 520
# Width of one character of a lane's label at the kit's 13 px sans-serif font, rounded up (measured in Chromium:
# 6.0 to 7.0 px); the left margin is sized from it so that the longest label fits without plotly's automargin.
LABEL_PX_PER_CHAR = 7.0
ROW_PX = 16
PAD_DAYS = 60  # the x axis shows this many days either side of the chosen years
LEGEND_GREY = "#555555"


def _period_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """Return the last day of each date's period (the day itself, its month or its year)."""
    out = dates.copy()
    month = precision == "month"
    year = precision == "year"
    out[month] = dates[month] + pd.offsets.MonthEnd(0)
    out[year] = dates[year] + pd.offsets.YearEnd(0)
    return out


_PREPARED: dict = {}


def _prepared(events: pd.DataFrame) -> pd.DataFrame:
    """Return events with start, end (last day covered), midpoint, is_span and hover columns (cached per table)."""
    key = id(events)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is events and hit[1] == (len(events), tuple(events.columns)):
        return hit[2]
    ev = _prepare(events)
    _PREPARED.clear()  # one table at a time: kit.load returns the same cached table on every call
    _PREPARED[key] = (events, (len(events), tuple(events.columns)), ev)
    return ev


def _prepare(events: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise DataError(f"expected the events table (kit.load('events')), not {type(events).__name__}")
    need = {"event_id", "date", "end_date", "track", "kind", "date_precision", "end_date_precision"}
    missing = need - set(events.columns)
    if missing:
        raise DataError(f"the events table lacks the column(s) {', '.join(sorted(missing))}; "
                        "pass kit.load('events')")
    ev = events.copy()
    ev["start"] = ev["date"]
    first_end = _period_end(ev["date"], ev["date_precision"])
    has_end = ev["end_date"].notna()
    ev["end"] = first_end
    ev.loc[has_end, "end"] = _period_end(ev.loc[has_end, "end_date"], ev.loc[has_end, "end_date_precision"])
    ev["open_ended"] = (ev["kind"] == "body") & ~has_end
    duration = (ev["end"] - ev["start"]).dt.days
    ev["is_span"] = (ev["kind"] == "body") | (has_end & (duration >= SPAN_MIN_DAYS))
    ev["mid"] = ev["start"] + (first_end - ev["start"]) / 2
    paper = ev.loc[ev["event_id"] == PAPER_EVENT, "start"]
    paper_year = int(paper.iloc[0].year) if len(paper) else None
    ev["hover"] = [_hover(r, paper_year) for _, r in ev.iterrows()] if len(ev) else []
    ev["when"] = [_when(r) for _, r in ev.iterrows()] if len(ev) else []
    return ev.sort_values(["start", "event_id"]).reset_index(drop=True)


class _Arrays:
    """The prepared events as numpy arrays, so that a filter and a redraw do not go through pandas indexing."""

    def __init__(self, ev: pd.DataFrame):
        far = np.datetime64(pd.Timestamp(YEAR_MAX, 12, 31))
        self.event_id = ev["event_id"].to_numpy(dtype=object)
        self.track = ev["track"].to_numpy(dtype=object)
        self.kind = ev["kind"].to_numpy(dtype=object)
        self.start = ev["start"].to_numpy()
        self.mid = ev["mid"].to_numpy()
        self.last = np.where(ev["open_ended"].to_numpy(dtype=bool), far, ev["end"].to_numpy())
        self.is_span = ev["is_span"].to_numpy(dtype=bool)
        self.precision = ev["date_precision"].to_numpy(dtype=object)
        self.hover = ev["hover"].to_numpy(dtype=object)
        self.year = ev["start"].dt.year.to_numpy()
        self.iso_start = np.array([d.isoformat() for d in ev["start"]], dtype=object)
        self.iso_mid = np.array([d.isoformat() for d in ev["mid"]], dtype=object)
        self.mid_days = (ev["mid"].to_numpy() - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
        self.symbol = np.array([KIND_SYMBOLS[k] + ("" if p == "day" else "-open")
                                for k, p in zip(self.kind, self.precision)], dtype=object)


_ARRAYS: dict = {}


def _arrays(ev: pd.DataFrame) -> _Arrays:
    hit = _ARRAYS.get(id(ev))
    if hit is None or hit[0] is not ev:
        _ARRAYS.clear()
        hit = _ARRAYS[id(ev)] = (ev, _Arrays(ev))
    return hit[1]


def _choice_list(value, valid, what: str) -> list:
    if value is None:
        return list(valid)
    if isinstance(value, str):
        value = [value]
    try:
        items = list(value)
    except TypeError:
        raise DataError(f"{what} must be a list of names, not {type(value).__name__}; "
                        f"choose from: {', '.join(valid)}") from None
    if not items:
        raise DataError(f"choose at least one of the {what}: {', '.join(valid)}")
    bad = [v for v in items if v not in valid]
    if bad:
        raise DataError(f"unknown {what} {', '.join(map(repr, bad))}; choose from: {', '.join(valid)}")
    return [v for v in valid if v in items]


def _year_range(years) -> tuple[int, int]:
    if years is None:
        return 2010, 2025
    try:
        lo, hi = years
    except (TypeError, ValueError):
        raise DataError(f"years must be a pair (first year, last year) such as (2010, 2025), not {years!r}") from None
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in (lo, hi)) or not (
            YEAR_MIN <= lo <= hi <= YEAR_MAX):
        raise DataError(f"years must be two whole years with {YEAR_MIN} <= first <= last <= {YEAR_MAX}, "
                        f"not {years!r}")
    return lo, hi


def _paper_year(ev: pd.DataFrame) -> int:
    a = _arrays(ev)  # looked up once per table: a pandas filter here cost a millisecond on every redraw
    pos = np.flatnonzero(a.event_id == PAPER_EVENT)
    if not len(pos):
        raise DataError(f"the events table has no row {PAPER_EVENT!r} (the date of the paper)")
    return int(a.year[pos[0]])


def _window(ev: pd.DataFrame, years, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo, hi = _year_range(years)
    start, end = pd.Timestamp(lo, 1, 1), pd.Timestamp(hi, 12, 31)
    if not isinstance(period, str) or period not in PERIODS:
        raise DataError(f"unknown period {period!r}; choose one of: {', '.join(PERIODS)}")
    if period != "all":
        paper = _paper_year(ev)
        # Only the paper's year is known, so events of that year appear in both views, marked "same year".
        if period == "before":
            end = min(end, pd.Timestamp(paper, 12, 31))
        else:
            start = max(start, pd.Timestamp(paper, 1, 1))
    return start, end


def _filter(ev, tracks, years, kinds, period):
    """Return (positions of the kept rows, first and last day shown of each, window, tracks)."""
    tracks = _choice_list(tracks if tracks is not None else DEFAULT_TRACKS, TRACKS, "tracks")
    kinds = _choice_list(kinds, KINDS, "kinds of event")
    start, end = _window(ev, years, period)
    a = _arrays(ev)
    s0, e0 = np.datetime64(start), np.datetime64(end)
    keep = np.isin(a.track, tracks) & np.isin(a.kind, kinds) & (a.start <= e0) & (a.last >= s0)
    # A span is kept if it overlaps the window; a marker only if its own date falls in it.
    keep &= a.is_span | ((a.mid >= s0) & (a.mid <= e0))
    idx = np.flatnonzero(keep)
    return idx, np.maximum(a.start[idx], s0), np.minimum(a.last[idx], e0), (start, end), tracks


def timeline_events(events: pd.DataFrame, tracks=None, years=(2010, 2025), kinds=None,
                    period: str = "all") -> pd.DataFrame:
    """Return the events a filter keeps (date as written, track, kind, title, symbol, summary), in date order."""
    ev = _prepared(events)
    idx = _filter(ev, tracks, years, kinds, period)[0]
    cols = ["event_id", "date_label", "end_date_label", "track", "kind", "title", "symbol", "summary",
            "confidence", "source_ids"]
    return ev.iloc[idx][cols].reset_index(drop=True)


def _when(row) -> str:
    text = row["date_label"]
    if not pd.isna(row["end_date_label"]):
        text += f" to {row['end_date_label']}"
    elif row["open_ended"]:
        text += " onwards"
    if row["date_precision"] != "day":
        text += f" (only the {row['date_precision']} is known)"
    return text


def _hover(row, paper_year: int | None) -> str:
    parts = [f"<b>{html.escape(str(row['title']))}</b>", f"Date: {html.escape(_when(row))}"]
    if not pd.isna(row["symbol"]):
        parts.append(f"Symbol: {html.escape(str(row['symbol']))}")
    summary = str(row["summary"])
    if len(summary) > 160:
        summary = summary[:157].rsplit(" ", 1)[0] + "…"
    # Wrap the summary so the hover box stays readable.
    words, lines, line = summary.split(), [], ""
    for w in words:
        if len(line) + len(w) > 60:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    parts.append("<br>".join(html.escape(x) for x in lines))
    if paper_year is not None and row["start"].year == paper_year and not row["is_span"]:
        parts.append("<i>Same year as the paper: which came first is not known.</i>")
    parts.append(f"<i>{html.escape(str(row['confidence']))}</i> · id: {html.escape(str(row['event_id']))}")
    return "<br>".join(parts)


@lru_cache(maxsize=1)
def _base_layout() -> dict:
    """Return the kit's layout (kit.style.apply_layout) as a plain dict, built once."""
    import plotly.graph_objects as go

    return apply_layout(go.Figure(), "", x_title="", y_title="").layout.to_plotly_json()


def styled_figure(data: list, title: str, x_title: str, y_title: str, height: int, **layout):
    """Return a plotly figure of ``data`` (trace dicts) with the kit's layout, a title and axis titles.

    Same look as ``kit.style.apply_layout``, but the layout is built once and reused, so a widget redraws fast.
    """
    import plotly.graph_objects as go

    data, lay = styled_spec(data, title, x_title, y_title, height, **layout)
    return go.Figure(data=data, layout=lay, _validate=False)


def styled_spec(data: list, title: str, x_title: str, y_title: str, height: int, **layout) -> tuple[list, dict]:
    """Return the traces and the layout ``styled_figure`` would build, as plain dicts (for ``FigureArea.show_spec``)."""
    base = _base_layout()
    lay = dict(base)
    lay["title"] = dict(base["title"], text=title)
    lay["height"] = height
    for axis, text in (("xaxis", x_title), ("yaxis", y_title)):
        lay[axis] = {**base.get(axis, {}), **layout.pop(axis, {}), "title": {"text": text}}
    lay.update(layout)
    return data, lay


def timeline_figure(events: pd.DataFrame, tracks=None, years=(2010, 2025), kinds=None, period: str = "all",
                    highlight: str | None = None, show_paper: bool = True):
    """Return a plotly timeline: one lane per track, spans for bodies, markers for events, the paper's year marked."""
    ev = _prepared(events)
    view = _filter(ev, tracks, years, kinds, period)
    if not isinstance(show_paper, (bool, np.bool_)):
        raise DataError(f"show_paper must be True or False, not {type(show_paper).__name__}")
    return _draw_timeline(ev, view, period, highlight, show_paper)


def _sub_rows(x_days: np.ndarray, event_ids: np.ndarray, gap_days: float) -> np.ndarray:
    """Return the sub-row (0, 1, …) of each marker of one lane: no two markers of a sub-row are closer than gap_days.

    Markers are taken in date order (then by id, so the result never depends on the order of the rows); each goes
    into the first sub-row whose last marker is far enough back. This uses as few sub-rows as possible.
    """
    rows = np.zeros(len(x_days), dtype=int)
    last: list[float] = []
    for i in np.lexsort((event_ids, x_days)):
        x = x_days[i]
        for r, seen in enumerate(last):  # noqa: B007 (r is the free row found, used after the loop)
            if x - seen >= gap_days:
                break
        else:
            r = len(last)
            last.append(x)
        rows[i], last[r] = r, x
    return rows


def _legend_entries(kinds_shown: list, spans_shown: bool, fill_shown: tuple) -> list:
    """Return legend-only traces that explain the marks: bars, each marker shape shown, filled and open.

    They draw nothing; each names its shape ("diamond: report"), so the legend never depends on which events the
    view holds first (plotly draws a trace's legend symbol from its first point).
    """
    def entry(name, symbol, size=MARKER_SIZE, opacity=1.0):
        return dict(type="scatter", mode="markers", x=[None], y=[None], name=name, showlegend=True,
                    marker={"symbol": symbol, "size": size, "color": LEGEND_GREY, "opacity": opacity,
                            "line": {"color": LEGEND_GREY, "width": 2}},
                    meta={"kit_role": "legend"})

    out = []
    if spans_shown:
        out.append(dict(entry("bar: a body, or a series of meetings", "square", 14, 0.55),
                        meta={"kit_role": "legend", "kinds": ["body"], "shape": "bar"}))
    by_symbol: dict = {}
    for kind in kinds_shown:
        by_symbol.setdefault(KIND_SYMBOLS[kind], []).append(kind)
    for symbol, kinds in by_symbol.items():
        name = f"{SHAPE_NAMES[symbol]}: {' or '.join(KIND_NAMES[k] for k in kinds)}"
        out.append(dict(entry(name, symbol), meta={"kit_role": "legend", "kinds": kinds, "shape": SHAPE_NAMES[symbol]}))
    exact, partial = fill_shown
    if exact:
        out.append(dict(entry("filled: exact day known", "circle"), meta={"kit_role": "legend", "fill": "filled"}))
    if partial:
        out.append(dict(entry("open: only the month or year known", "circle-open"),
                        meta={"kit_role": "legend", "fill": "open"}))
    return out


def _legend_rows(names: list) -> int:
    """Return about how many lines the horizontal legend takes at the narrowest plot (PLOT_WIDTH_PX)."""
    if not names:
        return 0
    widths = [40 + 6 * len(n) for n in names]
    if sum(widths) <= PLOT_WIDTH_PX:
        return 1
    columns = max(1, PLOT_WIDTH_PX // max(widths))  # plotly lines up a legend that wraps in equal columns
    return -(-len(names) // columns)


def _draw_timeline(ev, view, period, highlight, show_paper, spec=False):
    """Return the timeline figure of one filtered view (see ``timeline_figure``).

    Lanes run top to bottom in the order of ``tracks``. A lane holds a band of bars (bodies) and, under it, as many
    sub-rows of markers as its closest markers need (see ``_sub_rows``). The y axis counts sub-rows (ROW_PX each).
    """
    idx, first, last, (start, end), tracks = view
    a = _arrays(ev)
    paper_year = _paper_year(ev) if (show_paper or period != "all") else None
    x0, x1 = start - pd.Timedelta(days=PAD_DAYS), end + pd.Timedelta(days=PAD_DAYS)
    gap_days = MIN_GAP_PX / PLOT_WIDTH_PX * (x1 - x0).days
    fade = paper_year is not None and period != "all"
    data, lane_lines, tickvals = [], [], []
    y_of = np.zeros(len(idx))
    track_of = a.track[idx]
    span_of = a.is_span[idx]
    top = 0.0
    for track in tracks:
        in_track = track_of == track
        sp, pt = in_track & span_of, in_track & ~span_of
        colour = TRACK_COLOURS[track]
        y = top + 0.5
        if sp.any():
            rows = idx[sp]
            y_span = y + 0.5
            y_of[sp] = y_span
            y += 1.2
            data.append(dict(
                type="bar", orientation="h", name=TRACK_LABELS[track], legendgroup=track, showlegend=False,
                base=[pd.Timestamp(d).isoformat() for d in first[sp]],
                x=((last[sp] - first[sp]) / np.timedelta64(1, "ms") + 86_400_000).tolist(),
                y=[y_span] * len(rows), width=0.9, marker={"color": colour, "opacity": 0.55},
                hovertext=a.hover[rows].tolist(), hovertemplate="%{hovertext}<extra></extra>",
                customdata=a.event_id[rows].tolist(), meta={"kit_role": "spans", "track": track}))
        n_rows = 0
        if pt.any():
            rows = idx[pt]
            sub = _sub_rows(a.mid_days[rows], a.event_id[rows], gap_days)
            n_rows = int(sub.max()) + 1
            ys = y + 0.5 + sub
            y_of[pt] = ys
            marker = {"color": colour, "size": MARKER_SIZE, "line": {"color": colour, "width": 2},
                      "symbol": a.symbol[rows].tolist()}
            if fade:
                marker["opacity"] = np.where(a.year[rows] == paper_year, 0.45, 1.0).tolist()
            data.append(dict(
                type="scatter", mode="markers", name=TRACK_LABELS[track], legendgroup=track, showlegend=False,
                x=a.iso_mid[rows].tolist(), y=ys.tolist(), marker=marker,
                hovertext=a.hover[rows].tolist(), hovertemplate="%{hovertext}<extra></extra>",
                customdata=a.event_id[rows].tolist(), meta={"kit_role": "events", "track": track}))
        bottom = max(y + n_rows + 0.5, top + 2.4)  # room for the lane's label even when it is empty
        tickvals.append((top + bottom) / 2)
        if top > 0:
            lane_lines.append(top)
        top = bottom
    total = top
    marks = idx[~span_of]
    data.extend(_legend_entries([k for k in KINDS if k in set(a.kind[marks])], bool(span_of.any()),
                                (bool((a.precision[marks] == "day").any()), bool((a.precision[marks] != "day").any()))))
    if highlight is not None and not isinstance(highlight, str):
        raise DataError(f"highlight takes one event id (text), e.g. 'a_res_77_37', not {type(highlight).__name__}")
    if highlight is not None:
        pos = np.flatnonzero(a.event_id[idx] == highlight)
        if not len(pos):
            raise DataError(f"event {highlight!r} is not among the events shown; choose one of: "
                            f"{', '.join(a.event_id[idx])}")
        j = pos[0]
        row = idx[j]
        x = pd.Timestamp(first[j] + (last[j] - first[j]) / 2) if a.is_span[row] else pd.Timestamp(a.mid[row])
        data.append(dict(type="scatter", mode="markers", name="Selected event", x=[x.isoformat()], y=[y_of[j]],
                         marker={"symbol": "circle-open", "size": 26, "color": OKABE_ITO["black"],
                                 "line": {"width": 3}},
                         hoverinfo="skip", meta={"kit_role": "highlight", "event_id": highlight}))
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, layer="below",
                   line={"color": "#C9CED8", "width": 1}) for y in lane_lines]
    annotations = []
    if paper_year is not None and show_paper:
        p0, p1 = pd.Timestamp(paper_year, 1, 1), pd.Timestamp(paper_year, 12, 31)
        if p1 >= start and p0 <= end:
            shapes.append(dict(type="rect", xref="x", yref="paper", x0=p0.isoformat(), x1=p1.isoformat(),
                               y0=0, y1=1, fillcolor=OKABE_ITO["yellow"], opacity=0.3, line={"width": 0},
                               layer="below", name="paper year"))
            # keep the label inside the chart when the band sits at one edge of the window
            if p1 >= end - pd.Timedelta(days=400):
                x, anchor = p1, "right"
            elif p0 <= start + pd.Timedelta(days=400):
                x, anchor = p0, "left"
            else:
                x, anchor = p0 + (p1 - p0) / 2, "center"
            annotations.append(dict(xref="x", yref="paper", x=x.isoformat(), y=1.0, yanchor="bottom",
                                    showarrow=False, font={"size": 12}, xanchor=anchor,
                                    text=f"Russia's paper ({paper_year})"))
    title = {"all": f"UN processes on ICT security, {start.year}–{end.year}: which body worked when",
             "before": f"What had happened by the time of the paper ({start.year}–{end.year})",
             "after": f"What happened after the paper ({start.year}–{end.year})"}[period]
    if not len(idx):
        title += ": no events match this filter"
    plot_px = round(total * ROW_PX)
    total = plot_px / ROW_PX  # one sub-row is exactly ROW_PX on screen
    names = [t["name"] for t in data if t.get("showlegend", True) and t["meta"]["kit_role"] in ("legend", "highlight")]
    legend_top = 62  # px under the plot: below the dates and the axis title
    margin_b = legend_top + 22 * _legend_rows(names) + 16
    top_px = 80
    ticktext = [TRACK_LABELS[t] for t in tracks]
    # Fixed margins instead of plotly's automargin: automargin makes plotly measure and redraw the chart again after
    # the first draw, which made each redraw in JupyterLab take about a second (five times longer) for this chart.
    margin_l = round(LABEL_PX_PER_CHAR * max((len(t) for t in ticktext), default=0)) + 36
    return (styled_spec if spec else styled_figure)(
        data, title, x_title="Date (open markers: only the month or year is known)", y_title="Track",
        height=top_px + plot_px + margin_b,
        yaxis={"tickvals": tickvals, "ticktext": ticktext, "range": [total, 0],
               "zeroline": False, "fixedrange": True, "showgrid": False, "automargin": False},
        xaxis={"type": "date", "range": [x0.isoformat(), x1.isoformat()], "automargin": False},
        barmode="overlay", shapes=shapes, annotations=annotations, hovermode="closest",
        legend={"orientation": "h", "y": -legend_top / plot_px, "yanchor": "top", "x": 0, "title": {"text": ""},
                "itemclick": False, "itemdoubleclick": False, "traceorder": "normal"},
        margin={"l": margin_l, "r": 10, "t": top_px, "b": margin_b},
        meta={"kit_geometry": {"plot_width_px": PLOT_WIDTH_PX, "row_px": ROW_PX, "min_gap_px": MIN_GAP_PX,
                               "marker_size": MARKER_SIZE}})


# ---------------------------------------------------------------------------- one event, as a card

def _text(value) -> str:
    """Return one field as a student reads it: lists joined by '; ', a gap as 'not confirmed' (kit.display)."""
    return cell_text(value)


class EventDetails:
    """One event as a card: title, date as written, track, kind, UN symbol, whole summary, confidence, sources.

    It shows as a card in a notebook. For code, ``.row`` is the data (a pandas Series: event_id, title, track, kind,
    symbol, summary, confidence, source_ids, when, date_label, end_date_label) and ``details["when"]`` reads one
    field; ``.sources`` is the formatted list of sources (kit.cite).
    """

    FIELDS = ("event_id", "title", "track", "kind", "symbol", "summary", "confidence", "source_ids", "when",
              "date_label", "end_date_label")

    def __init__(self, row: pd.Series, marker: str):
        self.row = row
        self.marker = marker

    def __getitem__(self, key):
        return self.row[key]

    def keys(self) -> list:
        return list(self.row.index)

    def to_dict(self) -> dict:
        """Return the event's fields as a plain dict (gaps as None)."""
        return {k: (None if is_missing(v) else v) for k, v in self.row.items()}

    @property
    def sources(self):
        """The event's sources, formatted (kit.cite)."""
        return cite(self.row["source_ids"])

    def _lines(self) -> list:
        r = self.row
        return [("Date", _text(r["when"])), ("Track", TRACK_LABELS.get(r["track"], _text(r["track"]))),
                ("Kind", KIND_NAMES.get(r["kind"], _text(r["kind"]))), ("On the chart", self.marker),
                ("UN symbol", _text(r["symbol"])), ("Summary", _text(r["summary"])),
                ("Confidence", _text(r["confidence"])), ("Source ids", _text(list(r["source_ids"])))]

    def __repr__(self) -> str:
        return "\n".join([f"{_text(self.row['title'])} ({self.row['event_id']})"] +
                         [f"{k}: {v}" for k, v in self._lines()])

    def _repr_html_(self) -> str:
        r = self.row
        cell = "text-align:left;vertical-align:top;padding:3px 8px"
        rows = "".join(f"<tr><th style='{cell};width:8em'>{html.escape(k)}</th>"
                       f"<td style='{cell};white-space:normal'>{html.escape(v)}</td></tr>"
                       for k, v in self._lines() if k != "Source ids")
        sources = self.sources.rows
        items = "".join(
            f"<li>{reliability_badge(s)}"
            f"{html.escape('. '.join(_text(s.get(k)) for k in ('title', 'publisher', 'symbol', 'date') if s.get(k)))}. "
            f"<a href=\"{html.escape(str(s['url']), quote=True)}\" target=\"_blank\" rel=\"noopener\" "
            "style=\"text-decoration:underline\">"
            f"{html.escape(str(s['url']))}</a></li>" for s in sources)
        listing = (f"<details open><summary><b>Sources ({len(sources)})</b></summary><ol style='margin:2px 0'>"
                   f"{items}</ol></details>" if sources else "<p><b>Sources:</b> none listed</p>")
        colour = TRACK_COLOURS.get(r["track"], OKABE_ITO["grey"])
        return (f"<div class='kit-event' data-event='{html.escape(str(r['event_id']), quote=True)}' "
                f"style='border-left:6px solid {colour};padding:4px 10px;margin:8px 0'>"
                f"<p style='margin:2px 0'><b>{html.escape(_text(r['title']))}</b> "
                f"<code>{html.escape(str(r['event_id']))}</code></p><table>{rows}</table>{listing}</div>")


def _marker_text(row) -> str:
    """Return how the chart draws an event, in words ("open diamond (only the month is known)")."""
    if row["is_span"]:
        return "a bar in its lane's colour, from start to end"
    shape = SHAPE_NAMES[KIND_SYMBOLS[row["kind"]]]
    if row["date_precision"] == "day":
        return f"filled {shape}"
    return f"open {shape} (only the {row['date_precision']} is known)"


def event_details(events: pd.DataFrame, event_id: str) -> EventDetails:
    """Return one event as a card (title, date as written, track, kind, symbol, summary, confidence, sources).

    ``kit.event_details(events, "a_res_73_27")`` shows the card; ``.row`` holds the data as a pandas Series.
    """
    ev = _prepared(events)
    ids = ev["event_id"]
    if not isinstance(event_id, str) or not (ids == event_id).any():
        hint = _suggest(event_id, ids) if isinstance(event_id, str) else ""
        raise DataError(f"unknown event {event_id!r}{hint}; kit.load('events')['event_id'] lists the valid ids, "
                        f"e.g. {', '.join(ids.iloc[:3])}")
    row = ev[ids == event_id].iloc[0]
    out = row[[c for c in EventDetails.FIELDS if c in row.index]].copy()
    out.name = event_id
    return EventDetails(out, _marker_text(row))


def event_sources(events: pd.DataFrame, event_id: str):
    """Return the formatted sources (kit.cite) of one event."""
    return event_details(events, event_id).sources


def _details_html(events: pd.DataFrame, event_id: str) -> str:
    return event_details(events, event_id)._repr_html_()


class TimelineExplorer:
    """Controls (tracks, kinds, years, before/after the paper, an event) wired to ``timeline_figure``."""

    def __init__(self, events: pd.DataFrame | None = None, tracks=None, years=(2010, 2025), kinds=None,
                 period: str = "all"):
        import ipywidgets as w

        self.events = load("events") if events is None else events
        self._ev = _prepared(self.events)
        self._arrays = _arrays(self._ev)
        self._labels = [(f"{d} · {t}", e) for d, t, e in
                        zip(self._ev["date_label"], self._ev["title"], self._ev["event_id"])]
        self._details: dict = {}
        tracks = list(tracks) if tracks is not None else list(DEFAULT_TRACKS)
        style = {"description_width": "initial"}
        self.tracks = w.SelectMultiple(options=[(TRACK_LABELS[t], t) for t in TRACKS], value=tracks,
                                       rows=len(TRACKS), description="Tracks", style=style)
        self.kinds = w.SelectMultiple(options=[(KIND_LABELS[k], k) for k in KINDS],
                                      value=list(kinds) if kinds is not None else list(KINDS), rows=6,
                                      description="Kinds of event", style=style)
        self.years = w.IntRangeSlider(value=list(years), min=YEAR_MIN, max=YEAR_MAX, step=1,
                                      description="Years", continuous_update=False, style=style,
                                      layout=w.Layout(width="420px"))
        self.period = w.ToggleButtons(options=[(label, key) for key, label in PERIODS.items()], value=period,
                                      description="Russia's paper (2023)", style={**style, "button_width": "auto"})
        self.event = w.Dropdown(options=[], description="Event", style=style, layout=w.Layout(width="640px"))
        self.details = w.HTML("")
        self.area = FigureArea()
        self._busy = False
        for control in (self.tracks, self.kinds, self.years, self.period):
            control.observe(self._update, names="value")
        self.event.observe(self._select, names="value")
        hint = w.HTML("<i>Hover over a marker or span for its date, symbol and summary. "
                      "Choose an event below to see its details and sources.</i>")
        self.widget = w.VBox([w.HBox([self.tracks, self.kinds]), self.years, self.period, self.area.widget,
                              hint, self.event, self.details])
        self._update()

    @property
    def figure(self):
        return self.area.figure

    def options(self) -> dict:
        """Return the current filter as keyword arguments of ``timeline_figure``."""
        return dict(tracks=list(self.tracks.value), years=tuple(self.years.value), kinds=list(self.kinds.value),
                    period=self.period.value)

    def _update(self, change=None):
        o = self.options()
        try:
            self._view = _filter(self._ev, o["tracks"], o["years"], o["kinds"], o["period"])
        except DataError as err:
            self.area.error(err)
            return
        ids = self._arrays.event_id[self._view[0]].tolist()
        self._busy = True
        try:
            current = self.event.value
            self.event.options = [self._labels[i] for i in self._view[0]]
            self.event.value = current if current in ids else (PAPER_EVENT if PAPER_EVENT in ids else
                                                                (ids[0] if ids else None))
        finally:
            self._busy = False
        self._draw()

    def _select(self, change=None):
        if not self._busy:
            self._draw()

    def _draw(self):
        event_id = self.event.value
        try:
            data, layout = _draw_timeline(self._ev, self._view, self.period.value, event_id, True, spec=True)
        except DataError as err:
            self.area.error(err)
            return
        self.area.show_spec(data, layout)
        if event_id is None:
            self.details.value = "<i>No event matches this filter.</i>"
        else:
            if event_id not in self._details:
                self._details[event_id] = _details_html(self.events, event_id)
            self.details.value = self._details[event_id]

    _ipython_display_ = display_widget


def timeline(tracks=None, years=(2010, 2025), kinds=None, period: str = "all") -> TimelineExplorer:
    """Return the timeline explorer widget (tracks, kinds of event, years, before/after the paper, event details)."""
    years = (2010, 2025) if years is None else years
    timeline_events(load("events"), tracks, years, kinds, period)  # a clear error for an impossible choice
    return TimelineExplorer(tracks=tracks, years=years, kinds=kinds, period=period)
