"""International law in cyberspace: what is agreed, what is contested, and who holds which position (notebook 06).

Pure builders turn ``legal_questions.csv`` and ``legal_positions.csv`` into tables, a positions matrix (a plotly
heatmap) and HTML cards; ``PositionsMatrix`` only wires three menus to ``positions_matrix`` and ``position_card_html``.
A cell with no row in ``legal_positions.csv`` reads "no position found": the kit never guesses a stance.
"""
from __future__ import annotations

import html
from functools import lru_cache
from types import SimpleNamespace

import pandas as pd

from .data import DataError, load, reliability_badge
from .style import OKABE_ITO, layout
from .widgets import FigureArea, display_widget

NO_POSITION = "no position found"
ALL = "all"
# The controlled vocabulary of legal_positions.csv, in the matrix's colour order, with what each label means.
POSITIONS = {
    "applies": "The State says the rule or body of law applies to cyber operations.",
    "rule": "Sovereignty is a rule: a cyber operation can by itself violate it, which is an internationally "
            "wrongful act.",
    "binding": "Due diligence is a binding legal obligation, not only a voluntary norm.",
    "applies with limits": "The State accepts that the law applies but rejects one part of it (for example "
                           "collective countermeasures).",
    "unsettled": "The State says the question is not yet settled and needs common understandings first.",
    "cautious": "The State asks for caution or prudence before the law is applied to cyber operations.",
    "principle only": "Sovereignty is a principle behind other rules, not a rule that cyber operations can "
                      "violate by themselves.",
    "opposes": "The State rejects the application as others frame it.",
    NO_POSITION: "No dated, sourced position was found in the sources the kit read. Not the same as 'no view'.",
}
COLOURS = {
    "applies": OKABE_ITO["blue"], "rule": OKABE_ITO["sky_blue"], "binding": OKABE_ITO["green"],
    "applies with limits": OKABE_ITO["yellow"], "unsettled": OKABE_ITO["purple"], "cautious": OKABE_ITO["orange"],
    "principle only": "#F5C710", "opposes": OKABE_ITO["vermillion"], NO_POSITION: "#EEEEEE",
}
SHORT_QUESTIONS = {
    "charter_applies": "Charter applies", "sovereignty": "Sovereignty", "non_intervention": "Non-intervention",
    "due_diligence": "Due diligence", "state_responsibility": "State responsibility",
    "countermeasures": "Countermeasures", "ihl": "IHL in armed conflict",
}


@lru_cache(maxsize=1)
def _questions() -> pd.DataFrame:
    return load("legal_questions")


@lru_cache(maxsize=1)
def _positions() -> pd.DataFrame:
    return load("legal_positions")


@lru_cache(maxsize=1)
def _sources_by_id() -> dict:
    return load("sources").set_index("source_id").to_dict("index")


def _cells(positions: pd.DataFrame) -> dict:
    """{(state_id, question_id): row as a dict}; cached for the kit's own table (the widget redraws often)."""
    if positions is _positions():
        return _own_cells()
    return {(r["state_id"], r["question"]): r for r in positions.to_dict("records")}


@lru_cache(maxsize=1)
def _own_cells() -> dict:
    return {(r["state_id"], r["question"]): r for r in _positions().to_dict("records")}


def _states(positions: pd.DataFrame) -> pd.DataFrame:
    """One row per State or group, in the order of the table (grouped by region)."""
    return positions.drop_duplicates("state_id")[["state_id", "state", "region"]].reset_index(drop=True)


def _choose(value, choices, what: str):
    if value is None or (isinstance(value, str) and value == ALL):
        return None
    if not isinstance(value, str) or value not in choices:
        raise DataError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)} (or {ALL!r})")
    return value


def legal_questions_table(questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the legal questions: each question, what is agreed and what is contested, with sources."""
    q = _questions() if questions is None else _table(questions, QUESTION_COLUMNS, "legal_questions")
    return q[list(QUESTION_COLUMNS)].rename(
        columns={"agreed_text": "agreed", "contested_points": "contested"}).reset_index(drop=True)


def position_vocabulary() -> pd.DataFrame:
    """Return the labels of the positions matrix and what each means."""
    return pd.DataFrame({"position": list(POSITIONS), "meaning": list(POSITIONS.values())})


POSITION_COLUMNS = ("state_id", "state", "region", "question", "position", "statement", "date_label", "confidence",
                    "source_ids")
QUESTION_COLUMNS = ("question_id", "question", "agreed_text", "contested_points", "source_ids")


def _table(frame, columns, name: str):
    """Check a table passed in place of the kit's own (None: use the kit's); return it."""
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{name} must be a table (a pandas DataFrame, e.g. kit.load({name!r})), "
                        f"not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"the {name} table lacks the column(s) {missing}; use kit.load({name!r})")
    return frame


@lru_cache(maxsize=1)
def _own_questions() -> list:
    return _questions()[["question_id", "question"]].to_dict("records")


@lru_cache(maxsize=1)
def _own_states() -> list:
    return _states(_positions()).to_dict("records")


def _grid_records(positions, questions, region=None, question=None) -> list[dict]:
    """The cells of the grid as plain dicts (fast: the widget redraws on every change)."""
    positions = _table(positions, POSITION_COLUMNS, "legal_positions")
    questions = _table(questions, QUESTION_COLUMNS[:2], "legal_questions")
    own = positions is None and questions is None
    pos = _positions() if positions is None else positions
    states = _own_states() if positions is None else _states(pos).to_dict("records")
    qs = _own_questions() if questions is None else questions[["question_id", "question"]].to_dict("records")
    region = _choose(region, sorted({s["region"] for s in states}), "region")
    question = _choose(question, [q["question_id"] for q in qs], "question")
    found = _own_cells() if own or positions is None else _cells(pos)
    rows = []
    for s in states:
        if region is not None and s["region"] != region:
            continue
        for qq in qs:
            if question is not None and qq["question_id"] != question:
                continue
            r = found.get((s["state_id"], qq["question_id"]))
            if r is not None:
                cell = {"position": r["position"], "statement": r["statement"], "date": r["date_label"],
                        "confidence": r["confidence"], "source_ids": list(r["source_ids"])}
            else:
                cell = {"position": NO_POSITION, "statement": "No position found in the sources read.",
                        "date": "", "confidence": "", "source_ids": []}
            rows.append({"state_id": s["state_id"], "state": s["state"], "region": s["region"],
                         "question_id": qq["question_id"], "question": qq["question"], **cell})
    return rows


def positions_grid(positions: pd.DataFrame | None = None, questions: pd.DataFrame | None = None,
                   region=None, question=None) -> pd.DataFrame:
    """Return every State x question cell (optionally one region or one question); missing cells say so.

    Columns: state_id, state, region, question_id, question, position, statement, date, confidence, source_ids.
    """
    return pd.DataFrame(_grid_records(positions, questions, region, question),
                        columns=["state_id", "state", "region", "question_id", "question", "position", "statement",
                                 "date", "confidence", "source_ids"])


def coverage(positions: pd.DataFrame | None = None, questions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return, per question, how many States have a sourced position and how many have none found."""
    grid = positions_grid(positions, questions)
    filled = grid["position"] != NO_POSITION
    out = grid.assign(found=filled).groupby("question_id", sort=False).agg(
        states=("state_id", "size"), with_a_position=("found", "sum"))
    out["no_position_found"] = out["states"] - out["with_a_position"]
    out.index = [SHORT_QUESTIONS.get(i, i) for i in out.index]
    return out.rename_axis("question").reset_index()


def matrix_summary(grid) -> str:
    """Return one sentence saying what the matrix (a grid table or its records) shows, for screen readers."""
    cells = grid.to_dict("records") if isinstance(grid, pd.DataFrame) else grid
    filled = [c for c in cells if c["position"] != NO_POSITION]
    n_states = len({c["state_id"] for c in cells})
    n_q = len({c["question_id"] for c in cells})
    agreed = sum(c["question_id"] == "charter_applies" for c in filled)
    kinds: dict = {}
    for c in filled:
        if c["question_id"] != "charter_applies":
            kinds[c["position"]] = kinds.get(c["position"], 0) + 1
    spread = ", ".join(f"{k} ({v})" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])) or "none"
    return (f"Summary: {n_states} States or groups × {n_q} questions; {len(filled)} of {len(cells)} cells have a "
            f"dated, sourced position and the rest read 'no position found'. "
            f"{agreed} say international law applies; on the contested questions shown, the positions found are: "
            f"{spread}.")


def positions_matrix(positions: pd.DataFrame | None = None, questions: pd.DataFrame | None = None,
                     region=None, question=None):
    """Return the positions matrix as a plotly heatmap: States (rows) x legal questions (columns)."""
    import plotly.graph_objects as go

    records = _grid_records(positions, questions, region, question)
    if not records:
        raise DataError("no State or question to show; choose another region or question")
    labels = list(POSITIONS)
    code = {p: i for i, p in enumerate(labels)}
    states = list(dict.fromkeys(c["state"] for c in records))
    qids = list(dict.fromkeys(c["question_id"] for c in records))
    cells = {(c["state"], c["question_id"]): c for c in records}
    z, text, hover = [], [], []
    for s in states:
        z_row, t_row, h_row = [], [], []
        for qid in qids:
            c = cells[(s, qid)]
            z_row.append(code[c["position"]])
            t_row.append(c["position"])
            h_row.append(_hover(s, c["position"], c["date"], c["statement"]))
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    n = len(labels)
    scale = []
    for i, p in enumerate(labels):  # one flat band of colour per label
        scale += [[i / n, COLOURS[p]], [(i + 1) / n, COLOURS[p]]]
    trace = {"type": "heatmap", "z": z, "x": [SHORT_QUESTIONS.get(q, q) for q in qids], "y": states,
             "text": text, "customdata": hover, "texttemplate": "%{text}", "textfont": {"size": 10},
             "hovertemplate": "%{customdata}<extra></extra>", "colorscale": scale, "zmin": -0.5,
             "zmax": n - 0.5, "showscale": False, "xgap": 2, "ygap": 2}
    filled = sum(c["position"] != NO_POSITION for c in records)
    title = (f"Agreed that the law applies, divided on how: {len(states)} States or groups × {len(qids)} "
             f"questions, {filled} sourced positions")
    fig = go.Figure(data=[trace], layout=layout(
        title, "Legal question", "State or group", height=max(300, 60 + 28 * len(states)),
        yaxis={"autorange": "reversed"}, xaxis={"side": "top"}, margin={"l": 10, "r": 10, "t": 110, "b": 20}),
        _validate=False)  # built from plain dicts the kit controls; validation would triple the time
    return fig


@lru_cache(maxsize=1024)
def _hover(state: str, position: str, date: str, statement: str) -> str:
    when = f" ({date})" if date else ""
    return f"<b>{html.escape(state)}</b>: {html.escape(position)}{when}<br>{_wrap(html.escape(statement))}"


def _wrap(text: str, width: int = 70) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "<br>".join(lines + [line])


def _source_items(ids) -> str:
    items = []
    for sid in ids:
        s = _sources_by_id()[sid]
        href = html.escape(str(s["url"]), quote=True)
        items.append(f'<li>{reliability_badge(s)}<a href="{href}" target="_blank" rel="noopener" '
                     f'style="text-decoration:underline">{html.escape(str(s["title"]))}</a></li>')
    return "".join(items)


def position_card_html(state, question=None, positions: pd.DataFrame | None = None,
                       questions: pd.DataFrame | None = None) -> str:
    """Return one State's position on one question (or on every question) as HTML: statement, date, sources."""
    positions = _table(positions, POSITION_COLUMNS, "legal_positions")
    states = _own_states() if positions is None else _states(positions).to_dict("records")
    ids = [s["state_id"] for s in states]
    if not isinstance(state, str) or state not in ids:
        raise DataError(f"unknown State {state!r}; choose one of: {', '.join(ids)}")
    records = [c for c in _grid_records(positions, questions, question=question) if c["state_id"] == state]
    parts = []
    for c in (SimpleNamespace(**r) for r in records):
        colour = COLOURS[c.position]
        if c.position == NO_POSITION:
            body = "<p style='margin:2px 0'>No position found in the sources read. This is a gap in the kit's " \
                   "reading, not evidence that the State has no view.</p>"
        else:
            body = (f"<p style='margin:2px 0'>{html.escape(c.statement)}</p>"
                    f"<p style='margin:2px 0;color:#555'>Date: {html.escape(c.date)} · confidence: "
                    f"{html.escape(c.confidence)}</p>"
                    f"<details><summary>Sources ({len(c.source_ids)})</summary>"
                    f"<ol>{_source_items(c.source_ids)}</ol></details>")
        parts.append(f"<div class='kit-legal-cell' data-question='{html.escape(c.question_id)}' "
                     f"style='border-left:6px solid {colour};padding:4px 10px;margin:6px 0'>"
                     f"<p style='margin:2px 0'><b>{html.escape(c.state)}</b> on "
                     f"<i>{html.escape(c.question)}</i>: <b>{html.escape(c.position)}</b></p>{body}</div>")
    return "".join(parts)


@lru_cache(maxsize=64)
def _default_view(region, question):
    """The matrix and its summary for the kit's own tables (the data never change while the kernel runs)."""
    fig = positions_matrix(region=region, question=question)
    summary = f"<p>{html.escape(matrix_summary(_grid_records(None, None, region, question)))}</p>"
    return fig, summary


class PositionsMatrix:
    """Menus (region, question, State) wired to ``positions_matrix`` and ``position_card_html``.

    ``.area.figure`` is the matrix shown; ``.card.value`` the HTML of the chosen cell(s); ``.summary.value`` the
    one-sentence summary under the chart.
    """

    def __init__(self, region=None, question=None, state="russia"):
        import ipywidgets as w

        states = _states(_positions())
        questions = _questions()
        _choose(region, sorted(states["region"].unique()), "region")
        _choose(question, list(questions["question_id"]), "question")
        if not isinstance(state, str) or state not in set(states["state_id"]):
            raise DataError(f"unknown State {state!r}; choose one of: {', '.join(states['state_id'])}")
        style, lay = {"description_width": "initial"}, w.Layout(width="auto")
        self.region = w.Dropdown(options=[("All regions", ALL)] + [(r, r) for r in sorted(states["region"].unique())],
                                 value=region or ALL, description="Region", style=style, layout=lay)
        self.question = w.Dropdown(options=[("All questions", ALL)] + [
            (SHORT_QUESTIONS.get(q, q), q) for q in questions["question_id"]],
            value=question or ALL, description="Legal question", style=style, layout=lay)
        self.state = w.Dropdown(options=list(zip(states["state"], states["state_id"])), value=state,
                                description="Read the position of", style=style, layout=lay)
        self.area = FigureArea()
        self.summary = w.HTML("")
        self.card = w.HTML("")
        self.widget = w.VBox([w.HBox([self.region, self.question]), self.area.widget, self.summary, self.state,
                              self.card])
        for control in (self.region, self.question):
            control.observe(lambda _change: self.update(), names="value")
        self.state.observe(lambda _change: self.update_card(), names="value")
        self.update()

    def update(self) -> None:
        """Redraw the matrix, its summary and the chosen State's card, or say what went wrong."""
        try:
            fig, summary = _default_view(self.region.value, self.question.value)
        except DataError as err:
            self.area.error(err)
            return
        self.area.show(fig)
        self.summary.value = summary
        self.update_card()

    def update_card(self) -> None:
        """Show the chosen State's position(s) on the chosen question (or all questions)."""
        try:
            self.card.value = position_card_html(self.state.value, self.question.value)
        except DataError as err:
            self.area.error(err)

    _ipython_display_ = display_widget


def positions_explorer(region=None, question=None, state="russia") -> PositionsMatrix:
    """Return the positions matrix widget: filter by region or question, choose a State to read its positions."""
    return PositionsMatrix(region, question, state)


def legal_sources() -> list[str]:
    """Return the source ids of the questions and every position in the matrix."""
    return [s for ids in _questions()["source_ids"] for s in ids] + \
           [s for ids in _positions()["source_ids"] for s in ids]


# The rules and norms a student applies to the notebook's scenario (a ransomware attack on hospitals launched from
# another State's territory), in the order the CCDCOE toolkit's analyses take them.
SCENARIO_QUESTIONS = ("state_responsibility", "sovereignty", "due_diligence", "countermeasures")
SCENARIO_NORMS = ("n13b", "n13c", "n13f", "n13h")


def scenario_toolkit() -> pd.DataFrame:
    """Return the legal questions and the 2015 norms that the hospital-ransomware scenario turns on, with sources."""
    q = _questions().set_index("question_id")
    rows = [{"tool": f"Law: {SHORT_QUESTIONS[qid]}", "what it asks": q.loc[qid, "question"],
             "agreed": q.loc[qid, "agreed_text"], "source_ids": q.loc[qid, "source_ids"]}
            for qid in SCENARIO_QUESTIONS]
    norms = load("norms").set_index("norm_id")
    rows += [{"tool": f"Norm ({norms.loc[n, 'letter']}): {norms.loc[n, 'short_title']}",
              "what it asks": norms.loc[n, "asks_states_to"],
              "agreed": "Voluntary and non-binding (2015 GGE report, A/70/174, paragraph 13).",
              "source_ids": norms.loc[n, "source_ids"]} for n in SCENARIO_NORMS]
    return pd.DataFrame(rows)
