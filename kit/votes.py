"""Votes behind the processes: yes/no/abstain charts that keep First Committee and plenary figures apart.

A text on international security is usually voted on twice: in the First Committee, then in the plenary of the
General Assembly. The two tallies differ, so every builder here labels the body and never adds or compares across
bodies: ``vote_figure`` draws one panel per body, side by side.
"""
from __future__ import annotations

import html

import pandas as pd

from .data import DataError, cite, load
from .style import OKABE_ITO, VOTE_COLOURS
from .timeline import styled_figure, styled_spec
from .widgets import FigureArea, display_widget

__all__ = ["BODIES", "DEFAULT_TEXTS", "RIVAL_PAIRS", "vote_texts", "vote_table", "vote_figure", "adoption_record",
           "adoption_summary", "adoption_figure", "VoteComparer", "compare_votes", "cross_votes",
           "how_voted"]

BODIES = ("First Committee", "General Assembly")
BODY_LABELS = {"First Committee": "First Committee", "General Assembly": "General Assembly plenary"}
BODY_SHORT = {"First Committee": "First Committee", "General Assembly": "plenary"}
DEFAULT_TEXTS = ("A/RES/73/27", "A/RES/73/266", "A/RES/75/240", "A/RES/77/37")
ADOPTION_COLOURS = {"without a vote": OKABE_ITO["blue"], "recorded vote": OKABE_ITO["orange"],
                    "mode not confirmed": "#DDDDDD"}
SERIES_TRACKS = ("ga_resolutions", "poa", "global_mechanism")
UN_MEMBERS_MAX = 193


def _check_votes(votes) -> None:
    if not isinstance(votes, pd.DataFrame) or not {"vote_id", "symbol", "body", "adoption"} <= set(votes.columns):
        raise DataError(f"expected the votes table (kit.load('votes')), not {type(votes).__name__}")


_TEXTS: dict = {}


def vote_texts(votes: pd.DataFrame) -> pd.DataFrame:
    """Return one row per voted text: text id (its symbol, or an id where the symbol is unknown), label, sponsor."""
    _check_votes(votes)
    hit = _TEXTS.get(id(votes))
    if hit is not None and hit[0] is votes and hit[1] == len(votes):
        return hit[2]
    out = _vote_texts(votes)
    _TEXTS.clear()  # one table at a time: kit.load returns the same cached table on every call
    _TEXTS[id(votes)] = (votes, len(votes), out)
    return out


def _vote_texts(votes: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for r in votes.sort_values("date").itertuples():
        text = r.symbol if not pd.isna(r.symbol) else r.vote_id.rsplit("_", 1)[0]
        if text in rows:
            continue
        sponsor = "" if pd.isna(r.lead_sponsor) else r.lead_sponsor.replace(";", " and ")
        related = isinstance(r.note, str) and r.note.startswith("Related text")
        if pd.isna(r.symbol):
            label = f"{sponsor} text of {r.date.year} (symbol not confirmed)"
        else:
            label = f"{r.symbol}" + (f" · {sponsor}" if sponsor else "") + (" · related: cybercrime" if related else "")
        rows[text] = {"text": text, "label": label, "year": int(r.date.year), "lead_sponsor": sponsor or pd.NA,
                      "related": related}
    return pd.DataFrame(list(rows.values()))


_WITH_IDS: dict = {}


def _with_text_ids(votes: pd.DataFrame) -> pd.DataFrame:
    """Return the votes with a ``text`` column, computed once per table (widgets call this on every change)."""
    hit = _WITH_IDS.get(id(votes))
    if hit is not None and hit[0] is votes and hit[1] == len(votes):
        return hit[2]
    out = votes.assign(text=_text_ids(votes))
    _WITH_IDS.clear()
    _WITH_IDS[id(votes)] = (votes, len(votes), out)
    return out


def _text_ids(votes: pd.DataFrame) -> pd.Series:
    return votes["symbol"].where(votes["symbol"].notna(), votes["vote_id"].str.rsplit("_", n=1).str[0])


def _choose(values, valid: list, what: str, default) -> list:
    if values is None:
        values = default
    if isinstance(values, str):
        values = [values]
    try:
        values = list(values)
    except TypeError:
        raise DataError(f"{what} must be a list, not {type(values).__name__}; choose from: {', '.join(valid)}") from None
    if not values:
        raise DataError(f"choose at least one of the {what}: {', '.join(valid)}")
    bad = [v for v in values if v not in valid]
    if bad:
        raise DataError(f"unknown {what} {', '.join(map(repr, bad))}; choose from: {', '.join(valid)}")
    return list(dict.fromkeys(values))


_TABLE_COLUMNS = ["text", "body", "date", "adoption", "yes", "no", "abstain", "lead_sponsor", "confidence", "note",
                  "source_ids"]
_RECORDS: dict = {}


def _records(votes: pd.DataFrame) -> list[dict]:
    """The votes as plain dicts (with ``text``), computed once per table: a widget filters them on every change."""
    hit = _RECORDS.get(id(votes))
    if hit is not None and hit[0] is votes and hit[1] == len(votes):
        return hit[2]
    v = _with_text_ids(votes).drop(columns=["date"]).rename(columns={"date_label": "date"})
    out = v[_TABLE_COLUMNS].to_dict("records")
    _RECORDS.clear()
    _RECORDS[id(votes)] = (votes, len(votes), out)
    return out


def vote_table(votes: pd.DataFrame, texts=None, bodies=None) -> pd.DataFrame:
    """Return the votes on the chosen texts, one row per text and body, with the body always named."""
    _check_votes(votes)
    valid = list(vote_texts(votes)["text"])
    texts = _choose(texts, valid, "texts", DEFAULT_TEXTS)
    bodies = _choose(bodies, list(BODIES), "bodies", BODIES)
    order = {t: i for i, t in enumerate(texts)}
    rank = {b: i for i, b in enumerate(BODIES)}
    keep = [r for r in _records(votes) if r["text"] in order and r["body"] in bodies]
    keep.sort(key=lambda r: (order[r["text"]], rank[r["body"]]))  # stable, as the table's own order was
    table = pd.DataFrame(keep, columns=_TABLE_COLUMNS)
    for k in ("yes", "no", "abstain"):  # the table's own (nullable integer) types, even when nothing is kept
        table[k] = table[k].astype(votes[k].dtype)
    return table


def _hover(r) -> str:
    parts = [f"<b>{html.escape(r['text'])}</b> · {html.escape(BODY_LABELS[r['body']])}", f"Date: {r['date']}"]
    if r["adoption"] == "recorded vote":
        for k in ("yes", "no", "abstain"):
            parts.append(f"{k.capitalize()}: {'not given' if pd.isna(r[k]) else int(r[k])}")
    else:
        parts.append("Adopted without a vote (no count)")
    parts.append(f"<i>{html.escape(str(r['confidence']))}</i>")
    return "<br>".join(parts)


def vote_figure(votes: pd.DataFrame, texts=None, bodies=None):
    """Return yes/no/abstain bars for the chosen texts, one panel per body (First Committee, plenary), never summed."""
    table = vote_table(votes, texts, bodies)
    return _draw_votes(votes, table, texts, bodies)


def _draw_votes(votes, table, texts, bodies, spec=False):
    """Return the vote figure for a table already filtered by ``vote_table``."""
    known = vote_texts(votes)
    labels = dict(zip(known["text"], known["label"]))
    texts = _choose(texts, list(labels), "texts", DEFAULT_TEXTS)
    bodies = _choose(bodies, list(BODIES), "bodies", BODIES)
    y_labels = [labels[t] for t in texts]
    n = len(bodies)
    gap = 0.08
    width = (1 - gap * (n - 1)) / n
    data, annotations, layout = [], [], {}
    records = table.to_dict("records")  # plain dicts: looping over them is much faster than over DataFrame rows
    for i, body in enumerate(bodies):
        suffix = "" if i == 0 else str(i + 1)
        xa, ya = f"x{suffix}", f"y{suffix}"
        rows = [r for r in records if r["body"] == body]
        recorded = [r for r in rows if r["adoption"] == "recorded vote"]
        for k in ("yes", "no", "abstain"):
            have = [r for r in recorded if not pd.isna(r[k])]
            data.append(dict(
                type="bar", orientation="h", name=k.capitalize(), legendgroup=k, showlegend=i == 0,
                x=[int(r[k]) for r in have], y=[labels[r["text"]] for r in have],
                marker={"color": VOTE_COLOURS[k]},
                hovertext=[_hover(r) for r in have], hovertemplate="%{hovertext}<extra></extra>",
                xaxis=xa, yaxis=ya, meta={"body": body, "count": k}))
        # At the end of each row, the tally in words; where there is no count, why not.
        notes, where = {}, {}
        for r in rows:
            if r["adoption"] == "without a vote":
                notes[r["text"]], where[r["text"]] = "adopted without a vote (no count)", 2
            else:
                parts = ["?" if pd.isna(r[k]) else str(int(r[k])) for k in ("yes", "no", "abstain")]
                notes[r["text"]] = "–".join(parts)
                where[r["text"]] = sum(0 if pd.isna(r[k]) else int(r[k]) for k in ("yes", "no", "abstain")) + 3
        for t in texts:
            if t not in notes:
                notes[t], where[t] = "no confirmed record in the kit's data", 2
        data.append(dict(type="scatter", mode="text", name="tally", showlegend=False,
                         x=[where[t] for t in notes], y=[labels[t] for t in notes], text=list(notes.values()),
                         textposition="middle right", hoverinfo="skip", textfont={"color": "#333333", "size": 12},
                         xaxis=xa, yaxis=ya, meta={"body": body, "count": "notes"}))
        x0 = i * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "range": [0, UN_MEMBERS_MAX + 50],
                                    "title": {"text": f"States voting ({BODY_SHORT[body]})"},
                                    "tickvals": [0, 50, 100, 150, UN_MEMBERS_MAX], "anchor": ya}
        layout[f"yaxis{suffix}"] = {"categoryorder": "array", "categoryarray": y_labels[::-1],
                                    "type": "category", "anchor": xa, "range": [-0.5, len(texts) - 0.5],
                                    **({} if i == 0 else {"matches": "y", "showticklabels": False})}
        annotations.append(dict(text=f"<b>{BODY_LABELS[body]}</b>", xref="paper", yref="paper",
                                x=x0 + width / 2, y=1.0, yanchor="bottom", showarrow=False, font={"size": 14}))
    xaxis, yaxis = layout.pop("xaxis"), layout.pop("yaxis")
    title = ("How the chosen texts were adopted: " +
             (" and ".join(BODY_LABELS[b] for b in bodies) + " shown apart" if n > 1 else BODY_LABELS[bodies[0]]))
    build = styled_spec if spec else styled_figure
    return build(data, title, x_title=xaxis["title"]["text"], y_title="Text (symbol · lead sponsor)",
                         height=260 + 55 * len(texts), barmode="stack", annotations=annotations,
                         xaxis=xaxis, yaxis=yaxis, margin={"l": 10, "r": 20, "t": 80, "b": 110},
                         legend={"orientation": "h", "y": -75 / (70 + 55 * len(texts)), "yanchor": "top", "x": 0,
                                 "title": {"text": "Votes (tally at the end of each row: yes–no–abstain; ? = not given)"},
                                 "font": {"size": 12}}, **layout)


def adoption_record(votes: pd.DataFrame, events: pd.DataFrame, kinds=("resolution", "decision")) -> pd.DataFrame:
    """Return the series' texts in the plenary, one row each: year, text, how it was adopted (or 'mode not confirmed')."""
    kinds = _choose(kinds, ["resolution", "decision"], "kinds of text", ("resolution", "decision"))
    _check_votes(votes)
    if not isinstance(events, pd.DataFrame) or not {"track", "kind", "symbol"} <= set(events.columns):
        raise DataError(f"expected the events table (kit.load('events')), not {type(events).__name__}")
    series = events[events["track"].isin(SERIES_TRACKS) & events["kind"].isin(kinds)]
    plenary = votes[votes["body"] == "General Assembly"].set_index("symbol")
    rows = []
    for r in series.itertuples():
        hit = plenary.loc[[r.symbol]] if not pd.isna(r.symbol) and r.symbol in plenary.index else None
        adoption = hit["adoption"].iloc[0] if hit is not None else "mode not confirmed"
        rows.append({"year": int(r.date.year), "text": r.symbol if not pd.isna(r.symbol) else r.title,
                     "kind": r.kind, "adoption": adoption,
                     "source_ids": list(hit["source_ids"].iloc[0]) if hit is not None else list(r.source_ids)})
    return pd.DataFrame(rows).sort_values(["year", "text"]).reset_index(drop=True)


def adoption_summary(votes: pd.DataFrame, events: pd.DataFrame, split_year: int = 2018) -> pd.DataFrame:
    """Return how many of the series' resolutions and decisions the plenary adopted each way, before and from
    ``split_year``."""
    if not isinstance(split_year, int) or isinstance(split_year, bool) or not 1999 <= split_year <= 2025:
        raise DataError(f"split_year must be a year from 1999 to 2025, not {split_year!r}")
    rec = adoption_record(votes, events)
    periods = [f"before {split_year}", f"{split_year} and after"]
    rec["period"] = [periods[0] if y < split_year else periods[1] for y in rec["year"]]
    out = pd.crosstab([rec["period"], rec["kind"]], rec["adoption"])
    index = pd.MultiIndex.from_product([periods, ["resolution", "decision"]], names=["period", "kind of text"])
    out = out.reindex(index=index, columns=list(ADOPTION_COLOURS), fill_value=0)
    out.columns.name = "General Assembly plenary"
    return out


def adoption_figure(votes: pd.DataFrame, events: pd.DataFrame, split_year: int = 2018, years=(1998, 2025),
                    kinds=("resolution",)):
    """Return a bar chart: per year, how many of the series' resolutions the plenary adopted without a vote or by vote."""
    rec = adoption_record(votes, events, kinds)
    try:
        lo, hi = years
        ok = isinstance(lo, int) and isinstance(hi, int) and lo <= hi
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise DataError(f"years must be a pair (first year, last year) such as (1998, 2025), not {years!r}")
    rec = rec[(rec["year"] >= lo) & (rec["year"] <= hi)]
    data = []
    for mode, colour in ADOPTION_COLOURS.items():
        part = rec[rec["adoption"] == mode]
        counts = part.groupby("year").size()
        names = part.groupby("year")["text"].apply(lambda s: "<br>".join(s))
        data.append(dict(type="bar", name=mode, x=list(counts.index), y=[int(c) for c in counts],
                         marker={"color": colour, "line": {"color": "#777777", "width": 1}},
                         hovertext=[f"{y}: {mode}<br>{names[y]}" for y in counts.index],
                         hovertemplate="%{hovertext}<extra></extra>", meta={"adoption": mode}))
    summary = adoption_summary(votes, events, split_year)
    what = " and ".join(f"{k}s" for k in _choose(kinds, ["resolution", "decision"], "kinds of text", kinds))
    before = sum(int(summary.loc[(f"before {split_year}", k), "without a vote"]) for k in kinds)
    after = sum(int(summary.loc[(f"{split_year} and after", k), "without a vote"]) for k in kinds)
    title = (f"{what.capitalize()} of the series adopted without a vote in the plenary: {before} before "
             f"{split_year}, {after} from {split_year} on")
    shapes = [dict(type="line", xref="x", yref="paper", x0=split_year - 0.5, x1=split_year - 0.5, y0=0, y1=1,
                   line={"color": OKABE_ITO["black"], "dash": "dash", "width": 2})]
    annotations = [dict(xref="x", yref="paper", x=split_year - 0.5, y=1, yanchor="bottom", showarrow=False,
                        text=f"{split_year}: two rival tracks")]
    return styled_figure(data, title, x_title="Year of adoption", y_title=f"Number of {what}",
                         height=420, barmode="stack", shapes=shapes, annotations=annotations,
                         xaxis={"dtick": 2, "range": [lo - 0.7, hi + 0.7]}, yaxis={"dtick": 1},
                         legend={"orientation": "h", "y": -0.25, "x": 0, "title": {"text": "Plenary adoption"}})


class VoteComparer:
    """Pick texts and bodies; see their votes side by side (``vote_figure``) with notes and sources."""

    def __init__(self, votes: pd.DataFrame | None = None, texts=DEFAULT_TEXTS, bodies=BODIES):
        import ipywidgets as w

        self.votes = load("votes") if votes is None else votes
        options = vote_texts(self.votes)
        style = {"description_width": "initial"}
        self.texts = w.SelectMultiple(options=list(zip(options["label"], options["text"])), value=list(texts),
                                      rows=10, description="Texts (Ctrl/Cmd-click for several)", style=style,
                                      layout=w.Layout(width="560px"))
        self.bodies = w.ToggleButtons(
            options=[("Both, side by side", BODIES), ("First Committee only", ("First Committee",)),
                     ("General Assembly plenary only", ("General Assembly",))],
            value=tuple(bodies), description="Bodies", style={**style, "button_width": "auto"})
        self.area = FigureArea()
        self.notes = w.HTML("")
        self.texts.observe(self._update, names="value")
        self.bodies.observe(self._update, names="value")
        self.widget = w.VBox([self.texts, self.bodies, self.area.widget, self.notes])
        self._update()

    @property
    def figure(self):
        return self.area.figure

    def _update(self, change=None):
        try:
            if self.bodies.value is None:  # set from code, not by a click
                raise DataError("choose the bodies to show: First Committee, General Assembly plenary, or both")
            texts, bodies = list(self.texts.value), list(self.bodies.value)
            table = vote_table(self.votes, texts, bodies)
            data, layout = _draw_votes(self.votes, table, texts, bodies, spec=True)
        except DataError as err:
            self.area.error(err)
            return
        self.area.show_spec(data, layout)
        items = "".join(f"<li><b>{html.escape(r.text)}</b>, {html.escape(BODY_LABELS[r.body])} ({r.date}): "
                        f"{html.escape(r.note) if isinstance(r.note, str) else ''} <i>{r.confidence}</i></li>"
                        for r in table.itertuples())
        ids = [s for lst in table["source_ids"] for s in lst]
        self.notes.value = f"<ul>{items}</ul>" + (cite(ids)._repr_html_() if ids else "")

    _ipython_display_ = display_widget


def compare_votes(texts=DEFAULT_TEXTS, bodies=BODIES) -> VoteComparer:
    """Return the vote-comparison widget (choose texts and bodies, see yes/no/abstain side by side)."""
    texts = DEFAULT_TEXTS if texts is None else texts
    bodies = BODIES if bodies is None else bodies
    vote_table(load("votes"), texts, bodies)  # a clear error for an impossible choice
    if isinstance(texts, str):
        texts = (texts,)
    if isinstance(bodies, str):
        bodies = (bodies,)
    return VoteComparer(texts=texts, bodies=bodies)


# --- each State's vote: coalitions across rival texts ------------------------------------------------------------

VOTE_ORDER = ("yes", "no", "abstain", "did not vote")
# the rival texts the plenary voted on in the same session: (PoA or US-led text, Russian-led text)
RIVAL_PAIRS = (("A/RES/74/28", "A/RES/74/29"), ("A/RES/75/32", "A/RES/75/240"), ("A/RES/77/37", "A/RES/77/36"),
               ("A/RES/78/16", "A/RES/78/237"))


def _state_votes(state_votes=None) -> pd.DataFrame:
    table = load("state_votes") if state_votes is None else state_votes
    if not isinstance(table, pd.DataFrame) or not {"symbol", "member_state", "vote"} <= set(table.columns):
        raise DataError(f"expected the table of each State's vote (kit.load('state_votes')), "
                        f"not {type(table).__name__}")
    return table


def _one_text(value, valid: list, what: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise DataError(f"unknown {what} {value!r}; choose one of the texts with each State's vote: {', '.join(valid)}")
    return value


def cross_votes(first: str = "A/RES/77/37", second: str = "A/RES/77/36", state_votes=None) -> pd.DataFrame:
    """Return how the Member States voted on two texts: one row per pair of votes (e.g. yes on both), with the
    number of States and their names. The plenary's own records, State by State (UN machine-readable resolutions)."""
    table = _state_votes(state_votes)
    valid = list(dict.fromkeys(table["symbol"]))
    first, second = _one_text(first, valid, "first text"), _one_text(second, valid, "second text")
    if first == second:
        raise DataError(f"choose two different texts, not {first} twice; the texts are: {', '.join(valid)}")
    a = table[table["symbol"] == first].set_index("member_state")["vote"]
    b = table[table["symbol"] == second].set_index("member_state")["vote"]
    both = pd.DataFrame({"a": a, "b": b}).dropna()
    rows = []
    for va in VOTE_ORDER:
        for vb in VOTE_ORDER:
            states = sorted(both.index[(both["a"] == va) & (both["b"] == vb)])
            if states:
                rows.append({f"vote on {first}": va, f"vote on {second}": vb, "number of States": len(states),
                             "States": ", ".join(states)})
    return pd.DataFrame(rows)


def how_voted(state: str, state_votes=None) -> pd.DataFrame:
    """Return one State's plenary vote on each text that has every State's vote, with the date and the tally."""
    table = _state_votes(state_votes)
    names = list(dict.fromkeys(table["member_state"]))
    if not isinstance(state, str) or not state.strip():
        raise DataError(f"name a Member State as the UN writes it, e.g. 'Egypt' or 'Republic of Korea', "
                        f"not {state!r}")
    lower = {n.casefold(): n for n in names}
    name = lower.get(state.strip().casefold())
    if name is None:
        import difflib
        near = difflib.get_close_matches(state.strip(), names, n=5, cutoff=0.5)
        hint = f"did you mean: {', '.join(near)}?" if near else "see kit.load('state_votes')['member_state'].unique()"
        raise DataError(f"no Member State called {state!r} in the votes; {hint}")
    mine = table[table["member_state"] == name]
    votes = load("votes")
    plenary = votes[votes["body"] == "General Assembly"].set_index("symbol")
    texts = vote_texts(votes).set_index("text")
    rows = []
    for r in mine.itertuples():
        p = plenary.loc[r.symbol]
        rows.append({"text": texts.loc[r.symbol, "label"], "date": p["date_label"], "vote": r.vote,
                     "plenary tally (yes-no-abstain)": f"{int(p['yes'])}-{int(p['no'])}-{int(p['abstain'])}"})
    return pd.DataFrame(rows).sort_values("date", kind="stable").reset_index(drop=True)
