"""Law or norms: the framework of responsible State behaviour, the 11 norms of 2015, binding versus voluntary.

Pure builders return tables or HTML from the kit's data; ``NormsBrowser`` only wires a menu to ``norm_card_html``.
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from .data import DataError, load, reliability_badge, rows
from .style import OKABE_ITO
from .widgets import FigureArea, display_widget

# The four pieces of the framework, as the kit's glossary names them.
PILLARS = {"international law": "International law", "norms of responsible State behaviour": "Norms",
           "CBMs": "Confidence-building measures (CBMs)", "capacity-building": "Capacity-building"}
# The consensus reports the framework comes from, as they appear on the kit's timeline.
FRAMEWORK_REPORTS = ("a_68_98", "a_70_174", "a_75_816", "a_76_135")
CONVENTION_EVENTS = ("ru_convention_concept_oewg_2023", "ru_convention_concept_ga_2023")
BINDING_TERMS = ("international law", "voluntary non-binding norm", "legally binding instrument", "codification",
                 "accountability")
STANCES = ("supports", "opposes", "mixed")


@lru_cache(maxsize=1)
def _norms() -> pd.DataFrame:
    return load("norms")


@lru_cache(maxsize=1)
def _glossary() -> pd.DataFrame:
    return load("glossary").set_index("term")


@lru_cache(maxsize=1)
def _sources_by_id() -> dict:
    return load("sources").set_index("source_id").to_dict("index")


def _glossary_rows(terms, labels=None) -> pd.DataFrame:
    g = _glossary()
    missing = [t for t in terms if t not in g.index]
    if missing:
        raise DataError(f"glossary.csv lacks the term(s) {missing}; the notebook needs them")
    rows = [{"term": (labels or {}).get(t, t), "in our words": g.loc[t, "definition"], "source_ids": g.loc[t, "source_ids"]}
            for t in terms]
    return pd.DataFrame(rows)


def framework_pillars() -> pd.DataFrame:
    """Return the four pieces of the framework (international law, norms, CBMs, capacity-building) with sources."""
    return _glossary_rows(list(PILLARS), PILLARS).rename(columns={"term": "piece"})


def framework_reports() -> pd.DataFrame:
    """Return the consensus reports the framework comes from (2013, 2015 GGE; 2021 OEWG and GGE) with sources."""
    table = rows("events", FRAMEWORK_REPORTS)
    return table[["date_label", "symbol", "title", "summary", "source_ids"]].rename(
        columns={"date_label": "date"}).reset_index(drop=True)


def binding_terms() -> pd.DataFrame:
    """Return the words needed to tell binding law from voluntary norms, from the glossary, with sources."""
    return _glossary_rows(list(BINDING_TERMS))


def convention_record() -> pd.DataFrame:
    """Return Russia's 2023 convention concept on the timeline (the OEWG submission and the updated concept)."""
    events = load("events").set_index("event_id")
    table = events.loc[[e for e in CONVENTION_EVENTS if e in events.index]].reset_index()
    if table.empty:
        raise DataError(f"events.csv lacks {list(CONVENTION_EVENTS)}; the notebook needs them")
    return table[["date_label", "title", "summary", "confidence", "source_ids"]].rename(
        columns={"date_label": "date"}).reset_index(drop=True)


def convention_positions(stance=None) -> pd.DataFrame:
    """Return what States and groups said or did about a binding convention (optionally one stance), by date."""
    if stance is not None and (not isinstance(stance, str) or stance not in STANCES):
        raise DataError(f"unknown stance {stance!r}; choose one of: {', '.join(STANCES)} (or None for all)")
    pos = load("positions")
    pos = pos[pos["issue"] == "convention"]
    if stance is not None:
        pos = pos[pos["stance"] == stance]
    if pos.empty:
        have = sorted(set(load("positions").loc[lambda d: d["issue"] == "convention", "stance"]))
        raise DataError(f"no position on the convention with stance {stance!r} in positions.csv; "
                        f"choose one of: {', '.join(have)}")
    pos = pos.sort_values(["stance", "date"], ascending=[False, True], kind="stable")
    return pos[["actor", "stance", "statement", "date_label", "confidence", "source_ids"]].rename(
        columns={"date_label": "date"}).reset_index(drop=True)


def rules_based_order_comparison() -> pd.DataFrame:
    """Return ¶9's 'rules-based order' claim set beside what the framework's reports say about law and norms."""
    claims = load("paper_arguments").set_index("claim_id")
    events = load("events").set_index("event_id")
    g = _glossary()
    c = claims.loc["p09_rules_based_order"]
    rows = [
        {"who": "The paper (¶9)", "says": f"{c['claim']} In its words: “{c['quote']}”.",
         "source_ids": ["ru_poa_position_2023"]},
        {"who": "2013 GGE report (A/68/98)", "says": events.loc["a_68_98", "summary"],
         "source_ids": events.loc["a_68_98", "source_ids"]},
        {"who": "2021 OEWG report (A/75/816)", "says": " ".join(
            [events.loc["a_75_816", "summary"]]
            + [s.strip().replace("such norms", "voluntary, non-binding norms")
               for s in g.loc["voluntary non-binding norm", "definition"].split(". ") if "OEWG report" in s]),
         "source_ids": list(dict.fromkeys(events.loc["a_75_816", "source_ids"]
                                          + g.loc["voluntary non-binding norm", "source_ids"]))},
        {"who": "The phrase 'rules-based order' (kit glossary)", "says": g.loc["rules-based order", "definition"],
         "source_ids": g.loc["rules-based order", "source_ids"]},
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- the norms browser

def norms_table() -> pd.DataFrame:
    """Return the 11 norms of the 2015 GGE report: letter, short title and what each asks of States."""
    return _norms()[["letter", "short_title", "asks_states_to"]].reset_index(drop=True)


def _norm_row(norm):
    norms = _norms().set_index("norm_id")
    if isinstance(norm, str) and len(norm.strip()) == 1:
        norm = f"n13{norm.strip().lower()}"
    if not isinstance(norm, str) or norm not in norms.index:
        raise DataError(f"unknown norm {norm!r}; choose a letter a-k or one of: {', '.join(norms.index)}")
    return norm, norms.loc[norm]


def norm_card_html(norm) -> str:
    """Return one norm ('f' or 'n13f') as an HTML card: title, summary, what it asks of States, sources."""
    norm_id, r = _norm_row(norm)
    items = []
    for sid in r["source_ids"]:
        s = _sources_by_id()[sid]
        href = html.escape(str(s["url"]), quote=True)
        items.append(f'<li>{reliability_badge(s)}<a href="{href}" target="_blank" rel="noopener" '
                     'style="text-decoration:underline">'
                     f'{html.escape(str(s["title"]))}</a></li>')
    return (f"<div class='kit-norm' data-norm='{html.escape(norm_id)}' style='border-left:6px solid "
            f"{OKABE_ITO['blue']};padding:4px 10px;margin:6px 0'>"
            f"<p style='margin:2px 0'><b>Norm ({html.escape(r['letter'])}): {html.escape(r['short_title'])}</b> "
            f"<span style='color:#555'>(2015 GGE report, A/70/174, paragraph 13 ({html.escape(r['letter'])}))</span></p>"
            f"<p style='margin:2px 0'><b>In our words:</b> {html.escape(r['summary'])}</p>"
            f"<p style='margin:2px 0'><b>What it asks of States:</b> {html.escape(r['asks_states_to'])}</p>"
            f"<p style='margin:2px 0'><b>Legal status:</b> voluntary and non-binding, like all 11 norms of the report.</p>"
            f"<details><summary>Sources ({len(items)}); confidence: {html.escape(r['confidence'])}</summary>"
            f"<ol>{''.join(items)}</ol></details></div>")


class NormsBrowser:
    """A menu of the 11 norms wired to ``norm_card_html``; ``.area.figure`` is the HTML shown."""

    def __init__(self, norm="a"):
        import ipywidgets as w
        from IPython.display import HTML

        self._HTML = HTML
        start, _ = _norm_row(norm)
        options = [(f"({r.letter}) {r.short_title}", r.norm_id) for r in _norms().itertuples()]
        self.norm = w.Dropdown(options=options, value=start, description="Norm",
                               style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.area = FigureArea()
        self.widget = w.VBox([self.norm, self.area.widget])
        self.norm.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Show the chosen norm, or say what went wrong."""
        try:
            view = norm_card_html(self.norm.value)
        except DataError as err:
            self.area.error(err)
            return
        self.area.show(self._HTML(view))

    _ipython_display_ = display_widget


def norms_browser(norm="a") -> NormsBrowser:
    """Return the norms browser: choose one of the 11 norms of 2015 and read what it asks of States."""
    return NormsBrowser(norm)
