"""Reading the paper: its claims paragraph by paragraph, an argument explorer and an argument map.

Pure builders (``paper_claims``, ``explorer_html``, ``argument_map_figure`` …) take the kit's tables and
options and return a table, an HTML string or a plotly figure; ``ArgumentExplorer`` only wires two menus
to ``explorer_html``.
"""
from __future__ import annotations

import html
import re
import textwrap
from functools import lru_cache

import pandas as pd

from . import data as _data
from .data import DataError, load, rows
from .display import frame_html
from .style import OKABE_ITO, apply_layout
from .widgets import FigureArea, display_widget

PARAGRAPHS = tuple(range(1, 13))
CLAIM_TYPES = ("procedural", "institutional", "substantive", "political", "legal")
# One Okabe-Ito colour per claim type (colour-blind-safe); the conclusion is black.
TYPE_COLOURS = {"procedural": OKABE_ITO["blue"], "institutional": OKABE_ITO["orange"],
                "substantive": OKABE_ITO["green"], "political": OKABE_ITO["vermillion"],
                "legal": OKABE_ITO["purple"], "conclusion": OKABE_ITO["black"]}
PAPER_SOURCE = "ru_poa_position_2023"
# The two papers the kit tests claim by claim: Russia's 2023 position paper and the EU's 2023 case for the PoA.
PAPERS = {"ru_2023": {"label": "Russian Federation, 2023 position paper", "short": "Russia's paper",
                      "source": PAPER_SOURCE, "paragraphs": PARAGRAPHS,
                      "link_text": "the Secretary-General's report A/78/76 (views submitted under resolution 77/37)"},
          "eu_2023": {"label": "European Union, 2023 statements for the PoA", "short": "the EU's case",
                      "source": "eeas_rid_dec2023", "paragraphs": tuple(range(1, 10)),
                      "link_text": "the EU's statement of 14 December 2023 at the OEWG"}}
DEFAULT_PAPER = "ru_2023"
# Events that set the scene for the paper, in the order a reader meets them.
CONTEXT_EVENTS = ("poa_proposal_2020", "a_res_75_240", "poa_l73_first_committee", "a_res_77_37",
                  "ru_convention_concept_oewg_2023", "poa_unoda_consultations_2023",
                  "ru_convention_concept_ga_2023", "ru_poa_position_paper_2023")
_SYMBOL_RE = re.compile(r"A/(?:RES/)?\d+/\d+")


# ---------------------------------------------------------------------------- checking what a student asks for

def _check_paper(paper):
    """Return ``paper`` (a paper_id); raise DataError naming the valid choices."""
    if paper is None:
        return DEFAULT_PAPER
    if not isinstance(paper, str) or paper not in PAPERS:
        raise DataError(f"unknown paper {paper!r}; choose one of: {', '.join(PAPERS)} "
                        f"({'; '.join(p['label'] for p in PAPERS.values())})")
    return paper


def _check_paragraph(paragraph, paper=DEFAULT_PAPER):
    """Return ``paragraph`` as an int within the paper's paragraphs (or None for all); raise DataError naming the choices."""
    valid = PAPERS[_check_paper(paper)]["paragraphs"]
    if paragraph is None or (isinstance(paragraph, str) and paragraph.strip().lower() in ("", "all")):
        return None
    if isinstance(paragraph, str) and paragraph.strip().lstrip("¶").isdecimal():
        paragraph = int(paragraph.strip().lstrip("¶"))
    if isinstance(paragraph, bool) or not isinstance(paragraph, int) or paragraph not in valid:
        raise DataError(f"unknown paragraph {paragraph!r}; choose a whole number from 1 to {valid[-1]} "
                        f"(¶1-¶{valid[-1]}), or None for all")
    return paragraph


def _check_type(claim_type):
    """Return ``claim_type`` (or None for all); raise DataError naming the valid choices."""
    if claim_type is None or (isinstance(claim_type, str) and claim_type == "all"):
        return None
    if not isinstance(claim_type, str) or claim_type not in CLAIM_TYPES:
        raise DataError(f"unknown claim type {claim_type!r}; choose one of: {', '.join(CLAIM_TYPES)} (or 'all')")
    return claim_type


# ---------------------------------------------------------------------------- tables

@lru_cache(maxsize=1)
def _all_claims() -> pd.DataFrame:
    return load("paper_arguments")


def _claims(paper=None) -> pd.DataFrame:
    """The claims of one paper (all papers if ``paper`` is None)."""
    table = _all_claims()
    return table if paper is None else table[table["paper_id"] == _check_paper(paper)]


@lru_cache(maxsize=1)
def _sources_by_id() -> dict:
    return load("sources").set_index("source_id").to_dict("index")


@lru_cache(maxsize=1)
def _url_by_symbol() -> dict:
    src = load("sources").dropna(subset=["symbol"])
    out = {}
    for row in src.itertuples():
        out.setdefault(str(row.symbol), str(row.url))
    return out


def paper_claims(paragraph=None, claim_type=None, paper=DEFAULT_PAPER) -> pd.DataFrame:
    """Return a paper's claims (paragraph, claim_id, claim_type, claim, quote), optionally for one paragraph or type.

    ``paper`` is ``"ru_2023"`` (Russia's 2023 position paper, the default) or ``"eu_2023"`` (the EU's 2023 case for the PoA).
    """
    paper = _check_paper(paper)
    paragraph, claim_type = _check_paragraph(paragraph, paper), _check_type(claim_type)
    table = _claims(paper)
    if paragraph is not None:
        table = table[table["paragraph"] == paragraph]
    if claim_type is not None:
        table = table[table["claim_type"] == claim_type]
    if table.empty:
        where = f"¶{paragraph}" if paragraph else "the paper"
        own = _claims(paper)
        types = sorted(set(own.loc[own["paragraph"] == paragraph, "claim_type"])) if paragraph \
            else sorted(set(own["claim_type"]))
        raise DataError(f"{where} has no {claim_type} claim; choose 'all' or one of the types it has: {', '.join(types)}")
    cols = ["paragraph", "claim_id", "claim_type", "claim", "quote"]
    return table[cols].reset_index(drop=True)


def claim_types_by_paragraph(paper=DEFAULT_PAPER) -> pd.DataFrame:
    """Return a count of a paper's claims per paragraph (rows ¶1-¶12 for Russia's paper) and claim type (columns)."""
    paper = _check_paper(paper)
    claims = _claims(paper)
    table = pd.crosstab(claims["paragraph"].astype(int), claims["claim_type"].astype(str))
    table = table.reindex(index=list(PAPERS[paper]["paragraphs"]), columns=list(CLAIM_TYPES), fill_value=0)
    table.index = [f"¶{p}" for p in table.index]
    table.index.name = "paragraph"
    return table


def paper_context() -> pd.DataFrame:
    """Return the events around the paper (date, title, summary, confidence, source_ids), in date order, the paper last."""
    table = rows("events", CONTEXT_EVENTS)
    out = table[["date_label", "title", "summary", "confidence", "source_ids"]].rename(columns={"date_label": "date"})
    return out.reset_index(drop=True)


class ReadingTable:
    """A table shown in full, left-aligned and escaped, gaps as "not confirmed"; ``.frame`` is the DataFrame."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _repr_html_(self) -> str:
        return frame_html(self.frame, index=False)

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)

    def __len__(self) -> int:
        return len(self.frame)


def reading_table(frame) -> ReadingTable:
    """Return ``frame`` as a table that shows every word, left-aligned, with list cells joined by '; '."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"reading_table() takes a table (a pandas DataFrame), not {type(frame).__name__}")
    return ReadingTable(frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex)))


# ---------------------------------------------------------------------------- the explorer (HTML, every text escaped)

def _e(text) -> str:
    return html.escape("" if text is None or (not isinstance(text, (list, str)) and pd.isna(text)) else str(text))


def _link(url: str, text: str) -> str:
    return (f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener" '
            f'style="text-decoration:underline">{html.escape(text)}</a>')


def document_links(document: str) -> str:
    """Return one cited document as escaped HTML, with a link for each UN symbol the kit has a source for."""
    if not isinstance(document, str) or not document.strip():
        raise DataError("document_links() takes the text of one cited document, e.g. 'A/RES/77/37 OP3'")
    links = []
    for symbol in dict.fromkeys(_SYMBOL_RE.findall(document)):
        url = _url_by_symbol().get(symbol)
        if url:
            links.append(_link(url, symbol))
    if "Charter" in document and "un_mun_charter_page" in _sources_by_id():
        links.append(_link(_sources_by_id()["un_mun_charter_page"]["url"], "UN Charter"))
    return html.escape(document) + (f" ({', '.join(links)})" if links else "")


def _sources_list(ids) -> str:
    items = []
    for sid in ids:
        src = _sources_by_id().get(sid)
        if src is None:
            raise DataError(f"unknown source id {sid!r}; see kit.load('sources')")
        label = src["title"] + (f" ({src['symbol']})" if isinstance(src.get("symbol"), str) else "")
        items.append(f"<li>{_data.reliability_badge(src)}{_link(str(src['url']), label)}</li>")
    return f"<ol style='margin:2px 0 0 0'>{''.join(items)}</ol>"


def claim_card_html(claim_id) -> str:
    """Return one claim as an HTML card: claim, quotation, documents cited, record, support, counter, sources."""
    claims = _all_claims().set_index("claim_id")
    if not isinstance(claim_id, str) or claim_id not in claims.index:
        raise DataError(f"unknown claim {claim_id!r}{_data._suggest(claim_id, claims.index)}; "
                        f"choose one of: {', '.join(claims.index)}")
    r = claims.loc[claim_id]
    colour = TYPE_COLOURS[r["claim_type"]]
    docs = r["documents_cited"]
    docs_html = "; ".join(document_links(d) for d in docs) if docs else "<i>none named in this paragraph</i>"
    # the paper's own words first, then our paraphrase: notebook 01 asks students to read them in this order
    rows = [("The paper says", f"“{_e(r['quote'])}” (¶{int(r['paragraph'])})"),
            ("In our words", _e(r["claim"])),
            ("Documents it cites", docs_html),
            ("What the record shows", _e(r["record"])),
            ("Strongest support", _e(r["support"])),
            ("Strongest counter-evidence", _e(r["counter"])),
            ("Confidence", _e(r["confidence"]))]
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding:3px 8px;width:11em'>{k}</th>"
                   f"<td style='text-align:left;padding:3px 8px'>{v}</td></tr>" for k, v in rows)
    return (f"<div class='kit-claim' data-claim='{_e(claim_id)}' style='border-left:6px solid {colour};"
            f"padding:4px 10px;margin:8px 0'>"
            f"<p style='margin:2px 0'><b>¶{int(r['paragraph'])} · {_e(r['claim_type'])} claim</b> "
            f"<code>{_e(claim_id)}</code></p><table>{body}</table>"
            f"<details><summary>Sources ({len(r['source_ids'])})</summary>{_sources_list(r['source_ids'])}</details>"
            "</div>")


def claim_card(claim_id):
    """Return one claim card, ready to show in a notebook."""
    from IPython.display import HTML
    return HTML(claim_card_html(claim_id))


_PAPER_NOTES = {
    "ru_2023": ("The paper was submitted under OP3 of resolution 77/37; the Secretary-General's report under 77/37, "
                "A/78/76, compiles the views States submitted (A/RES/78/16). The kit's source for the paper: "),
    "eu_2023": ("The EU's case is read in the opening paragraphs of three EU statements at the OEWG in 2023 (checked "
                "extract: data/papers/eu_2023.md); the EU's own views in A/78/76 were not available. Main source: "),
}


def explorer_html(paragraph=1, claim_type=None, paper=DEFAULT_PAPER) -> str:
    """Return the explorer's view: the claims of the chosen paper, paragraph and type, as cards, with a link to the paper."""
    paper = _check_paper(paper)
    table = paper_claims(paragraph, claim_type, paper)
    paragraph, claim_type = _check_paragraph(paragraph, paper), _check_type(claim_type)
    where = f"¶{paragraph}" if paragraph else "all paragraphs"
    kind = f"{claim_type} claims" if claim_type else "claims of every type"
    src = _sources_by_id()[PAPERS[paper]["source"]]
    head = (f"<p><b>{html.escape(PAPERS[paper]['label'])}: {len(table)} claim(s): {html.escape(where)}, "
            f"{html.escape(kind)}.</b> {html.escape(_PAPER_NOTES[paper])}"
            f"{_link(str(src['url']), PAPERS[paper]['link_text'])}.</p>")
    return (f"<div class='kit-explorer' data-paper='{html.escape(paper)}'>" + head
            + "".join(claim_card_html(c) for c in table["claim_id"]) + "</div>")


def _paragraph_options(paper):
    return [("All paragraphs", 0)] + [(f"¶{p}", p) for p in PAPERS[paper]["paragraphs"]]


class ArgumentExplorer:
    """Three menus (paper, paragraph, claim type) wired to ``explorer_html``; ``.area.figure`` is the HTML shown."""

    def __init__(self, paragraph=1, claim_type="all", paper=DEFAULT_PAPER):
        import ipywidgets as w
        from IPython.display import HTML

        self._HTML = HTML
        paper = _check_paper(paper)
        style = {"description_width": "initial"}
        self.paper = w.Dropdown(options=[(p["label"], pid) for pid, p in PAPERS.items()], value=paper,
                                description="Paper", style=style)
        self.paragraph = w.Dropdown(options=_paragraph_options(paper),
                                    value=_check_paragraph(paragraph, paper) or 0, description="Paragraph", style=style)
        self.claim_type = w.Dropdown(options=[("All types", "all")] + [(t, t) for t in CLAIM_TYPES],
                                     value=_check_type(claim_type) or "all", description="Claim type", style=style)
        self.area = FigureArea()
        self.widget = w.VBox([w.HBox([self.paper, self.paragraph, self.claim_type]), self.area.widget])
        self._switching = False
        self.paper.observe(self._paper_changed, names="value")
        self.paragraph.observe(self._changed, names="value")
        self.claim_type.observe(self._changed, names="value")
        self.update()

    def _paper_changed(self, _change):
        # a new paper has its own paragraphs: show all of them, and update once
        self._switching = True
        try:
            self.paragraph.options = _paragraph_options(self.paper.value)
            self.paragraph.value = 0
        finally:
            self._switching = False
        self.update()

    def _changed(self, _change):
        if not self._switching:
            self.update()

    def update(self) -> None:
        """Show the claims the menus select, or say why there are none."""
        try:
            view = explorer_html(self.paragraph.value or None, self.claim_type.value, self.paper.value)
        except DataError as err:
            self.area.error(err)
            return
        self.area.show(self._HTML(view))

    _ipython_display_ = display_widget


def explorer(paragraph=1, claim_type="all", paper=DEFAULT_PAPER) -> ArgumentExplorer:
    """Return the argument explorer: pick a paper, a paragraph or a claim type and read each claim against the record.

    ``paper`` is ``"ru_2023"`` (Russia's 2023 position paper, the default) or ``"eu_2023"`` (the EU's 2023 case for the PoA).
    """
    return ArgumentExplorer(paragraph, claim_type, paper)


# ---------------------------------------------------------------------------- the argument map

def argument_map(paper=DEFAULT_PAPER) -> pd.DataFrame:
    """Return one paper's map nodes: node_id, label, kind, claim_type, supports, paragraphs, claim_ids, source_ids."""
    paper = _check_paper(paper)
    nodes = load("paper_argument_map")
    nodes = nodes[nodes["paper_id"] == paper].reset_index(drop=True)
    known = set(_claims(paper)["claim_id"])
    unknown = sorted({c for ids in nodes["claim_ids"] for c in ids} - known)
    if unknown:
        raise DataError(f"paper_argument_map.csv names unknown claim_ids {unknown} for paper {paper}; "
                        "see paper_arguments.csv")
    ids = set(nodes["node_id"])
    dangling = sorted({s for s in nodes["supports"].dropna() if s not in ids})
    if dangling:
        raise DataError(f"paper_argument_map.csv: 'supports' names unknown node(s) {dangling}; choose from {sorted(ids)}")
    # a conclusion has no claim type: say so, rather than show an empty cell (which the kit reads "not confirmed")
    conclusion = nodes["kind"] == "conclusion"
    return nodes.assign(claim_type=nodes["claim_type"].where(~conclusion, "none (a conclusion)"))


def _para_label(paragraphs) -> str:
    ps = sorted(int(p) for p in paragraphs)
    return ", ".join(f"¶{p}" for p in ps)


def argument_map_figure(highlight_paragraph=None, paper=DEFAULT_PAPER):
    """Return a paper's argument map as a plotly figure: premises (right) with arrows to the conclusion they support (left).

    ``highlight_paragraph`` keeps full colour on the nodes that draw on that paragraph and fades the rest;
    ``paper`` is ``"ru_2023"`` (the default) or ``"eu_2023"``.
    """
    import plotly.graph_objects as go

    paper = _check_paper(paper)
    highlight = _check_paragraph(highlight_paragraph, paper)
    nodes = argument_map(paper)
    conclusions = nodes[nodes["kind"] == "conclusion"].reset_index(drop=True)
    premises = nodes[nodes["kind"] == "premise"].reset_index(drop=True)
    n = len(premises)
    ypos = {row.node_id: n - i for i, row in enumerate(premises.itertuples())}
    for i, row in enumerate(conclusions.itertuples()):
        ypos[row.node_id] = (n + 1) / 2 - i * 2
    # Boxes are anchored at their inner edge (conclusion: right edge; premises: left edge) so that the arrows
    # between them stay clear of the text at any notebook width.
    xpos = {nid: (3.4 if nid in set(conclusions["node_id"]) else 5.6) for nid in ypos}

    fig = go.Figure()
    notes = []  # annotations are collected and set once: adding them one by one is slow in plotly
    for row in nodes.itertuples():
        kind = "conclusion" if row.kind == "conclusion" else str(row.claim_type)
        lit = highlight is None or highlight in {int(p) for p in row.paragraphs}
        colour = TYPE_COLOURS[kind]
        width = 250 if row.kind == "conclusion" else 340
        wrapped = "<br>".join(html.escape(line) for line in
                              textwrap.wrap(str(row.label), 36 if row.kind == "conclusion" else 50))
        tag = "CONCLUSION" if row.kind == "conclusion" else str(row.claim_type).upper()
        text = f"<b>{html.escape(tag)}</b> ({_para_label(row.paragraphs)})<br>{wrapped}"
        notes.append(dict(x=xpos[row.node_id], y=ypos[row.node_id], xref="x", yref="y", text=text,
                          showarrow=False, align="left", width=width, bgcolor="white", bordercolor=colour,
                          xanchor="right" if row.kind == "conclusion" else "left",
                          borderwidth=4 if lit and highlight is not None else 2, borderpad=5,
                          font={"size": 12, "color": "#000000"}, opacity=1.0 if lit else 0.3,
                          name=row.node_id))
        if isinstance(row.supports, str) and row.supports in ypos:
            notes.append(dict(x=3.55, y=ypos[row.supports], ax=5.45, ay=ypos[row.node_id], xref="x", yref="y",
                              axref="x", ayref="y", text="", showarrow=True, arrowhead=3, arrowsize=1.2,
                              arrowwidth=1.6, arrowcolor=colour, opacity=1.0 if lit else 0.3,
                              name=f"{row.node_id}->{row.supports}"))
    fig.update_layout(annotations=notes)
    # One marker per node (for hover and for the colour key in the legend), grouped by claim type.
    for kind in ("conclusion",) + CLAIM_TYPES:
        sel = nodes[(nodes["kind"] == "conclusion")] if kind == "conclusion" else premises[premises["claim_type"] == kind]
        if sel.empty:
            continue
        hover = [f"{_para_label(r.paragraphs)}<br>claims: {', '.join(r.claim_ids)}" for r in sel.itertuples()]
        fig.add_trace(go.Scatter(
            x=[3.5 if kind == "conclusion" else 5.5 for _ in sel["node_id"]],
            y=[ypos[i] for i in sel["node_id"]], mode="markers", name=kind if kind == "conclusion" else f"{kind} premise",
            marker={"symbol": "square", "size": 14, "color": TYPE_COLOURS[kind]},
            hovertext=hover, hoverinfo="text", customdata=list(sel["node_id"])))
    words = {5: "five", 6: "six", 7: "seven", 8: "eight"}
    who = PAPERS[paper]["short"]
    title = (f"How the paper argues ({who}): {words.get(n, n)} premises support one conclusion" if highlight is None
             else f"How the paper argues ({who}): the parts that draw on ¶{highlight}")
    apply_layout(fig, title, x_title="Arrows run from each premise (right) to the conclusion it supports (left)",
                 height=700)
    fig.update_xaxes(range=[0, 10], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_yaxes(range=[0.3, n + 0.7], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True,
                     title_text="")
    fig.update_layout(legend={"orientation": "h", "y": -0.08, "x": 0, "title": {"text": "Colour key: "}})
    return fig
