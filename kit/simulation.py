"""The negotiation simulation of notebook 08: delegation cards, roles, the negotiation model and the designer.

Facts come from ``positions.csv`` (with sources). What each delegation wants is *the kit's reading* of statements
made before July 2025 (``stances.csv``: per delegation and dimension, a weight, a preference from -2 to +2 for each
option, and red lines; ``delegations.csv``: a reservation level). Where no position was found, the weight is 0 and
the kit says "no position found". The model is pure and vectorised (numpy):

* a delegation's **satisfaction** with a package is its weighted mean preference, from -100 % to +100 %;
* a **State** accepts a package when none of its red lines is crossed and its satisfaction reaches its reservation
  level; it may join consensus by **dissociating** from one element (dropping that element's negative weight) at a
  cost, as Iran distanced itself from paragraph 27 of the third annual progress report in July 2024;
* a **group** is a coalition of States with a shared line: it shows its satisfaction but never blocks;
* a package reaches **consensus** when every State accepts it.
"""
from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import data as _data
from .data import DataError, cite, load
from .widgets import FigureArea, display_widget

DIMENSIONS = {
    "format": "Format",
    "membership": "Membership",
    "decision_making": "Decision-making",
    "duration": "Duration",
    "legal_nature": "Legal nature",
    "stakeholders": "Stakeholder role",
    "accreditation": "Stakeholder accreditation",
    "thematic_groups": "Thematic groups",
    "international_law": "International law",
    "cb_funding": "Capacity-building funding",
    "review_cycle": "Review cycle",
    "name": "Name",
}

# Where the Global Mechanism's own features are described in mechanism_features.csv, per design dimension.
FEATURE_FOR = {"format": "membership", "membership": "membership", "decision_making": "decision_making",
               "duration": "duration", "legal_nature": "legal_nature", "stakeholders": "stakeholders",
               "accreditation": "stakeholders", "thematic_groups": "capacity_building",
               "international_law": "legal_nature", "cb_funding": "capacity_building", "review_cycle": "duration",
               "name": "creation"}

# The chair's first draft the class starts from (a teaching device, not a historical text).
STARTING_DRAFT = {
    "format": "poa_only", "membership": "all_states", "decision_making": "vote_fallback", "duration": "permanent",
    "legal_nature": "framework", "stakeholders": "beyond_practice", "accreditation": "plenary_decides",
    "thematic_groups": "pillar_groups", "international_law": "dedicated_il", "cb_funding": "trust_fund",
    "review_cycle": "five_year_conference", "name": "programme_of_action",
}

# The package agreed in July 2025, read from the sources (design_options.csv, agreed_2025). Where the texts read do
# not settle a dimension (decision rule, stakeholder role and accreditation, funding), the kit takes the reported or
# inherited OEWG practice and says so (agreed_2025 = not_confirmed).
OUTCOME_2025 = {
    "format": "single_track_body", "membership": "all_states", "decision_making": "consensus",
    "duration": "permanent", "legal_nature": "framework", "stakeholders": "existing_practice",
    "accreditation": "non_objection", "thematic_groups": "two_groups", "international_law": "within_general",
    "cb_funding": "voluntary", "review_cycle": "biennial", "name": "global_mechanism",
}

# What dissociating from one element costs a State, in satisfaction (the kit's choice, a teaching parameter).
DISSOCIATION_COST = 0.10

READING = "the kit's reading of the sourced positions"


# ---------------------------------------------------------------------------- delegation cards

def delegations() -> pd.DataFrame:
    """Return the delegation cards: id, name, kind, interests, red lines, likely allies, sources."""
    return load("delegations")


_INDEX: dict = {}
FACT_COLUMNS = ["issue", "stance", "date", "statement", "confidence", "source_ids"]


def _rows_by(name: str, column: str) -> dict:
    """Return {value of ``column``: [its rows of table ``name`` as dicts]}, built once per table read.

    The cards only look rows up, so they use this index instead of filtering a DataFrame (which costs a few
    milliseconds each time); it is rebuilt whenever the kit reads the table again (``kit.data.clear_caches``)."""
    frame = _data._load_cached(name, _data.DATA_DIR)
    hit = _INDEX.get((name, column))
    if hit is None or hit[0] is not frame:
        groups: dict = {}
        for rec in frame.to_dict("records"):
            groups.setdefault(rec[column], []).append(rec)
        hit = _INDEX[(name, column)] = (frame, groups)
    return hit[1]


def _delegation(delegation_id) -> dict:
    table = _rows_by("delegations", "delegation_id")
    if not isinstance(delegation_id, str) or delegation_id not in table:
        raise DataError(f"unknown delegation {delegation_id!r}; choose one of: {', '.join(table)}")
    return table[delegation_id][0]


def _facts(delegation_id: str) -> list[dict]:
    _delegation(delegation_id)
    return [{**{c: r[c] for c in FACT_COLUMNS if c != "date"}, "date": r["date_label"]}
            for r in _rows_by("positions", "actor_id").get(delegation_id, [])]


def delegation_facts(delegation_id: str) -> pd.DataFrame:
    """Return the sourced facts behind one card: the rows of positions.csv for that State or group."""
    return pd.DataFrame(_facts(delegation_id), columns=FACT_COLUMNS)


def _option_labels() -> dict:
    return {(dim, r["option_id"]): r["label"] for dim, rows in _rows_by("design_options", "dimension").items()
            for r in rows}


def stance_reading(delegation_id: str) -> list[dict]:
    """Return the kit's reading of one delegation on every design dimension, in menu order.

    One dict per dimension: ``dimension`` (its name), ``weight`` (1 to 3; 0 where no position was found),
    ``prefers`` (labels of the options it scores above 0, the best first), ``dislikes`` (those it scores below 0
    but could accept, the worst first), ``red_lines`` (labels of the options it cannot accept), ``reading`` (why,
    in the kit's words), ``source_ids`` and ``found`` (False where no position was found before July 2025). The
    notebook's delegation cards, ``stance_table`` and the printed State cards (tools/handouts.py) all show this
    one reading.
    """
    _delegation(delegation_id)
    mine = {r["dimension"]: r for r in _rows_by("stances", "delegation_id").get(delegation_id, [])}
    labels = _option_labels()
    out = []
    for dim, name in DIMENSIONS.items():
        r = mine.get(dim)
        if r is None:
            out.append({"dimension": name, "weight": 0, "prefers": [], "dislikes": [], "red_lines": [],
                        "reading": "no position found before July 2025", "source_ids": [], "found": False})
            continue
        prefs = _preferences(r["preferences"])
        ranked = sorted(prefs, key=lambda o: -prefs[o])
        reds = _as_list(r["red_lines"])
        out.append({"dimension": name, "weight": int(r["weight"]),
                    "prefers": [labels[(dim, o)] for o in ranked if prefs[o] > 0],
                    "dislikes": [labels[(dim, o)] for o in reversed(ranked) if prefs[o] < 0 and o not in reds],
                    "red_lines": [labels[(dim, o)] for o in reds],
                    "reading": r["reading"] if isinstance(r["reading"], str) else "",
                    "source_ids": _as_list(r["source_ids"]), "found": True})
    return out


def reading_html(delegation_id: str) -> str:
    """Return the kit's reading of one delegation as HTML (every text escaped): its reservation level with the
    reason, then its stance on each dimension where a position was found, then the dimensions where none was.
    Shared by the notebook's delegation cards and the printed State cards."""
    e = html.escape
    r = _delegation(delegation_id)
    stances = stance_reading(delegation_id)
    found = [s for s in stances if s["found"]]
    missing = [s["dimension"] for s in stances if not s["found"]]
    reservation = (f'<p><span class="label" style="font-weight:bold">Reservation level</span> (the kit\'s reading): '
                   f'{int(r["reservation"])} %, the satisfaction it needs to join consensus. '
                   f'{e(r["reservation_reading"])}</p>')
    cell = 'style="text-align:left;vertical-align:top;padding:2px 6px;border-bottom:1px solid #ccc"'
    head = "".join(f"<th {cell}>{h}</th>" for h in
                   ("Dimension", "Weight (1-3)", "Prefers", "Dislikes, but could accept", "Red lines (cannot accept)",
                    "The kit's reading"))
    rows = "".join(
        f"<tr><td {cell}>{e(s['dimension'])}</td><td {cell}>{s['weight']}</td>"
        f"<td {cell}>{e('; '.join(s['prefers']) or 'no option in particular')}</td>"
        f"<td {cell}>{e('; '.join(s['dislikes']) or 'none')}</td>"
        f"<td {cell}>{e('; '.join(s['red_lines']) or 'none')}</td><td {cell}>{e(s['reading'])}</td></tr>"
        for s in found)
    title = ("<p><b>Stances per dimension</b> (the kit's reading of statements made before July 2025: how much "
             "each dimension matters to it, which options it prefers or dislikes, and the options it cannot "
             "accept)</p>")
    if found:
        table = (f'<table class="kit-stances" style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
                 f"<tbody>{rows}</tbody></table>")
        gaps = (f"<p>Dimensions with no position found before July 2025 (weight 0: any option is the same to it "
                f"in the kit's data): {e(', '.join(missing))}.</p>" if missing else "")
    else:
        table = ""
        gaps = (f"<p>{e(r['name'])}: no position found before July 2025 on any dimension (weight 0): every "
                "package is the same to it in the kit's data. Decide in class what it would ask for, from its "
                "sourced record.</p>")
    return reservation + title + table + gaps


class DelegationCard:
    """One delegation's card; shows as HTML (every text escaped) with its sources."""

    def __init__(self, delegation_id: str):
        self._row = _delegation(delegation_id)
        self._facts = _facts(delegation_id)

    @property
    def row(self) -> pd.Series:
        """The delegation's row of delegations.csv."""
        return pd.Series(self._row)

    @property
    def facts(self) -> pd.DataFrame:
        """The sourced facts behind the card (see ``delegation_facts``)."""
        return pd.DataFrame(self._facts, columns=FACT_COLUMNS)

    @property
    def allies(self) -> list[str]:
        table = _rows_by("delegations", "delegation_id")
        return [table[a][0]["name"] if a in table else a for a in self._row["likely_allies"]]

    @property
    def stances(self) -> list[dict]:
        """The kit's reading of this delegation per dimension (see ``stance_reading``)."""
        return stance_reading(self._row["delegation_id"])

    def __repr__(self) -> str:
        r = self._row
        found = [s["dimension"] for s in self.stances if s["found"]]
        return (f"Delegation card: {r['name']}. Interests ({READING}): {r['interests']} "
                f"Red lines: {r['red_lines']} Likely allies: {', '.join(self.allies) or 'none listed'}. "
                f"Reservation level: {int(r['reservation'])} %. "
                f"Positions found on: {', '.join(found) or 'no dimension'}.")

    def _repr_html_(self) -> str:
        e = html.escape
        r = self._row
        facts = "".join(f"<li><b>{e(f['issue'])}, {e(f['stance'])}</b> ({e(str(f['date']))}; {e(f['confidence'])}; "
                        f"source: {e(', '.join(f['source_ids']))}): {e(f['statement'])}</li>"
                        for f in self._facts)
        stance_sources = {s for st in self.stances for s in st["source_ids"]}
        sources = sorted({s for f in self._facts for s in f["source_ids"]} | set(r["source_ids"]) | stance_sources)
        return (f'<div class="kit-card" style="border:1px solid #0072B2;border-radius:6px;padding:6px 12px">'
                f"<h4>{e(r['name'])}</h4>"
                f"<p><b>What the record shows</b> (sourced):</p><ul>{facts}</ul>"
                f"<p><b>Interests</b> ({READING}): {e(r['interests'])}</p>"
                f"<p><b>Red lines</b> ({READING}): {e(r['red_lines'])}</p>"
                f"<p><b>Likely allies</b> ({READING}: they took the same stance on at least one issue): "
                f"{e(', '.join(self.allies) or 'none listed')}</p>"
                f"{reading_html(r['delegation_id'])}"
                f"{cite(sources)._repr_html_()}</div>")


def delegation_card(delegation_id: str) -> DelegationCard:
    """Return one delegation's card: facts with sources, then interests, red lines, allies, reservation level and
    stance per dimension as the kit reads them."""
    return DelegationCard(delegation_id)


class DelegationCards:
    """A dropdown of delegations and the chosen card."""

    def __init__(self, delegation_id: str = "russia"):
        import ipywidgets as w

        table = delegations()
        self.choice = w.Dropdown(options=list(zip(table["name"], table["delegation_id"])), value=delegation_id,
                                 description="Delegation", style={"description_width": "initial"})
        self.card = w.HTML("")
        self.choice.observe(self._update, names="value")
        self.widget = w.VBox([self.choice, self.card])
        self._update()

    def _update(self, change=None):
        self.card.value = delegation_card(self.choice.value)._repr_html_()

    _ipython_display_ = display_widget


def delegation_cards(delegation_id: str = "russia") -> DelegationCards:
    """Return a widget that shows any delegation's card."""
    _delegation(delegation_id)  # a clear error naming the delegations for an unknown id
    return DelegationCards(delegation_id)


# ---------------------------------------------------------------------------- roles

def parse_names(names) -> list[str]:
    """Return the class list as clean names: one per line or separated by commas or semicolons."""
    if isinstance(names, str):
        parts = re.split(r"[\n,;]+", names)
    elif isinstance(names, (list, tuple)) and all(isinstance(n, str) for n in names):
        parts = list(names)
    else:
        raise DataError("give the class list as text (one name per line) or as a list of names")
    clean = [" ".join(p.split())[:100] for p in parts]
    clean = [n for n in clean if n]
    if not clean:
        raise DataError("the class list is empty: paste one name per line")
    return clean


def assign_roles(names, seed: int = 2025) -> pd.DataFrame:
    """Return one row per student: student, delegation_id, delegation (the same names and seed give the same result).

    Students are shuffled with ``seed`` and dealt the delegations in the order of delegations.csv (the main
    protagonists of both camps first, then bridge-builders); with more students than delegations, teams.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DataError(f"seed must be a whole number, not {seed!r}")
    students = parse_names(names)
    table = delegations()
    order = list(zip(table["delegation_id"], table["name"]))
    shuffled = students[:]
    random.Random(seed).shuffle(shuffled)
    rank = {d: i for i, (d, _) in enumerate(order)}
    rows = [{"student": s, "delegation_id": order[i % len(order)][0], "delegation": order[i % len(order)][1]}
            for i, s in enumerate(shuffled)]
    rows.sort(key=lambda r: (rank[r["delegation_id"]], r["student"]))
    return pd.DataFrame(rows, columns=["student", "delegation_id", "delegation"])


class RoleAssigner:
    """Paste the class list, pick a seed, see who plays which delegation."""

    def __init__(self, names: str = "Student 1\nStudent 2\nStudent 3", seed: int = 2025):
        import ipywidgets as w

        self.names = w.Textarea(value=names, description="Class list", placeholder="One name per line",
                                layout=w.Layout(width="60%", height="120px"))
        self.seed = w.IntText(value=seed, description="Seed")
        self.area = FigureArea()
        self.names.observe(self._update, names="value")
        self.seed.observe(self._update, names="value")
        self.widget = w.VBox([self.names, self.seed, self.area.widget])
        self._update()

    @property
    def table(self):
        return self.area.figure

    def _update(self, change=None):
        try:
            self.area.show(assign_roles(self.names.value, self.seed.value))
        except DataError as err:
            self.area.error(err)

    _ipython_display_ = display_widget


def role_assigner(names: str = "Student 1\nStudent 2\nStudent 3", seed: int = 2025) -> RoleAssigner:
    """Return the role-assignment widget (a class list box and a seed)."""
    students = parse_names(names)
    assign_roles(students, seed)  # a clear error for an empty list or a seed that is not a whole number
    return RoleAssigner("\n".join(students), seed)


# ---------------------------------------------------------------------------- the model (pure, vectorised)

def design_options() -> pd.DataFrame:
    """Return every design option, in menu order: dimension, option_id, label, reading, agreed_2025, sources."""
    return load("design_options")


def stances() -> pd.DataFrame:
    """Return the kit's reading of each delegation's stance per dimension: weight, preferences, red lines, sources."""
    return load("stances")


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [v for v in value.split(";") if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _preferences(value) -> dict:
    out = {}
    for part in _as_list(value):
        opt, _, score = part.partition("=")
        out[opt] = int(score)
    return out


@dataclass
class Model:
    """The numbers of the negotiation: one row per delegation, one block per dimension (built by ``build_model``)."""

    dimensions: list
    options: dict            # dimension -> [option ids] in menu order
    labels: dict             # (dimension, option) -> label
    ids: list                # delegation ids
    names: list
    is_state: np.ndarray     # (n_del,) bool
    reservation: np.ndarray  # (n_del,) float, -1..1
    weight: np.ndarray       # (n_del, n_dim) float
    pref: list               # per dimension: (n_del, n_opt) float, -2..2
    red: list                # per dimension: (n_del, n_opt) bool
    dissociation_cost: float = DISSOCIATION_COST

    def index(self, choices) -> np.ndarray:
        """Return the package as option indices (one per dimension), with clear errors for anything else."""
        if not isinstance(choices, dict):
            raise DataError("give the package as a dict of dimension -> option, for these dimensions: "
                            f"{', '.join(self.dimensions)}")
        unknown = [d for d in choices if d not in self.options]
        if unknown:
            raise DataError(f"unknown dimension(s) {unknown!r}; choose from: {', '.join(self.dimensions)}")
        missing = [d for d in self.dimensions if d not in choices]
        if missing:
            raise DataError(f"choose an option for: {', '.join(missing)}")
        out = []
        for dim in self.dimensions:
            opt = choices[dim]
            if not isinstance(opt, str) or opt not in self.options[dim]:
                raise DataError(f"unknown option {opt!r} for {dim}; choose one of: {', '.join(self.options[dim])}")
            out.append(self.options[dim].index(opt))
        return np.array(out, dtype=np.int64)

    def package(self, idx) -> dict:
        return {dim: self.options[dim][int(i)] for dim, i in zip(self.dimensions, idx)}

    def space(self) -> np.ndarray:
        """Every package as a (n_packages, n_dim) array of option indices, the first menu option varying slowest."""
        shape = [len(self.options[d]) for d in self.dimensions]
        return np.indices(shape, dtype=np.int8).reshape(len(shape), -1).T


def _check_model(model) -> "Model":
    if model is None:
        return build_model()
    if not isinstance(model, Model):
        raise DataError("model must come from kit.simulation.build_model(), or be left out to use the kit's data")
    return model


def build_model(options: pd.DataFrame | None = None, stance_table: pd.DataFrame | None = None,
                delegation_table: pd.DataFrame | None = None) -> Model:
    """Return the model from the three tables (the kit's data by default; hand-built tables for tests)."""
    options = design_options() if options is None else options
    stance_table = stances() if stance_table is None else stance_table
    delegation_table = delegations() if delegation_table is None else delegation_table
    for frame, cols, what in [(options, {"dimension", "option_id"}, "options"),
                              (stance_table, {"delegation_id", "dimension", "weight", "preferences", "red_lines"},
                               "stances"),
                              (delegation_table, {"delegation_id", "kind", "reservation"}, "delegations")]:
        if not isinstance(frame, pd.DataFrame) or not cols <= set(frame.columns):
            raise DataError(f"{what} must be a table with columns {', '.join(sorted(cols))}")
    dims, opts, labels = [], {}, {}
    for row in options.itertuples():
        if row.dimension not in opts:
            dims.append(row.dimension)
            opts[row.dimension] = []
        opts[row.dimension].append(row.option_id)
        labels[(row.dimension, row.option_id)] = getattr(row, "label", row.option_id)
    ids = list(delegation_table["delegation_id"])
    names = list(delegation_table["name"]) if "name" in delegation_table else ids
    pos = {d: i for i, d in enumerate(ids)}
    weight = np.zeros((len(ids), len(dims)))
    pref = [np.zeros((len(ids), len(opts[d]))) for d in dims]
    red = [np.zeros((len(ids), len(opts[d])), dtype=bool) for d in dims]
    for row in stance_table.itertuples():
        if row.delegation_id not in pos or row.dimension not in opts:
            raise DataError(f"stance for unknown delegation or dimension: {row.delegation_id}, {row.dimension}")
        i, j = pos[row.delegation_id], dims.index(row.dimension)
        weight[i, j] = float(row.weight)
        for opt, score in _preferences(row.preferences).items():
            pref[j][i, opts[row.dimension].index(opt)] = score
        for opt in _as_list(row.red_lines):
            red[j][i, opts[row.dimension].index(opt)] = True
    kinds = list(delegation_table["kind"])
    reservation = np.array([float(r) / 100 for r in delegation_table["reservation"]])
    return Model(dims, opts, labels, ids, names, np.array([k == "state" for k in kinds]), reservation,
                 weight, pref, red)


def _score(model: Model, idx: np.ndarray) -> dict:
    """Score packages (an (n, n_dim) array of option indices): every array is (n_delegations, n_packages)."""
    idx = np.asarray(idx)
    total = model.weight.sum(axis=1)
    scale = np.divide(1.0, 2 * total, out=np.zeros_like(total), where=total > 0)
    n_del, n = len(model.ids), len(idx)
    sat = np.zeros((n_del, n))
    worst = np.zeros((n_del, n))
    worst_dim = np.full((n_del, n), -1, dtype=np.int64)
    crossed = np.zeros((n_del, n), dtype=bool)
    for j in range(len(model.dimensions)):
        col = idx[:, j]
        contrib = (model.weight[:, j] * scale)[:, None] * model.pref[j][:, col]
        sat += contrib
        lower = contrib < worst
        worst = np.where(lower, contrib, worst)
        worst_dim = np.where(lower, j, worst_dim)
        crossed |= model.red[j][:, col]
    res = model.reservation[:, None] - 1e-6
    with_dissociation = sat - worst - model.dissociation_cost
    dissociates = ~crossed & (sat < res) & (worst < 0) & (with_dissociation >= res)
    accepts = ~crossed & ((sat >= res) | dissociates)
    blocks = model.is_state[:, None] & ~accepts
    return {"satisfaction": sat, "crossed": crossed, "accepts": accepts, "dissociates": dissociates,
            "dissociated_dim": np.where(dissociates, worst_dim, -1), "blocks": blocks,
            "consensus": ~blocks.any(axis=0)}


def _grid(model: Model, dims: range, scale: np.ndarray):
    """Satisfaction, worst element and red-line crossings over the sub-grid of ``dims`` (flattened, C order)."""
    shape = [len(model.options[model.dimensions[j]]) for j in dims]
    n_del, k = len(model.ids), len(shape)
    sat = np.zeros([n_del] + shape, dtype=np.float32)
    worst = np.zeros([n_del] + shape, dtype=np.float32)
    crossed = np.zeros([n_del] + shape, dtype=bool)
    for pos, j in enumerate(dims):
        view = [n_del] + [1] * k
        view[pos + 1] = shape[pos]
        contrib = ((model.weight[:, j] * scale)[:, None] * model.pref[j]).astype(np.float32).reshape(view)
        sat += contrib
        np.minimum(worst, contrib, out=worst)
        if model.red[j].any():
            crossed |= model.red[j].reshape(view)
    return sat.reshape(n_del, -1), worst.reshape(n_del, -1), crossed.reshape(n_del, -1)


def _score_space(model: Model) -> dict:
    """Score the whole package space at once: the same arrays as ``_score(model, model.space())`` (without
    ``dissociated_dim``). The grid is split in two halves, each scored on its own small grid, then combined by one
    broadcast per array: a few passes over the full space instead of one per dimension."""
    k = len(model.dimensions)
    total = model.weight.sum(axis=1)
    scale = np.divide(1.0, 2 * total, out=np.zeros_like(total), where=total > 0)
    half = k // 2
    sa, wa, ca = _grid(model, range(half), scale)
    sb, wb, cb = _grid(model, range(half, k), scale)
    n_del = len(model.ids)
    sat = (sa[:, :, None] + sb[:, None, :]).reshape(n_del, -1)
    worst = np.minimum(wa[:, :, None], wb[:, None, :]).reshape(n_del, -1)
    crossed = (ca[:, :, None] | cb[:, None, :]).reshape(n_del, -1)
    res = model.reservation.astype(np.float32)[:, None] - np.float32(1e-6)
    short = sat < res
    dissociates = short & ~crossed & (sat - worst - np.float32(model.dissociation_cost) >= res)
    accepts = ~crossed & (~short | dissociates)
    blocks = model.is_state[:, None] & ~accepts
    return {"satisfaction": sat, "crossed": crossed, "accepts": accepts, "dissociates": dissociates,
            "blocks": blocks, "consensus": ~blocks.any(axis=0)}


def consensus(choices, options: pd.DataFrame | None = None, stance_table: pd.DataFrame | None = None,
              delegation_table: pd.DataFrame | None = None) -> "Verdict":
    """Return the verdict on one package: consensus, who accepts, who blocks and why, each one's satisfaction.

    ``choices`` maps every dimension to one option id. A State blocks when one of its red lines is crossed or
    its satisfaction stays below its reservation level even after dissociating from one element; groups never block.
    """
    model = build_model(options, stance_table, delegation_table)
    return _verdict(model, choices)


def _verdict(model: Model, choices) -> "Verdict":
    idx = model.index(choices)
    s = _score(model, idx[None, :])
    cannot, below, dissociated, objecting = {}, [], {}, []
    for i, d in enumerate(model.ids):
        reds = [model.options[dim][idx[j]] for j, dim in enumerate(model.dimensions) if model.red[j][i, idx[j]]]
        if s["accepts"][i, 0]:
            if s["dissociates"][i, 0]:
                dissociated[d] = model.dimensions[s["dissociated_dim"][i, 0]]
            continue
        if not model.is_state[i]:
            objecting.append(d)
        elif reds:
            cannot[d] = reds
        else:
            below.append(d)
    blocking = [d for i, d in enumerate(model.ids) if s["blocks"][i, 0]]
    return Verdict({
        "consensus": bool(s["consensus"][0]),
        "can_accept": [d for i, d in enumerate(model.ids) if s["accepts"][i, 0]],
        "cannot_accept": cannot, "below_reservation": below, "blockers": blocking,
        "dissociates": dissociated, "groups_objecting": objecting,
        "satisfaction": {d: round(float(s["satisfaction"][i, 0]) * 100) for i, d in enumerate(model.ids)},
    }, model)


class Verdict(dict):
    """The verdict on a package: a dict that reads as a sentence (``consensus``, ``blockers``, ``satisfaction``...)."""

    def __init__(self, data, model: Model | None = None):
        super().__init__(data)
        self.model = model

    def _name(self, d) -> str:
        if self.model is None or d not in self.model.ids:
            return d
        return self.model.names[self.model.ids.index(d)]

    def _label(self, option) -> str:
        if self.model is not None:
            for (_dim, opt), label in self.model.labels.items():
                if opt == option:
                    return label
        return option

    def sentence(self) -> str:
        states = int(self.model.is_state.sum()) if self.model is not None else len(self["satisfaction"])
        extra = ""
        if self["dissociates"]:
            extra = " " + "; ".join(f"{self._name(d)} joins by dissociating from {DIMENSIONS.get(dim, dim).lower()}"
                                    for d, dim in self["dissociates"].items()) + "."
        if self["groups_objecting"]:
            extra += (" " + ", ".join(self._name(g) for g in self["groups_objecting"])
                      + " would rather not, but a group does not block.")
        if self["consensus"]:
            return f"Consensus: yes. None of the {states} States blocks the package.{extra}"
        why = [f"{self._name(d)} (red line crossed: {' / '.join(self._label(o) for o in opts)})"
               for d, opts in self["cannot_accept"].items()]
        why += [f"{self._name(d)} (not enough for it: {self['satisfaction'][d]} %)" for d in self["below_reservation"]]
        return (f"Consensus: no. {len(self['blockers'])} of {states} States block the package: "
                f"{'; '.join(why)}.{extra}")

    def __repr__(self) -> str:
        return self.sentence()

    def _repr_html_(self) -> str:
        return f"<p class='kit-verdict'><b>{html.escape(self.sentence())}</b></p>"


def blockers(package, model: Model | None = None) -> list[str]:
    """Return the ids of the States that block ``package`` (an empty list: consensus)."""
    model = _check_model(model)
    return _verdict(model, package)["blockers"]


def evaluate_packages(model: Model | None = None) -> pd.DataFrame:
    """Return every package: one column per dimension, ``consensus``, ``blockers`` (how many States block) and
    each delegation's satisfaction in percent (-100 to 100). Vectorised: the whole space in well under 100 ms."""
    model = _check_model(model)
    idx = model.space()
    s = _score_space(model)
    cols = {dim: pd.Categorical.from_codes(idx[:, j], categories=model.options[dim])
            for j, dim in enumerate(model.dimensions)}
    cols["consensus"] = s["consensus"]
    cols["blockers"] = s["blocks"].sum(axis=0).astype(np.int16)
    sat = np.rint(s["satisfaction"] * 100).astype(np.int16)
    for i, d in enumerate(model.ids):
        cols[d] = sat[i]
    return pd.DataFrame(cols)


def _diff(model: Model, package: dict, base: dict | None = None) -> str:
    base = OUTCOME_2025 if base is None else base
    diffs = [f"{DIMENSIONS.get(d, d).lower()}: {model.labels[(d, package[d])]}" for d in model.dimensions
             if package[d] != base.get(d)]
    return "as agreed in 2025" if not diffs else "as in 2025, except " + "; ".join(diffs)


def zone_of_agreement(model: Model | None = None) -> pd.DataFrame:
    """Return, for each option, how many consensus packages contain it: the zone of possible agreement."""
    model = _check_model(model)
    space = evaluate_packages(model)
    zone = space[space["consensus"]]
    rows = []
    for dim in model.dimensions:
        counts = zone[dim].value_counts()
        for opt in model.options[dim]:
            n = int(counts.get(opt, 0))
            rows.append({"dimension": DIMENSIONS.get(dim, dim), "option": model.labels[(dim, opt)],
                         "consensus packages with it": n,
                         "share of the zone": f"{100 * n / len(zone):.0f} %" if len(zone) else "0 %",
                         "agreed in 2025": "yes" if OUTCOME_2025.get(dim) == opt else ""})
    return pd.DataFrame(rows)


def zone_summary(model: Model | None = None) -> str:
    """Return, in one sentence, how many packages reach consensus out of how many."""
    model = _check_model(model)
    space = evaluate_packages(model)
    n = int(space["consensus"].sum())
    return ZoneSummary(f"{n:,} of the {len(space):,} possible packages ({100 * n / len(space):.1f} %) reach consensus "
                       "with the kit's data.")


class ZoneSummary(str):
    """A sentence that shows as text in a notebook."""

    def __repr__(self) -> str:
        return str(self)


def best_and_worst(model: Model | None = None) -> pd.DataFrame:
    """Return each delegation's best and worst package among those that reach consensus, with its satisfaction."""
    model = _check_model(model)
    idx = model.space()
    s = _score_space(model)
    zone = np.flatnonzero(s["consensus"])
    rows = []
    for i in range(len(model.ids)):
        sat = s["satisfaction"][i, zone]
        if model.weight[i].sum() == 0:
            rows.append({"delegation": model.names[i], "kind": "State" if model.is_state[i] else "group",
                         "best acceptable": "no position found: every package is the same to it", "best": "",
                         "worst acceptable": "", "worst": ""})
            continue
        b, w = zone[int(np.argmax(sat))], zone[int(np.argmin(sat))]
        rows.append({"delegation": model.names[i], "kind": "State" if model.is_state[i] else "group",
                     "best acceptable": _diff(model, model.package(idx[b])), "best": f"{sat.max() * 100:.0f} %",
                     "worst acceptable": _diff(model, model.package(idx[w])), "worst": f"{sat.min() * 100:.0f} %"})
    return pd.DataFrame(rows)


def _with_position(model: Model) -> np.ndarray:
    return model.is_state & (model.weight.sum(axis=1) > 0)


def fairest_package(model: Model | None = None) -> dict:
    """Return the consensus package that does most for the least-satisfied State (maximin; ties: highest mean)."""
    model = _check_model(model)
    idx = model.space()
    s = _score_space(model)
    sat = s["satisfaction"][_with_position(model)]
    low = np.where(s["consensus"], sat.min(axis=0), -np.inf)
    best = np.flatnonzero(low == low.max())
    pick = best[int(np.argmax(sat[:, best].mean(axis=0)))]
    return model.package(idx[pick])


def landmarks(model: Model | None = None) -> pd.DataFrame:
    """Return where the chair's starting draft, the 2025 outcome and the fairest package sit in the package space."""
    model = _check_model(model)
    s = _score_space(model)
    states = _with_position(model)
    low_all = s["satisfaction"][states].min(axis=0)
    zone_low = np.sort(low_all[s["consensus"]])
    rows = []
    for name, package in [("the chair's starting draft", STARTING_DRAFT), ("the 2025 outcome", OUTCOME_2025),
                          ("the fairest consensus package", fairest_package(model))]:
        v = _verdict(model, package)
        sat = np.array([v["satisfaction"][d] for d, keep in zip(model.ids, states) if keep])
        low = sat.min() / 100
        better = int((zone_low > low + 1e-9).sum())
        least_satisfied = model.names[model.ids.index([d for d, k in zip(model.ids, states) if k][int(sat.argmin())])]
        rows.append({"package": name, "consensus": "yes" if v["consensus"] else "no",
                     "States blocking": len(v["blockers"]),
                     "least-satisfied State": f"{least_satisfied} ({sat.min()} %)",
                     "average satisfaction of States": f"{sat.mean():.0f} %",
                     "consensus packages better for the least satisfied": better,
                     "what it is": _diff(model, package)})
    return pd.DataFrame(rows)


def single_concessions(package, model: Model | None = None) -> pd.DataFrame:
    """Return, for each State that blocks ``package``, the concessions it could make and whether one alone would
    open agreement (lift one red line, or accept less: lower its reservation level to what the package gives it)."""
    model = _check_model(model)
    v = _verdict(model, package)
    idx = model.index(package)
    rows = []
    for d in v["blockers"]:
        i = model.ids.index(d)
        concessions = []
        for j, dim in enumerate(model.dimensions):
            if model.red[j][i, idx[j]]:
                concessions.append((f"lift its red line on {DIMENSIONS.get(dim, dim).lower()} "
                                    f"({model.labels[(dim, package[dim])]})", ("red", j)))
        concessions.append((f"accept less: lower what it needs to {v['satisfaction'][d]} %", ("reservation", None)))
        for text, (kind, j) in concessions:
            red = [r.copy() for r in model.red]
            reservation = model.reservation.copy()
            if kind == "red":
                red[j][i, :] = False
            else:
                reservation[i] = min(reservation[i], v["satisfaction"][d] / 100)
            trial = Model(model.dimensions, model.options, model.labels, model.ids, model.names, model.is_state,
                          reservation, model.weight, model.pref, red, model.dissociation_cost)
            after = _verdict(trial, package)
            rows.append({"State": model.names[i], "concession": text,
                         "opens agreement alone": "yes" if after["consensus"] else "no",
                         "still blocking after it": ", ".join(trial.names[trial.ids.index(b)] for b in after["blockers"])
                         or "nobody"})
    if not rows:
        rows.append({"State": "nobody", "concession": "none needed: the package reaches consensus",
                     "opens agreement alone": "", "still blocking after it": "nobody"})
    return pd.DataFrame(rows)


def one_concession_away(model: Model | None = None) -> pd.DataFrame:
    """Return which single red line, lifted by which State, would open the most packages to agreement."""
    model = _check_model(model)
    idx = model.space()
    s = _score_space(model)
    only_one = s["blocks"].sum(axis=0) == 1
    rows = []
    for i in range(len(model.ids)):
        if not model.is_state[i]:
            continue
        mine = only_one & s["blocks"][i]
        for j, dim in enumerate(model.dimensions):
            for k, opt in enumerate(model.options[dim]):
                if not model.red[j][i, k]:
                    continue
                others = np.zeros(len(idx), dtype=bool)
                for jj in range(len(model.dimensions)):
                    if jj != j:
                        others |= model.red[jj][i, idx[:, jj]]
                # lifting the line makes this option neutral for the red-line test only
                opened = mine & (idx[:, j] == k) & ~others & (
                    (s["satisfaction"][i] >= model.reservation[i]) | _dissociable(model, s, i))
                n = int(opened.sum())
                if n:
                    rows.append({"State": model.names[i], "red line it would lift": model.labels[(dim, opt)],
                                 "dimension": DIMENSIONS.get(dim, dim), "packages it would open": n})
    out = pd.DataFrame(rows, columns=["State", "red line it would lift", "dimension", "packages it would open"])
    return out.sort_values("packages it would open", ascending=False, kind="stable").reset_index(drop=True)


def _dissociable(model: Model, s: dict, i: int) -> np.ndarray:
    """Whether State i could reach its reservation by dissociating, ignoring red lines (for concession counts)."""
    return s["dissociates"][i] | s["accepts"][i]


def package_table(choices, model: Model | None = None) -> pd.DataFrame:
    """Return, per delegation, its satisfaction, what it needs, and whether it accepts, blocks or dissociates."""
    model = _check_model(model)
    v = _verdict(model, choices)
    rows = []
    for i, d in enumerate(model.ids):
        state = bool(model.is_state[i])
        if model.weight[i].sum() == 0:
            verdict = "accepts (no position found: nothing at stake for it in the kit's data)"
        elif d in v["cannot_accept"]:
            crossed = [model.labels[(dim, package)] for dim, package in choices.items()
                       if package in v["cannot_accept"][d]
                       and model.red[model.dimensions.index(dim)][i, model.options[dim].index(package)]]
            verdict = "blocks: red line crossed (" + " / ".join(crossed) + ")"
        elif d in v["below_reservation"]:
            verdict = "blocks: not enough for it"
        elif d in v["groups_objecting"]:
            verdict = "would object, but a group does not block"
        elif d in v["dissociates"]:
            verdict = f"accepts, dissociating from {DIMENSIONS.get(v['dissociates'][d], v['dissociates'][d]).lower()}"
        else:
            verdict = "accepts"
        rows.append({"delegation": model.names[i], "kind": "State" if state else "group",
                     "satisfaction": f"{v['satisfaction'][d]} %", "needs": f"{round(model.reservation[i] * 100)} %",
                     "verdict (kit's reading)": verdict})
    order = {True: 0, False: 1}
    rows.sort(key=lambda r: order[r["verdict (kit's reading)"].startswith("blocks")])
    return pd.DataFrame(rows)


def verdict_text(choices) -> str:
    """Return the verdict in one sentence."""
    return consensus(choices).sentence()


def stance_table(delegation_id: str) -> pd.DataFrame:
    """Return one delegation's stance on every dimension: weight, what it prefers and dislikes, red lines, the
    reading, sources (``stance_reading`` as a table; "no position found" where none was found)."""
    return pd.DataFrame([
        {"dimension": s["dimension"], "weight": s["weight"],
         "prefers": "; ".join(s["prefers"]) or "no option in particular" if s["found"] else "no position found",
         "dislikes": "; ".join(s["dislikes"]), "red lines": "; ".join(s["red_lines"]),
         "the kit's reading": s["reading"], "sources": ";".join(s["source_ids"])}
        for s in stance_reading(delegation_id)])


def compare_with_2025(choices) -> pd.DataFrame:
    """Return, per dimension, the class's choice beside the Global Mechanism agreed in July 2025, with sources."""
    consensus(choices)  # validates the package
    opts = design_options()
    feats = load("mechanism_features")
    gm = feats[feats["mechanism_id"] == "global_mechanism"].set_index("dimension")
    rows = []
    for dim, label in DIMENSIONS.items():
        mine = opts[(opts["dimension"] == dim) & (opts["option_id"] == choices[dim])].iloc[0]
        agreed = opts[(opts["dimension"] == dim) & (opts["agreed_2025"] == "yes")]
        agreed_label = "; ".join(agreed["label"]) if len(agreed) else "not confirmed in the texts read"
        feature = gm.loc[FEATURE_FOR[dim]]
        same = ("yes" if mine["agreed_2025"] == "yes" else
                "not confirmed" if mine["agreed_2025"] == "not_confirmed" else "no")
        sources = list(feature["source_ids"]) + [s for ids in agreed["source_ids"] for s in ids]
        rows.append({"dimension": label, "your class chose": mine["label"], "agreed in 2025": agreed_label,
                     "same?": same, "what the record says": feature["value"],
                     "sources": ";".join(dict.fromkeys(sources))})
    return pd.DataFrame(rows)


class MechanismDesigner:
    """One dropdown per design dimension; shows the verdict, each delegation's satisfaction and who blocks."""

    def __init__(self, choices: dict | None = None):
        import ipywidgets as w

        self.model = build_model()
        choices = STARTING_DRAFT if choices is None else choices
        _verdict(self.model, choices)  # a clear error for anything but a complete package of known options
        choices = dict(choices)
        self.controls = {}
        for dim, label in DIMENSIONS.items():
            opts = self.model.options[dim]
            self.controls[dim] = w.Dropdown(options=[(self.model.labels[(dim, o)], o) for o in opts],
                                            value=choices[dim], description=label,
                                            style={"description_width": "200px"}, layout=w.Layout(width="95%"))
            self.controls[dim].observe(self._update, names="value")
        self.verdict_html = w.HTML("")
        self.area = FigureArea()
        self.verdict: dict = {}
        self.widget = w.VBox([*self.controls.values(), self.verdict_html, self.area.widget])
        self._update()

    @property
    def choices(self) -> dict:
        return {dim: c.value for dim, c in self.controls.items()}

    @property
    def table(self):
        return self.area.figure

    def _update(self, change=None):
        try:
            self.verdict = _verdict(self.model, self.choices)
            colour = "#009E73" if self.verdict["consensus"] else "#D55E00"
            self.verdict_html.value = (f'<p style="border-left:4px solid {colour};padding:4px 10px"><b>'
                                       f"{html.escape(self.verdict.sentence())}</b></p>")
            self.area.show(package_table(self.choices, self.model))
        except DataError as err:
            self.area.error(err)

    _ipython_display_ = display_widget


def mechanism_designer(choices: dict | None = None) -> MechanismDesigner:
    """Return the mechanism designer, starting from the chair's first draft (or from ``choices``)."""
    return MechanismDesigner(choices)
