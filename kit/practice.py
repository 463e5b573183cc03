"""From norms to practice: confidence-building, capacity-building, stakeholders, the cybercrime convention, Ukraine.

Pure builders return tables, a chart or a sentence from the kit's data (``practice_facts.csv``, ``poc_directory.csv``,
``accreditation.csv``); ``PracticeExplorer`` only wires a menu of pillars to ``practice_view``.
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from .data import DataError, _suggest, load
from .style import OKABE_ITO, apply_layout
from .widgets import FigureArea, display_widget

# The five pillars of notebook 07, in the order the notebook takes them.
PILLARS = {
    "confidence_building": "Confidence-building: the points of contact directory and regional CBMs",
    "capacity_building": "Capacity-building: principles, the Global Roundtable, the portal, a fund",
    "stakeholders": "Stakeholders: who may attend, and who blocked whom",
    "cybercrime": "The cybercrime convention: a crime treaty beside the security track",
    "ukraine": "The war in Ukraine in the sessions: what both sides said",
}
FACT_COLUMNS = ["date", "actor", "stance", "fact", "confidence", "source_ids"]
NOT_NAMED = "not named"


def _pillar(pillar) -> str:
    if not isinstance(pillar, str) or pillar not in PILLARS:
        raise DataError(f"unknown pillar {pillar!r}{_suggest(pillar, PILLARS)}; choose one of: {', '.join(PILLARS)}")
    return pillar


def practice_pillars() -> pd.DataFrame:
    """Return the five pillars of notebook 07, with how many dated facts the kit has for each."""
    facts = load("practice_facts")
    return pd.DataFrame([{"pillar": p, "what it covers": label, "facts": int((facts["pillar"] == p).sum())}
                         for p, label in PILLARS.items()])


def practice_table(pillar) -> pd.DataFrame:
    """Return the dated facts of one pillar (date, actor, stance, fact, confidence, source_ids), in date order."""
    pillar = _pillar(pillar)
    facts = load("practice_facts")
    table = facts[facts["pillar"] == pillar].sort_values(["date", "fact_id"], kind="stable")
    if table.empty:
        raise DataError(f"practice_facts.csv has no row for the pillar {pillar!r}; the notebook needs them")
    out = table.assign(date=table["date_label"])[FACT_COLUMNS]
    return out.reset_index(drop=True)


def practice_sources(pillar=None) -> list[str]:
    """Return the source ids of one pillar's facts (all pillars if None), each once, in order of first use."""
    facts = load("practice_facts")
    if pillar is not None:
        facts = facts[facts["pillar"] == _pillar(pillar)]
    return list(dict.fromkeys(s for ids in facts["source_ids"] for s in ids))


# ---------------------------------------------------------------------------- the POC directory

def poc_participation() -> pd.DataFrame:
    """Return the dated counts of States in the global POC directory, only those a source gives."""
    poc = load("poc_directory")
    poc = poc[poc["metric"] == "states_nominated"].sort_values("date")
    count = [f"{q} {v}" if q != "exactly" else str(v) for q, v in zip(poc["qualifier"], poc["value"])]
    return pd.DataFrame({"date": poc["date_label"].to_list(), "States that had nominated points of contact": count,
                         "note": poc["note"].to_list(), "confidence": poc["confidence"].to_list(),
                         "source_ids": poc["source_ids"].to_list()})


def poc_figure():
    """Return a chart of the States in the POC directory over time: filled = exact count, open = a floor."""
    import plotly.graph_objects as go

    poc = load("poc_directory")
    poc = poc[poc["metric"] == "states_nominated"].sort_values("date")
    exact = poc["qualifier"] == "exactly"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=poc["date"], y=poc["value"], mode="lines", showlegend=False, hoverinfo="skip",
                             line={"color": OKABE_ITO["grey"], "dash": "dot"}))
    for mask, name, symbol in ((exact, "exact count", "circle"), (~exact, "'more than' (a floor)", "circle-open")):
        part = poc[mask]
        fig.add_trace(go.Scatter(
            x=part["date"], y=part["value"], mode="markers+text", name=name,
            marker={"symbol": symbol, "size": 13, "color": OKABE_ITO["blue"], "line": {"width": 2}},
            text=[f"{'' if e else 'more than '}{v}" for e, v in zip(exact[mask], part["value"])],
            textposition="top center",
            hovertext=[f"{d}: {'' if e else 'more than '}{v} States ({c})"
                       for d, e, v, c in zip(part["date_label"], exact[mask], part["value"], part["confidence"])],
            hoverinfo="text"))
    apply_layout(fig, "Global POC directory: States that had nominated points of contact",
                 "Date of the count", "Number of States", height=360)
    fig.update_yaxes(range=[0, 193], rangemode="tozero")
    return fig


def poc_summary() -> str:
    """Return one sentence on what the POC counts show, built from the data."""
    p = poc_participation()
    first, last = p.iloc[0], p.iloc[-1]
    col = "States that had nominated points of contact"
    return (f"The kit has {len(p)} dated counts: {first[col]} States on {first['date']} and {last[col]} by "
            f"{last['date']}, out of 193 Member States; no count is confirmed by a UN record, and no response rate "
            "of a ping test was found.")


# ---------------------------------------------------------------------------- accreditation

def accreditation_table(objected_by=None) -> pd.DataFrame:
    """Return the organisations blocked in 2022 (optionally those one State objected to, or 'not named')."""
    acc = load("accreditation")
    named = acc["objected_by"].fillna(NOT_NAMED)
    if objected_by is not None:
        choices = sorted(set(named))
        if not isinstance(objected_by, str) or objected_by not in choices:
            raise DataError(f"unknown objecting State {objected_by!r}{_suggest(objected_by, choices)}; "
                            f"choose one of: {', '.join(choices)} (or None for all)")
        acc, named = acc[named == objected_by], named[named == objected_by]
    out = acc.assign(objected_by=named)[["organisation", "organisation_kind", "objected_by", "date_label", "note",
                                         "confidence", "source_ids"]]
    return out.rename(columns={"date_label": "date", "organisation_kind": "kind"}).reset_index(drop=True)


def accreditation_summary() -> str:
    """Return one sentence counting the blocked organisations by the State that objected, from the data."""
    counts = accreditation_table()["objected_by"].value_counts()
    parts = [f"{n} by {who}" for who, n in counts.items() if who != NOT_NAMED]
    unnamed = int(counts.get(NOT_NAMED, 0))
    return (f"Of the {int(counts.sum())} blocked organisations the kit lists, the objecting State is named for "
            f"{int(counts.sum()) - unnamed} ({', '.join(parts)}) and not named in the sources read for {unnamed}.")


# ---------------------------------------------------------------------------- two tracks: security and crime

def _fact(fact_id) -> pd.Series:
    facts = load("practice_facts").set_index("fact_id")
    if fact_id not in facts.index:
        raise DataError(f"practice_facts.csv lacks the row {fact_id!r}; the notebook needs it")
    return facts.loc[fact_id]


def crime_and_security_tracks() -> pd.DataFrame:
    """Return the security track (OEWG, Global Mechanism) beside the crime track (the convention), point by point.

    The 'what' rows are sourced facts; the last row is the kit's reading, labelled as such.
    """
    events = load("events").set_index("event_id")
    for e in ("a_80_257", "a_res_80_16", "cybercrime_convention_adopted", "a_res_74_247"):
        if e not in events.index:
            raise DataError(f"events.csv lacks {e!r}; the notebook needs it")
    opposed = load("positions").query("issue == 'convention' and stance == 'opposes'")["actor"].tolist()
    rows = [
        {"point": "what it is about",
         "security track (OEWG, Global Mechanism)": "How States behave towards each other in using ICTs: threats, "
                                                    "norms, international law, CBMs, capacity-building.",
         "crime track (UN Convention against Cybercrime)": "Crimes committed with ICTs by anyone, and cooperation "
                                                           "between police and courts, such as sharing electronic "
                                                           "evidence.",
         "source_ids": ["a_80_257", "unis_cp_1183", "miragenews_hanoi_2025"]},
        {"point": "how it began",
         "security track (OEWG, Global Mechanism)": "The OEWG 2021-2025 under resolution 75/240.",
         "crime track (UN Convention against Cybercrime)": events.loc["a_res_74_247", "summary"],
         "source_ids": ["a_80_257"] + events.loc["a_res_74_247", "source_ids"]},
        {"point": "how the result was adopted",
         "security track (OEWG, Global Mechanism)": "The OEWG adopted its final report (A/80/257) by consensus on "
                                                    "11 July 2025; the General Assembly endorsed it in resolution "
                                                    "80/16 on 1 December 2025.",
         "crime track (UN Convention against Cybercrime)": _fact("cyb_adopted_2024")["fact"],
         "source_ids": events.loc["a_80_257", "source_ids"] + events.loc["a_res_80_16", "source_ids"]
         + _fact("cyb_adopted_2024")["source_ids"]},
        {"point": "legal nature",
         "security track (OEWG, Global Mechanism)": "Consensus reports and voluntary norms; no treaty was agreed.",
         "crime track (UN Convention against Cybercrime)": "A treaty: binding on the States that ratify it.",
         "source_ids": ["a_80_257", "a_res_80_16", "press_ga12671"]},
        {"point": "the kit's reading: what this means for ¶10",
         "security track (OEWG, Global Mechanism)": "States and groups listed in the kit as opposing a "
                                                    f"convention on State behaviour: {', '.join(opposed)}.",
         "crime track (UN Convention against Cybercrime)": "No State called for a vote on the crime treaty. Support "
                                                           "for a crime treaty is therefore not evidence of support "
                                                           "for a treaty on State behaviour, which ¶10 asks for.",
         "source_ids": _fact("cyb_adopted_2024")["source_ids"]
         + list(dict.fromkeys(s for ids in load("positions").query("issue == 'convention' and stance == 'opposes'")
                              ["source_ids"] for s in ids))},
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- the explorer

def practice_view(pillar) -> dict:
    """Return what the explorer shows for one pillar: its title, dated table, chart (or None) and a sentence."""
    pillar = _pillar(pillar)
    table = practice_table(pillar)
    figure = poc_figure() if pillar == "confidence_building" else None
    counts = table["confidence"].value_counts()
    sentence = (f"{len(table)} dated facts from {table['date'].iloc[0]} to {table['date'].iloc[-1]}: "
                f"{int(counts.get('confirmed', 0))} confirmed, {int(counts.get('partly confirmed', 0))} partly "
                "confirmed. Open the sources in the last column before you rely on a row.")
    if pillar == "confidence_building":
        sentence += " " + poc_summary()
    if pillar == "stakeholders":
        sentence += " " + accreditation_summary()
    return {"pillar": pillar, "title": PILLARS[pillar], "table": table, "figure": figure, "summary": sentence}


def view_html(view: dict) -> str:
    """Return a view's title, sentence and table as escaped HTML."""
    from .display import frame_html

    return (f"<div class='kit-practice' data-pillar='{html.escape(view['pillar'])}'>"
            f"<p style='margin:4px 0'><b>{html.escape(view['title'])}</b></p>"
            f"<p style='margin:4px 0'>{html.escape(view['summary'])}</p>{frame_html(view['table'], index=False)}</div>")


@lru_cache(maxsize=None)
def _cached_view(pillar: str) -> tuple[dict, str]:
    view = practice_view(pillar)
    return view, view_html(view)


class PracticeExplorer:
    """A menu of the five pillars wired to ``practice_view``; ``.view`` is what is shown, ``.table.value`` its HTML.

    The data do not change while the notebook runs, so each pillar's view and HTML are built once and kept. The
    table is an HTML widget whose value is swapped (one message to the browser, not an output area cleared and
    redrawn); the chart (confidence-building only) is drawn once and hidden, not redrawn, for the other pillars.
    """

    def __init__(self, pillar="confidence_building"):
        import ipywidgets as w

        start = _pillar(pillar)
        self.pillar = w.Dropdown(options=[(label, p) for p, label in PILLARS.items()], value=start,
                                 description="Pillar", style={"description_width": "initial"},
                                 layout=w.Layout(width="auto"))
        self.chart = FigureArea()
        self.message = w.HTML("")
        self.table = w.HTML("")
        self.view = None
        self.widget = w.VBox([self.pillar, self.chart.widget, self.message, self.table])
        for p in PILLARS:  # built once, so that changing the menu only swaps what is shown
            _cached_view(p)
        self.pillar.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Show the chosen pillar, or say what went wrong."""
        from .style import TEXT_COLOURS

        try:
            view, text = _cached_view(_pillar(self.pillar.value))
        except DataError as err:
            self.message.value = f'<p style="color:{TEXT_COLOURS["error"]}"><b>{html.escape(str(err))}</b></p>'
            return
        self.message.value = ""
        self.view = view
        if view["figure"] is not None:
            if self.chart.figure is None:
                self.chart.show(view["figure"])
            self.chart.widget.layout.display = None
        else:
            self.chart.widget.layout.display = "none"
        self.table.value = text

    _ipython_display_ = display_widget


def practice_explorer(pillar="confidence_building") -> PracticeExplorer:
    """Return the explorer: choose a pillar and see its dated facts with sources (and, for CBMs, a chart)."""
    return PracticeExplorer(pillar)
