"""Comparing mechanisms (notebook 04): side-by-side features, the kit's scores, mandate overlap, the 2025 outcome.

Pure builders turn the tables ``mechanisms``, ``mechanism_features``, ``mechanism_scores``,
``mandate_items`` and ``global_mechanism_origins`` into DataFrames, HTML tables and plotly
figures; ``MechanismComparison`` only wires ipywidgets controls to them.
"""
from __future__ import annotations

import html
import numbers
from functools import lru_cache

import pandas as pd

from .data import DataError, cite, load
from .style import OKABE_ITO, apply_layout
from .widgets import FigureArea, display_widget

__all__ = [
    "MECHANISMS", "DIMENSIONS", "CRITERIA", "RUBRIC", "ITEMS", "UNKNOWN",
    "mechanism_list", "comparison_table", "comparison_html", "comparison_sources",
    "scoring_rubric", "mechanism_scores", "scores_html", "outcome_html", "weighted_scores", "score_figure",
    "score_summary", "score_sources",
    "mandate_overlap", "mandate_overlap_figure", "overlap_between", "overlap_summary", "mandate_sources",
    "outcome_2025", "origins_figure", "origins_summary", "outcome_sources",
    "MechanismComparison", "compare_mechanisms",
]

# The order in which mechanisms appear everywhere: roughly by date.
MECHANISMS = ("gge", "oewg_2019", "oewg_2021", "poa", "ru_rid", "ru_convention", "global_mechanism")

DIMENSIONS = {
    "membership": "Membership",
    "decision_making": "Decision-making",
    "duration": "Duration",
    "mandate": "Mandate and agenda",
    "legal_nature": "Legal nature of outputs",
    "stakeholders": "Stakeholder participation",
    "capacity_building": "Capacity-building",
    "creation": "How it was created, by what vote",
}

# The criteria of the scores. Five are the kit's judgement (data/mechanism_scores.csv);
# agenda breadth is counted from data/mandate_items.csv.
CRITERIA = {
    "inclusiveness": "Inclusiveness",
    "permanence": "Permanence",
    "bindingness": "Binding outputs",
    "stakeholder_access": "Stakeholder access",
    "decision_rule_clarity": "Clear decision rule",
    "agenda_breadth": "Agenda breadth",
}
JUDGED = tuple(c for c in CRITERIA if c != "agenda_breadth")

RUBRIC = {
    "inclusiveness": ("Who sits at the table?", {
        0: "a limited group of selected States",
        1: "described as open or inclusive, without saying which States take part",
        2: "open to all UN Member States (open-ended)"}),
    "permanence": ("How long does it last?", {
        0: "a fixed term",
        1: "no fixed term, but not set up as a standing body either",
        2: "permanent or standing (as proposed or as established)"}),
    "bindingness": ("How binding are its outputs?", {
        0: "reports and recommendations; voluntary norms",
        1: "more than recommendations but not a treaty: a political commitment, or decisions whose legal form is open",
        2: "a legally binding treaty"}),
    "stakeholder_access": ("What place do businesses, NGOs and academia have?", {
        0: "none: a closed body of government representatives",
        1: "consultations, or a role stated in general terms without modalities",
        2: "written modalities give stakeholders a place in the body's meetings"}),
    "decision_rule_clarity": ("Is the decision rule clear?", {
        0: "the founding text or proposal states no decision rule",
        1: "consensus named for some outputs only",
        2: "a consensus rule stated in the founding text or proposal, or practised for every report"}),
    "agenda_breadth": ("How many of the eight agenda items does it cover? (counted, not judged)", {
        0: "none of the eight items in data/mandate_items.csv is in its mandate or proposed",
        1: "four of the eight",
        2: "all eight (in the mandate or proposed)"}),
}
# A criterion no text in the kit settles is "unknown": it is shown as "unknown", never as a number, and left out
# of the weighted total (the weights are renormalised over the criteria that are known).
UNKNOWN = "unknown"
UNKNOWN_MEANS = "no text the kit holds settles it: shown as unknown and left out of the weighted total"
# A design is ranked only when the criteria with evidence carry at least this share of the weight given: a total
# resting on a third of the criteria would reward the gaps (the unknowns left out), not the design.
MIN_KNOWN_SHARE = 2 / 3
MAX_SCORE = 2
MAX_WEIGHT = 5

ITEMS = {
    "threats": "Threats",
    "norms": "Norms",
    "international_law": "International law",
    "cbms": "Confidence-building measures",
    "capacity_building": "Capacity-building",
    "regular_institutional_dialogue": "Regular institutional dialogue",
    "poc_directory": "Points-of-contact directory",
    "portal": "Portal",
}
STATUS = {"in_mandate": "in mandate", "proposed": "proposed", "not_in_mandate": "not in mandate"}
ON_AGENDA = ("in_mandate", "proposed")

ORIGINS = {
    "poa_proponents": "PoA proponents", "russia": "Russia", "both": "both sides",
    "compromise": "a compromise between proposals", "unresolved": "unresolved",
}
ATTRIBUTION = {"sourced": "a source makes this link", "kit_reading": "the kit's reading of the sources"}

# Okabe-Ito colours plus a bar pattern each, so mechanisms differ without relying on colour alone.
MECHANISM_COLOURS = {
    "gge": OKABE_ITO["blue"], "oewg_2019": OKABE_ITO["sky_blue"], "oewg_2021": OKABE_ITO["orange"],
    "poa": OKABE_ITO["green"], "ru_rid": OKABE_ITO["vermillion"], "ru_convention": OKABE_ITO["black"],
    "global_mechanism": OKABE_ITO["purple"],
}
MECHANISM_PATTERNS = {
    "gge": "", "oewg_2019": "/", "oewg_2021": "\\", "poa": "x", "ru_rid": "-", "ru_convention": "|",
    "global_mechanism": ".",
}
# black cell text must read on every colour (WCAG AA 4.5:1): sky blue 9.1:1, orange 9.3:1, light grey 17:1
STATUS_COLOURS = {"not_in_mandate": "#EEEEEE", "proposed": OKABE_ITO["orange"], "in_mandate": OKABE_ITO["sky_blue"]}


# --------------------------------------------------------------------------- data, loaded once


@lru_cache(maxsize=1)
def _tables() -> dict:
    """Return the tables this module needs, indexed for fast look-up (built once per session)."""
    mechs = load("mechanisms").set_index("mechanism_id")
    missing = [m for m in MECHANISMS if m not in mechs.index]
    if missing:
        raise DataError(f"data/mechanisms.csv lacks the mechanism(s) {', '.join(missing)}")
    features = {(r.mechanism_id, r.dimension): (str(r.value), str(r.confidence), list(r.source_ids))
                for r in load("mechanism_features").itertuples()}
    scores = {(r.mechanism_id, r.criterion): (None if pd.isna(r.score) else int(r.score), str(r.reason),
                                              list(r.source_ids))
              for r in load("mechanism_scores").itertuples()}
    mandate = {(r.mechanism_id, r.item): (str(r.status), "" if pd.isna(r.note) else str(r.note), list(r.source_ids))
               for r in load("mandate_items").itertuples()}
    for m in MECHANISMS:  # agenda breadth, counted from the mandates
        n = sum(mandate.get((m, i), ("",))[0] in ON_AGENDA for i in ITEMS)
        ids = sorted({s for i in ITEMS for s in mandate.get((m, i), ("", "", []))[2]})
        scores[(m, "agenda_breadth")] = (MAX_SCORE * n / len(ITEMS),
                                         f"{n} of the {len(ITEMS)} agenda items are in its mandate or proposed "
                                         "(counted from data/mandate_items.csv).", ids)
    return {"names": {m: str(mechs.loc[m, "short_name"]) for m in MECHANISMS},
            "features": features, "scores": scores, "mandate": mandate}


def _name(m: str) -> str:
    return _tables()["names"][m]


def _ids_text(ids) -> str:
    return "; ".join(ids)


# --------------------------------------------------------------------------- checking what a student asks for


def _choices(kind: str, valid) -> str:
    return f"choose one of: {', '.join(valid)}"


def _as_list(value, kind: str, valid) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset, pd.Series, pd.Index)):
        raise DataError(f"{kind}s must be given as an id or a list of ids, not {type(value).__name__}; "
                        f"{_choices(kind, valid)}")
    out = []
    for v in value:
        if not isinstance(v, str):
            raise DataError(f"a {kind} must be an id (text), not {type(v).__name__} {v!r}; {_choices(kind, valid)}")
        if v not in valid:
            raise DataError(f"unknown {kind} {v!r}; {_choices(kind, valid)}")
        if v not in out:
            out.append(v)
    return out


def _mechanisms(mechanisms, max_n: int | None = None) -> list[str]:
    """Return the mechanism ids asked for, in the kit's order; raise DataError for an impossible choice."""
    if mechanisms is None:
        chosen = list(MECHANISMS)
    else:
        chosen = _as_list(mechanisms, "mechanism", MECHANISMS)
    if not chosen:
        raise DataError(f"no mechanism selected: choose at least one; {_choices('mechanism', MECHANISMS)}")
    if max_n is not None and (isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1):
        raise DataError(f"max_mechanisms must be a whole number of at least 1, not {max_n!r}")
    if max_n is not None and len(chosen) > max_n:
        raise DataError(f"{len(chosen)} mechanisms selected: choose at most {max_n} for a readable side-by-side view")
    return [m for m in MECHANISMS if m in chosen]


def _dimensions(dimensions) -> list[str]:
    if dimensions is None:
        return list(DIMENSIONS)
    chosen = _as_list(dimensions, "dimension", list(DIMENSIONS))
    if not chosen:
        raise DataError(f"no dimension selected: choose at least one; {_choices('dimension', list(DIMENSIONS))}")
    return [d for d in DIMENSIONS if d in chosen]


def _weights(weights) -> dict[str, float]:
    """Return a weight for every criterion (1 where not given); raise DataError for impossible weights.

    ``weights`` is a dict {criterion: weight}, or one criterion's name: only that criterion counts.
    """
    out = {c: 1.0 for c in CRITERIA}
    if weights is None:
        return out
    if isinstance(weights, str):
        if weights not in CRITERIA:
            raise DataError(f"unknown criterion {weights!r}; choose one of: {', '.join(CRITERIA)}")
        return {c: float(c == weights) for c in CRITERIA}
    if not isinstance(weights, dict):
        raise DataError(f"weights must be a dict such as {{'inclusiveness': 2}} or one criterion's name, "
                        f"not {type(weights).__name__}; "
                        f"criteria: {', '.join(CRITERIA)}")
    for c, w in weights.items():
        if c not in CRITERIA:
            raise DataError(f"unknown criterion {c!r}; choose one of: {', '.join(CRITERIA)}")
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or w != w or not 0 <= w <= MAX_WEIGHT:
            raise DataError(f"the weight of {c!r} must be a number from 0 to {MAX_WEIGHT}, not {w!r}")
        out[c] = float(w)
    if not any(out.values()):
        raise DataError("every weight is 0: give at least one criterion a weight above 0")
    return out


# --------------------------------------------------------------------------- side-by-side features


def mechanism_list() -> pd.DataFrame:
    """Return the mechanisms the kit compares: id, short name, kind, dates and summary."""
    m = load("mechanisms").set_index("mechanism_id").loc[list(MECHANISMS)]
    return m[["short_name", "kind", "start_label", "end_label", "summary"]].rename(
        columns={"start_label": "start", "end_label": "end"}).fillna("")


def comparison_table(mechanisms=None, dimensions=None, max_mechanisms: int | None = None) -> pd.DataFrame:
    """Return the side-by-side table: one row per dimension, one column per mechanism, each cell with its sources."""
    ms, ds = _mechanisms(mechanisms, max_mechanisms), _dimensions(dimensions)
    feats = _tables()["features"]
    rows = {}
    for d in ds:
        row = {}
        for m in ms:
            value, conf, ids = feats.get((m, d), ("(no row in data/mechanism_features.csv)", "", []))
            row[_name(m)] = f"{value} [Sources: {_ids_text(ids)}; {conf}]"
        rows[DIMENSIONS[d]] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "dimension"
    return table


class HTMLText(str):
    """A string of HTML that a notebook shows as HTML (and tests read as text)."""

    def _repr_html_(self) -> str:
        return str(self)


class Sentence(str):
    """A summary sentence that a notebook shows as a paragraph, without quotation marks."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


def _frame_html(frame: pd.DataFrame) -> HTMLText:
    """Return a DataFrame as a left-aligned HTML table whose long cells (e.g. source ids) wrap."""
    td = "vertical-align:top;text-align:left;padding:4px;border-bottom:1px solid #ddd;overflow-wrap:anywhere"
    head = "".join(f'<th style="text-align:left;border-bottom:2px solid #444;padding:4px">{html.escape(str(c))}</th>'
                   for c in frame.columns)
    body = "".join("<tr>" + "".join(f'<td style="{td}">{html.escape("" if pd.isna(v) else str(v))}</td>'
                                    for v in row) + "</tr>" for row in frame.itertuples(index=False))
    return HTMLText('<table style="border-collapse:collapse;font-size:13px;width:100%">'
                    f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


DEFAULT_SHOWN = ("oewg_2021", "poa", "global_mechanism")


def comparison_html(mechanisms=None, dimensions=None, max_mechanisms: int | None = None) -> HTMLText:
    """Return the side-by-side table as HTML, each cell's source ids and confidence in small print under it.

    With no ``mechanisms``: the three designs of the widget's default view, and the other four one click away
    (a folded block under the table).
    """
    if mechanisms is None:
        rest = [m for m in MECHANISMS if m not in DEFAULT_SHOWN]
        names = ", ".join(_name(m) for m in rest)
        return HTMLText(comparison_html(DEFAULT_SHOWN, dimensions, max_mechanisms)
                        + f'<details class="kit-more"><summary><b>Show the other {len(rest)} designs</b> '
                        + f'({html.escape(names)})'
                        f"</summary>{comparison_html(rest, dimensions)}</details>")
    ms, ds = _mechanisms(mechanisms, max_mechanisms), _dimensions(dimensions)
    feats = _tables()["features"]
    head = "".join(f'<th style="text-align:left;border-bottom:2px solid #444;padding:4px">{html.escape(_name(m))}</th>'
                   for m in ms)
    body = []
    for d in ds:
        cells = []
        for m in ms:
            value, conf, ids = feats.get((m, d), ("(no row in data/mechanism_features.csv)", "", []))
            cells.append(f'<td style="vertical-align:top;text-align:left;padding:4px;border-bottom:1px solid #ddd">'
                         f'{html.escape(value)}<br><span style="font-size:85%;color:#555;overflow-wrap:anywhere">Sources: '
                         f'{html.escape(_ids_text(ids))} ({html.escape(conf)})</span></td>')
        body.append(f'<tr><th style="vertical-align:top;text-align:left;padding:4px;border-bottom:1px solid #ddd">'
                    f'{html.escape(DIMENSIONS[d])}</th>{"".join(cells)}</tr>')
    return HTMLText('<table class="kit-comparison" style="border-collapse:collapse;font-size:13px;width:100%">'
            f'<thead><tr><th style="text-align:left;border-bottom:2px solid #444;padding:4px">Dimension</th>{head}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table>')


def comparison_sources(mechanisms=None, dimensions=None):
    """Return the citations of every cell of the side-by-side table."""
    ms, ds = _mechanisms(mechanisms), _dimensions(dimensions)
    feats = _tables()["features"]
    return cite([s for m in ms for d in ds for s in feats.get((m, d), ("", "", []))[2]])


# --------------------------------------------------------------------------- the kit's scores


def scoring_rubric() -> pd.DataFrame:
    """Return the rubric behind the scores: the question of each criterion, what 0, 1 and 2 mean, and "unknown"."""
    rows = [{"criterion": CRITERIA[c], "question": q, "score 0": lv[0], "score 1": lv[1], "score 2": lv[2],
             "unknown": UNKNOWN_MEANS,
             "basis": "counted from data/mandate_items.csv" if c == "agenda_breadth" else "the kit's judgement"}
            for c, (q, lv) in RUBRIC.items()]
    return pd.DataFrame(rows).set_index("criterion")


def mechanism_scores(mechanisms=None) -> pd.DataFrame:
    """Return one row per mechanism and criterion: score (0-2 or "unknown"), reason, sources and its basis."""
    ms = _mechanisms(mechanisms)
    scores = _tables()["scores"]
    rows = []
    for m in ms:
        for c in CRITERIA:
            score, reason, ids = scores.get((m, c), (None, "no score in data/mechanism_scores.csv", []))
            shown = UNKNOWN if score is None else (round(score, 2) if c == "agenda_breadth" else score)
            rows.append({"mechanism": _name(m), "criterion": CRITERIA[c], "score": shown, "reason": reason,
                         "basis": "counted" if c == "agenda_breadth" else "the kit's judgement",
                         "source_ids": _ids_text(ids)})
    return pd.DataFrame(rows)


def scores_html(mechanisms=None) -> HTMLText:
    """Return the scores table (score or "unknown", reason, basis, sources) as left-aligned HTML."""
    return _frame_html(mechanism_scores(mechanisms))


def _weighted(ms: list[str], w: dict[str, float]) -> list[dict]:
    """Return, per mechanism in the kit's order, each criterion as % of the maximum (None if unknown), the
    weighted total over the known criteria (None if no weighted criterion is known) and the counts.

    Plain Python (no pandas): the widget calls it on every slider move.
    """
    scores = _tables()["scores"]
    weighted = [c for c in CRITERIA if w[c] > 0]
    out = []
    for m in ms:
        pct = {}
        for c in CRITERIA:
            value = scores.get((m, c), (None,))[0]
            pct[c] = None if value is None else 100 * value / MAX_SCORE
        known = [c for c in weighted if pct[c] is not None]
        known_w, all_w = sum(w[c] for c in known), sum(w[c] for c in weighted)
        too_few = bool(known_w) and known_w < MIN_KNOWN_SHARE * all_w
        total = sum(w[c] * pct[c] for c in known) / known_w if known_w and not too_few else None
        out.append({"mechanism_id": m, "pct": pct, "total": None if total is None else round(total, 1),
                    "known": len(known), "weighted": len(weighted), "too_few": too_few})
    return out


def _ranked(rows: list[dict]) -> list[dict]:
    """Return the rows highest total first (stable), the mechanisms whose total is unknown last."""
    return sorted(rows, key=lambda r: (r["total"] is None, -(r["total"] or 0)))


def _scored_text(row: dict) -> str:
    return f"{row['known']} of {row['weighted']}" + (" (too few to rank)" if row.get("too_few") else "")


def weighted_scores(mechanisms=None, weights=None) -> pd.DataFrame:
    """Return, per mechanism, each criterion as % of the maximum ("unknown" where no text settles it), the
    weighted total (%) over the known criteria, and how many of the weighted criteria were scored; best first.
    """
    ms, w = _mechanisms(mechanisms), _weights(weights)
    rows = []
    for r in _ranked(_weighted(ms, w)):
        pct = {CRITERIA[c]: UNKNOWN if v is None else v for c, v in r["pct"].items()}
        rows.append({"mechanism_id": r["mechanism_id"], "mechanism": _name(r["mechanism_id"]), **pct,
                     "weighted total": UNKNOWN if r["total"] is None else r["total"],
                     "criteria scored": _scored_text(r)})
    return pd.DataFrame(rows)


def _leaders(rows: list[dict]) -> tuple[list[str], float | None]:
    known = [r["total"] for r in rows if r["total"] is not None]
    if not known:
        return [], None
    best = max(known)
    return [_name(r["mechanism_id"]) for r in _ranked(rows) if r["total"] == best], float(best)


def _summary_text(rows: list[dict]) -> str:
    names, best = _leaders(rows)
    ranked = _ranked(rows)
    parts = ", ".join(f"{_name(r['mechanism_id'])} "
                      + (f"not ranked (only {r['known']} of {r['weighted']} criteria scored)" if r.get("too_few")
                         else (UNKNOWN if r["total"] is None else f"{r['total']:.0f}%")
                         + f" ({_scored_text(r)} criteria scored)") for r in ranked)
    note = ("A criterion that no text in the kit settles is unknown: it is left out of the total, not counted as 0, "
            "so compare how many criteria each total rests on; a design whose known criteria carry less than "
            f"{MIN_KNOWN_SHARE:.0%} of the weight is not ranked.")
    if not names:
        return (f"With these weights no design can be scored: every criterion you weighted is unknown for them. "
                f"Weighted totals: {parts}. {note}")
    lead = " and ".join(names)
    verb = "have" if len(names) > 1 else "has"
    return (f"With these weights {lead} {verb} the highest weighted score ({best:.0f}% of the maximum). "
            f"Weighted totals: {parts}. {note} A higher score means more of the properties you weighted, not a "
            "better design; the scores are the kit's judgement (see the rubric and each score's reason). Change "
            "the weights and see whether the order changes.")


def score_summary(mechanisms=None, weights=None) -> Sentence:
    """Return one sentence saying which mechanism scores highest under these weights, and on how many criteria."""
    return Sentence(_summary_text(_weighted(_mechanisms(mechanisms), _weights(weights))))


@lru_cache(maxsize=1)
def _score_layout() -> dict:
    """Return the score chart's fixed layout, styled once by kit.style.apply_layout (validated once, reused)."""
    import plotly.graph_objects as go

    fig = apply_layout(go.Figure(), "", x_title="Score (% of the maximum on the kit's rubric)", y_title="Criterion")
    fig.update_layout(margin={"t": 115, "b": 110}, barmode="group", yaxis={"autorange": "reversed"},
                      xaxis={"range": [0, 115]},
                      legend={"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom",
                              "title": {"text": "Mechanism"}})
    return fig.to_plotly_json()["layout"]


def _score_title(names: list[str], best: float | None) -> str:
    """Return the chart title naming the design(s) with the highest total, on two lines if it is long."""
    if not names:
        return "No design can be scored with these weights: every weighted criterion is unknown"
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    head = f"Highest weighted score with these weights ({best:.0f}%):"
    return f"{head} {who}" if len(head) + len(who) < 80 else f"{head}<br>{who}"


def _figure(ms: list[str], w: dict[str, float], rows: list[dict]):
    """Build the score chart from the rows of _weighted (plain Python; no pandas on the widget's path)."""
    import plotly.graph_objects as go

    scores = _tables()["scores"]
    labels = [f"{CRITERIA[c]} (weight {w[c]:g})" for c in CRITERIA] + ["<b>Weighted total</b>"]
    traces = []
    for r in rows:
        m = r["mechanism_id"]
        values = [r["pct"][c] for c in CRITERIA] + [r["total"]]
        # an unknown value draws no bar (x = 0) and is labelled "unknown", never with a number
        xs = [0.0 if v is None else float(v) for v in values]
        shown = [UNKNOWN if v is None else f"{v:.0f}%" for v in values]
        shown[-1] = (UNKNOWN if r["total"] is None else f"{r['total']:.0f}%") + f" ({_scored_text(r)} scored)"
        reasons = [html.escape(scores.get((m, c), (None, "no score"))[1]) for c in CRITERIA]
        reasons.append(f"weighted mean of the {r['known']} known criteria of the {r['weighted']} weighted; "
                       "unknown ones are left out, not counted as 0")
        traces.append(dict(
            type="bar", x=xs, y=labels, orientation="h", name=_name(m),
            marker={"color": MECHANISM_COLOURS[m], "line": {"color": "#333333", "width": 1},
                    "pattern": {"shape": MECHANISM_PATTERNS[m], "fillmode": "overlay", "size": 7, "solidity": 0.25,
                                "fgcolor": "#FFFFFF" if m in ("ru_convention", "gge") else "#333333"}},
            text=shown, textposition="outside", customdata=[[a, b] for a, b in zip(shown, reasons)],
            hovertemplate=f"{html.escape(_name(m))}<br>%{{y}}: %{{customdata[0]}}<br>%{{customdata[1]}}"
                          "<extra></extra>"))
    names, best = _leaders(rows)
    base = _score_layout()
    layout = {**base, "height": 230 + len(labels) * (18 * len(rows) + 14),
              "title": {**base["title"],
                        "text": _score_title(names, best),
                        "subtitle": {"text": "Scores are the kit's judgement on its rubric, not facts; "
                                             "\"unknown\" = no text settles it, left out of the total"}}}
    # The layout was validated once in _score_layout and the traces are tested (test_compare checks that
    # go.Figure(fig.to_dict()) accepts the result); skipping re-validation keeps a slider move fast.
    return go.Figure(data=traces, layout=layout, _validate=False)


def score_figure(mechanisms=None, weights=None):
    """Return a grouped bar chart of each criterion (% of maximum, weight in the label) and the weighted total.

    An unknown criterion is labelled "unknown" and draws no bar; the total bar says how many criteria it rests on.
    """
    ms, w = _mechanisms(mechanisms), _weights(weights)
    return _figure(ms, w, _weighted(ms, w))


def score_sources(mechanisms=None):
    """Return the citations of the facts every score rests on."""
    ms = _mechanisms(mechanisms)
    scores = _tables()["scores"]
    return cite([s for m in ms for c in CRITERIA for s in scores.get((m, c), (None, "", []))[2]])


# --------------------------------------------------------------------------- mandate overlap (¶6-¶8)


def mandate_overlap(mechanisms=None) -> pd.DataFrame:
    """Return agenda items (rows) against mechanisms (columns): 'in mandate', 'proposed' or 'not in mandate'."""
    ms = _mechanisms(mechanisms)
    mandate = _tables()["mandate"]
    rows = {ITEMS[i]: {_name(m): STATUS[mandate[(m, i)][0]] if (m, i) in mandate else "" for m in ms} for i in ITEMS}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "agenda item"
    return table


def mandate_overlap_figure(mechanisms=None):
    """Return a heatmap of agenda items against mechanisms, coloured and labelled by status."""
    import plotly.graph_objects as go

    ms = _mechanisms(mechanisms)
    mandate = _tables()["mandate"]
    code = {"not_in_mandate": 0, "proposed": 1, "in_mandate": 2}
    mark = {"not_in_mandate": "–", "proposed": "proposed", "in_mandate": "✓ mandate"}
    z, text, hover = [], [], []
    for i in ITEMS:
        status = [mandate.get((m, i), ("not_in_mandate", "", []))[0] for m in ms]
        z.append([code[s] for s in status])
        text.append([mark[s] for s in status])
        hover.append([html.escape(mandate.get((m, i), ("", "", []))[1]) for m in ms])
    scale = [[0, STATUS_COLOURS["not_in_mandate"]], [1 / 3, STATUS_COLOURS["not_in_mandate"]],
             [1 / 3, STATUS_COLOURS["proposed"]], [2 / 3, STATUS_COLOURS["proposed"]],
             [2 / 3, STATUS_COLOURS["in_mandate"]], [1, STATUS_COLOURS["in_mandate"]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[_name(m) for m in ms], y=list(ITEMS.values()), text=text, texttemplate="%{text}",
        textfont={"size": 11, "color": "#000000"},
        customdata=hover, zmin=-0.5, zmax=2.5, colorscale=scale, xgap=2, ygap=2,
        colorbar={"title": {"text": "Status"}, "tickvals": [0, 1, 2],
                  "ticktext": ["not in mandate", "proposed", "in mandate"]},
        hovertemplate="%{x}: %{y}<br>%{text}<br>%{customdata}<extra></extra>"))
    apply_layout(fig, "Which agenda items does each mechanism cover? (from mandates and proposals)",
                 x_title="Mechanism", y_title="Agenda item", height=460)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="bottom")
    return fig


def overlap_between(first: str, second: str) -> pd.DataFrame:
    """Return each agenda item with its status in two mechanisms and whether it is on both agendas."""
    a, b = _mechanisms([first], 1)[0], _mechanisms([second], 1)[0]
    if a == b:
        raise DataError(f"choose two different mechanisms, not {a!r} twice; choose from: {', '.join(MECHANISMS)}")
    mandate = _tables()["mandate"]
    rows = []
    for i in ITEMS:
        sa, sb = mandate[(a, i)][0], mandate[(b, i)][0]
        rows.append({"agenda item": ITEMS[i], _name(a): STATUS[sa], _name(b): STATUS[sb],
                     "on both agendas": sa in ON_AGENDA and sb in ON_AGENDA,
                     "source_ids": _ids_text(dict.fromkeys(mandate[(a, i)][2] + mandate[(b, i)][2]))})
    return pd.DataFrame(rows).set_index("agenda item")


def overlap_summary(first: str, second: str) -> Sentence:
    """Return one sentence counting the agenda items two mechanisms share and naming those only one has."""
    t = overlap_between(first, second)
    a, b = t.columns[0], t.columns[1]
    both = t.index[t["on both agendas"]].tolist()
    only_a = t.index[t[a].isin(["in mandate", "proposed"]) & ~t["on both agendas"]].tolist()
    only_b = t.index[t[b].isin(["in mandate", "proposed"]) & ~t["on both agendas"]].tolist()
    text = (f"{len(both)} of the {len(t)} agenda items are on both the {a} and the {b} agendas "
            f"(in the mandate or proposed): {', '.join(both) or 'none'}.")
    text += f" Only {a}: {', '.join(only_a) or 'none'}." + f" Only {b}: {', '.join(only_b) or 'none'}."
    return Sentence(text)


def mandate_sources(mechanisms=None):
    """Return the citations of every cell of the mandate overlap."""
    ms = _mechanisms(mechanisms)
    mandate = _tables()["mandate"]
    return cite([s for m in ms for i in ITEMS for s in mandate.get((m, i), ("", "", []))[2]])


# --------------------------------------------------------------------------- what 2025 decided


def outcome_2025(origin: str | None = None) -> pd.DataFrame:
    """Return the Global Mechanism's features beside what each side asked for, who it came from and on what basis."""
    t = load("global_mechanism_origins")
    if origin is not None:
        if not isinstance(origin, str) or origin not in ORIGINS:
            raise DataError(f"unknown origin {origin!r}; choose one of: {', '.join(ORIGINS)}")
        t = t[t["origin"] == origin]
    out = pd.DataFrame({
        "feature": t["feature"], "decided in 2025": t["decided_2025"], "PoA proponents asked": t["poa_side"],
        "Russia asked": t["russia_side"], "came from": t["origin"].map(ORIGINS),
        "attribution": t["attribution"].map(ATTRIBUTION), "confidence": t["confidence"],
        "source_ids": t["source_ids"].map(_ids_text)})
    return out.set_index("feature")


def outcome_html(origin: str | None = None) -> HTMLText:
    """Return the 2025 outcome table as left-aligned HTML."""
    return _frame_html(outcome_2025(origin).reset_index())


def origins_figure():
    """Return a bar chart counting the Global Mechanism's features by where they came from."""
    import plotly.graph_objects as go

    t = load("global_mechanism_origins")
    colours = {"poa_proponents": OKABE_ITO["green"], "russia": OKABE_ITO["vermillion"], "both": OKABE_ITO["blue"],
               "compromise": OKABE_ITO["sky_blue"], "unresolved": OKABE_ITO["grey"]}
    keys = [k for k in ORIGINS if (t["origin"] == k).any()]
    counts = [int((t["origin"] == k).sum()) for k in keys]
    names = ["<br>".join(t.loc[t["origin"] == k, "feature"]) for k in keys]
    fig = go.Figure(go.Bar(
        x=counts, y=[ORIGINS[k] for k in keys], orientation="h", text=counts, textposition="outside",
        marker={"color": [colours[k] for k in keys], "line": {"color": "#333333", "width": 1}},
        customdata=names, hovertemplate="%{y}: %{x} feature(s)<br>%{customdata}<extra></extra>"))
    apply_layout(fig, "Where did the Global Mechanism's features come from? (mostly the kit's reading)",
                 x_title="Number of features", y_title="Came from", height=340)
    fig.update_yaxes(autorange="reversed")
    return fig


def origins_summary() -> Sentence:
    """Return one sentence counting the features by origin and how many links are the kit's reading."""
    t = load("global_mechanism_origins")
    counts = "; ".join(f"{ORIGINS[k]}: {int((t['origin'] == k).sum())}" for k in ORIGINS if (t["origin"] == k).any())
    reading = int((t["attribution"] == "kit_reading").sum())
    return Sentence(f"Of the {len(t)} features in the table — {counts}. In {reading} of the {len(t)} rows the link "
            "between a feature and a side is the kit's reading of the sources, not a source's own statement.")


def outcome_sources():
    """Return the citations of every row of the 2025 outcome table."""
    return cite(load("global_mechanism_origins")["source_ids"])


# --------------------------------------------------------------------------- the widget


class MechanismComparison:
    """Choose mechanisms, dimensions and weights; see the side-by-side table, the score chart and a summary."""

    MAX_SELECTED = 3

    def __init__(self, mechanisms=("oewg_2021", "poa", "global_mechanism"), dimensions=None, weights=None):
        import ipywidgets as w

        ms = _mechanisms(mechanisms, self.MAX_SELECTED)
        ds = _dimensions(dimensions)
        wt = _weights(weights)
        names = _tables()["names"]
        self.mechanisms = w.SelectMultiple(options=[(names[m], m) for m in MECHANISMS], value=tuple(ms),
                                           rows=len(MECHANISMS), description="Mechanisms",
                                           style={"description_width": "initial"})
        self.dimensions = w.SelectMultiple(options=[(DIMENSIONS[d], d) for d in DIMENSIONS], value=tuple(ds),
                                           rows=len(DIMENSIONS), description="Dimensions",
                                           style={"description_width": "initial"})
        self.weights = {c: w.IntSlider(value=int(wt[c]), min=0, max=MAX_WEIGHT, step=1, description=CRITERIA[c],
                                       continuous_update=False, style={"description_width": "140px"})
                        for c in CRITERIA}
        self.hint = w.HTML("<i>Hold Ctrl (or ⌘) to select two or three mechanisms. Weights: how much each "
                           "criterion counts in the total.</i>")
        self.figure_area = FigureArea()
        self.table_area = FigureArea()
        self.summary = w.HTML("")
        self._table_args, self._table = None, None
        self.mechanisms.observe(self._on_mechanisms, names="value")
        self.dimensions.observe(self._on_dimensions, names="value")
        for s in self.weights.values():
            s.observe(self._on_weights, names="value")
        controls = w.HBox([self.mechanisms, self.dimensions, w.VBox(list(self.weights.values()))])
        self.widget = w.VBox([self.hint, controls, self.figure_area.widget, self.summary, self.table_area.widget])
        self._update_figure()
        self._update_table()

    @property
    def figure(self):
        """The score chart shown now."""
        return self.figure_area.figure

    def weight_values(self) -> dict:
        return {c: s.value for c, s in self.weights.items()}

    def _update_figure(self) -> None:
        try:
            ms = _mechanisms(list(self.mechanisms.value), self.MAX_SELECTED)
            w = _weights(self.weight_values())
            rows = _weighted(ms, w)  # computed once for the chart and the sentence
            fig = _figure(ms, w, rows)
            text = _summary_text(rows)
        except DataError as err:
            self.figure_area.error(err)
            return
        self.figure_area.show(fig)
        self.summary.value = f"<p><b>Summary:</b> {html.escape(text)}</p>"

    @property
    def table(self):
        """The side-by-side table shown now, as a DataFrame (built only when asked for: the view shows HTML)."""
        if self._table is None and self._table_args is not None:
            self._table = comparison_table(*self._table_args)
        return self._table

    def _update_table(self) -> None:
        try:
            ms = _mechanisms(list(self.mechanisms.value), self.MAX_SELECTED)
            ds = _dimensions(list(self.dimensions.value))
            shown = comparison_html(ms, ds)
        except DataError as err:
            self.table_area.error(err)
            return
        self._table_args, self._table = (ms, ds), None
        self.table_area.show(shown)

    def _on_mechanisms(self, change=None):
        self._update_figure()
        self._update_table()

    def _on_dimensions(self, change=None):
        self._update_table()

    def _on_weights(self, change=None):
        self._update_figure()

    _ipython_display_ = display_widget


def compare_mechanisms(mechanisms=DEFAULT_SHOWN, dimensions=None,
                       weights=None) -> MechanismComparison:
    """Return the comparison widget (two or three mechanisms, chosen dimensions, weight sliders)."""
    return MechanismComparison(mechanisms, dimensions, weights)
