"""The negotiation simulation of notebook 06: delegation cards, role assignment and the mechanism designer.

Facts come from ``positions.csv`` (with sources). Interests, red lines and which
option crosses whose red line are *the kit's reading* of those facts
(``delegations.csv``, ``design_options.csv``) and are labelled so wherever shown.
``consensus`` is the pure rule: a package reaches consensus when no delegation's
red line is crossed.
"""
from __future__ import annotations

import html
import random
import re

import pandas as pd

from .data import DataError, cite, load
from .widgets import FigureArea, display_widget

DIMENSIONS = {
    "format": "Format",
    "membership": "Membership",
    "decision_making": "Decision-making",
    "duration": "Duration",
    "legal_nature": "Legal nature",
    "stakeholders": "Stakeholders",
    "capacity_building": "Capacity-building",
}

# Where the Global Mechanism's own features are described in mechanism_features.csv, per design dimension.
FEATURE_FOR = {"format": "membership", "membership": "membership", "decision_making": "decision_making",
               "duration": "duration", "legal_nature": "legal_nature", "stakeholders": "stakeholders",
               "capacity_building": "capacity_building"}

# The chair's first draft the class starts from (a teaching device, not a historical text).
STARTING_DRAFT = {
    "format": "poa_only",
    "membership": "all_states",
    "decision_making": "vote_fallback",
    "duration": "permanent",
    "legal_nature": "framework",
    "stakeholders": "beyond_practice",
    "capacity_building": "dedicated_group",
}

READING = "the kit's reading of the sourced positions"


# ---------------------------------------------------------------------------- delegation cards

def delegations() -> pd.DataFrame:
    """Return the delegation cards: id, name, kind, interests, red lines, likely allies, sources."""
    return load("delegations")


def _delegation_row(delegation_id) -> pd.Series:
    table = delegations()
    ids = list(table["delegation_id"])
    if not isinstance(delegation_id, str) or delegation_id not in ids:
        raise DataError(f"unknown delegation {delegation_id!r}; choose one of: {', '.join(ids)}")
    return table[table["delegation_id"] == delegation_id].iloc[0]


def delegation_facts(delegation_id: str) -> pd.DataFrame:
    """Return the sourced facts behind one card: the rows of positions.csv for that State or group."""
    _delegation_row(delegation_id)
    pos = load("positions")
    rows = pos[pos["actor_id"] == delegation_id]
    return rows[["issue", "stance", "date_label", "statement", "confidence", "source_ids"]].rename(
        columns={"date_label": "date"}).reset_index(drop=True)


class DelegationCard:
    """One delegation's card; shows as HTML (every text escaped) with its sources."""

    def __init__(self, delegation_id: str):
        self.row = _delegation_row(delegation_id)
        self.facts = delegation_facts(delegation_id)

    @property
    def allies(self) -> list[str]:
        names = dict(zip(delegations()["delegation_id"], delegations()["name"]))
        return [names.get(a, a) for a in self.row["likely_allies"]]

    def __repr__(self) -> str:
        r = self.row
        return (f"Delegation card: {r['name']}. Interests ({READING}): {r['interests']} "
                f"Red lines: {r['red_lines']} Likely allies: {', '.join(self.allies) or 'none listed'}.")

    def _repr_html_(self) -> str:
        e = html.escape
        r = self.row
        facts = "".join(f"<li><b>{e(f.issue)}, {e(f.stance)}</b> ({e(str(f.date))}): {e(f.statement)}</li>"
                        for f in self.facts.itertuples())
        sources = sorted({s for f in self.facts.itertuples() for s in f.source_ids} | set(r["source_ids"]))
        return (f'<div class="kit-card" style="border:1px solid #0072B2;border-radius:6px;padding:6px 12px">'
                f"<h4>{e(r['name'])}</h4>"
                f"<p><b>What the record shows</b> (sourced):</p><ul>{facts}</ul>"
                f"<p><b>Interests</b> ({READING}): {e(r['interests'])}</p>"
                f"<p><b>Red lines</b> ({READING}): {e(r['red_lines'])}</p>"
                f"<p><b>Likely allies</b> ({READING}: they took the same stance on at least one issue): "
                f"{e(', '.join(self.allies) or 'none listed')}</p>"
                f"{cite(sources)._repr_html_()}</div>")


def delegation_card(delegation_id: str) -> DelegationCard:
    """Return one delegation's card (facts with sources, then interests, red lines and allies as the kit reads them)."""
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
    _delegation_row(delegation_id)  # a clear error naming the delegations for an unknown id
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


# ---------------------------------------------------------------------------- consensus (pure)

def design_options() -> pd.DataFrame:
    """Return every design option: dimension, option_id, label, cannot_accept, reading, agreed_2025, sources."""
    return load("design_options")


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [v for v in value.split(";") if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def consensus(choices, options: pd.DataFrame | None = None, delegation_ids=None) -> dict:
    """Return the verdict on a package: {'consensus', 'can_accept', 'cannot_accept': {delegation: [option ids]}}.

    ``choices`` maps every dimension to one option id. A delegation can accept the package when none of the
    chosen options is in its ``cannot_accept`` list; consensus means every delegation can accept it.
    """
    options = design_options() if options is None else options
    needed = {"dimension", "option_id", "cannot_accept"}
    if not isinstance(options, pd.DataFrame) or not needed <= set(options.columns):
        raise DataError("options must be the design-options table (kit.simulation.design_options()), with columns "
                        f"{', '.join(sorted(needed))}")
    if delegation_ids is None:
        delegation_ids = list(delegations()["delegation_id"])
    valid = {}
    for dim, opt in zip(options["dimension"], options["option_id"]):
        valid.setdefault(dim, []).append(opt)
    if not isinstance(choices, dict):
        raise DataError(f"give the package as a dict of dimension -> option, for these dimensions: {', '.join(valid)}")
    unknown = [d for d in choices if d not in valid]
    if unknown:
        raise DataError(f"unknown dimension(s) {unknown!r}; choose from: {', '.join(valid)}")
    missing = [d for d in valid if d not in choices]
    if missing:
        raise DataError(f"choose an option for: {', '.join(missing)}")
    for dim, opt in choices.items():
        if not isinstance(opt, str) or opt not in valid[dim]:
            raise DataError(f"unknown option {opt!r} for {dim}; choose one of: {', '.join(valid[dim])}")
    blocked = {}
    for dim, opt, who in zip(options["dimension"], options["option_id"], options["cannot_accept"]):
        if choices[dim] == opt:
            for d in _as_list(who):
                blocked.setdefault(d, []).append(opt)
    can = [d for d in delegation_ids if d not in blocked]
    cannot = {d: blocked[d] for d in delegation_ids if d in blocked}
    return Verdict({"consensus": not cannot, "can_accept": can, "cannot_accept": cannot})


class Verdict(dict):
    """The verdict on a package: a dict (``consensus``, ``can_accept``, ``cannot_accept``) that reads as a sentence."""

    @staticmethod
    def _names(ids, table, id_column, name_column) -> list[str]:
        try:
            frame = table()
            names = dict(zip(frame[id_column], frame[name_column]))
        except DataError:
            names = {}
        return [names.get(i, i) for i in ids]

    def sentence(self) -> str:
        total = len(self["can_accept"]) + len(self["cannot_accept"])
        if self["consensus"]:
            return f"Consensus: yes. All {total} delegations can accept the package."
        who = "; ".join(
            f"{name} (cannot accept: {' / '.join(self._names(opts, design_options, 'option_id', 'label'))})"
            for name, opts in zip(self._names(self["cannot_accept"], delegations, "delegation_id", "name"),
                                  self["cannot_accept"].values()))
        return (f"Consensus: no. {len(self['can_accept'])} of {total} delegations can accept the package; "
                f"{len(self['cannot_accept'])} cannot: {who}.")

    def __repr__(self) -> str:
        return self.sentence()

    def _repr_html_(self) -> str:
        return f"<p class='kit-verdict'><b>{html.escape(self.sentence())}</b></p>"


def package_table(choices) -> pd.DataFrame:
    """Return, per delegation, whether it can accept the package and which chosen options cross its red lines."""
    verdict = consensus(choices)
    opts = design_options()
    labels = dict(zip(opts["option_id"] + "@" + opts["dimension"], opts["label"]))
    by_opt = {(d, o): labels[o + "@" + d] for d, o in choices.items()}
    rows = []
    for r in delegations().itertuples():
        crossed = [by_opt[(d, o)] for d, o in choices.items() if o in verdict["cannot_accept"].get(r.delegation_id, [])]
        rows.append({"delegation": r.name, "can accept": "no" if crossed else "yes",
                     "red lines crossed (kit's reading)": "; ".join(crossed)})
    rows.sort(key=lambda r: r["can accept"] == "yes")  # those who cannot accept first, then in deal order
    return pd.DataFrame(rows)


def verdict_text(choices) -> str:
    """Return the verdict in one sentence."""
    v = consensus(choices)
    n = len(v["can_accept"]) + len(v["cannot_accept"])
    if v["consensus"]:
        return f"Consensus: all {n} delegations can accept this package."
    names = dict(zip(delegations()["delegation_id"], delegations()["name"]))
    return (f"No consensus: {len(v['cannot_accept'])} of {n} delegations cannot accept this package "
            f"({', '.join(names[d] for d in v['cannot_accept'])}).")


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
    """One dropdown per design dimension; shows the verdict and which delegations can accept the package."""

    def __init__(self, choices: dict | None = None):
        import ipywidgets as w

        choices = STARTING_DRAFT if choices is None else choices
        consensus(choices)  # a clear error for anything but a complete package of known options
        choices = dict(choices)
        opts = design_options()
        self.controls = {}
        for dim, label in DIMENSIONS.items():
            rows = opts[opts["dimension"] == dim]
            self.controls[dim] = w.Dropdown(options=list(zip(rows["label"], rows["option_id"])), value=choices[dim],
                                            description=label, style={"description_width": "140px"},
                                            layout=w.Layout(width="95%"))
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
            self.verdict = consensus(self.choices)
            colour = "#009E73" if self.verdict["consensus"] else "#D55E00"
            self.verdict_html.value = (f'<p style="border-left:4px solid {colour};padding:4px 10px"><b>'
                                       f"{html.escape(verdict_text(self.choices))}</b></p>")
            self.area.show(package_table(self.choices))
        except DataError as err:
            self.area.error(err)

    _ipython_display_ = display_widget


def mechanism_designer(choices: dict | None = None) -> MechanismDesigner:
    """Return the mechanism designer, starting from the chair's first draft (or from ``choices``)."""
    return MechanismDesigner(choices)
