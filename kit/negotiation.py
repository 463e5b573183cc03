"""Class play for the negotiation simulation (notebook 08): rounds, concessions, the chair's merge and draft.

`ROUNDS` is the shared description of a 90-minute class that the notebook and the handouts
(State cards, the chair's script) both read. `class_plan(n)` turns it into a plan for n students.

During the caucus each student records concessions for their delegation with `concede(...)`: a new preference
for one option, or a lifted red line, always with a written justification. Each move is saved in the student's
answers file (one record per move, ids ``move:1``, ``move:2`` ...; type ``concession``), so it travels in the
hand-in that ``kit.export_answers()`` writes. The chair reads the folder of hand-ins with `merge_class(folder)`:
every move, applied in time order to the kit's stances; contradictory moves by two students of one delegation
are listed as conflicts (the later move applies). `publish_draft(state, package, path)` writes the chair's draft
(JSON, atomically); students read it with `class_draft()` (path from ``$KIT_CLASS_DRAFT``).

From the command line: ``python -m kit.negotiation chair FOLDER [--package JSON] [--publish PATH]``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .data import DataError

TOTAL_MINUTES = 90
MIN_STUDENTS, MAX_STUDENTS = 20, 40

# Each round: name, minutes, who does what, what the chair does.
ROUNDS = (
    {"round": "briefing", "minutes": 10,
     "students": "Read your delegation card: stances per dimension, red lines, reservation level.",
     "chair": "Explains the rules, the starting draft and the consensus test."},
    {"round": "opening", "minutes": 15,
     "students": "One spokesperson per coalition gives a two-minute coalition statement.",
     "chair": "Calls coalitions in turn and keeps time."},
    {"round": "caucus", "minutes": 20,
     "students": "Coalitions caucus; delegations record concessions, each with a written justification.",
     "chair": "Collects hand-ins and merges the concessions into one state."},
    {"round": "chair's text", "minutes": 20,
     "students": "Delegations read the published draft and say whether they can join consensus.",
     "chair": "Publishes the chair's draft and names who blocks it and why."},
    {"round": "final", "minutes": 10,
     "students": "Last concessions; delegations state whether they join, dissociate or block.",
     "chair": "Gavels the final draft or records that no consensus was reached."},
    {"round": "debrief", "minutes": 15,
     "students": "Compare the class's package with the 2025 outcome, dimension by dimension.",
     "chair": "Leads the comparison of the class's route with the 2025 route."},
)
assert sum(r["minutes"] for r in ROUNDS) == TOTAL_MINUTES


BRIDGE = "bridge-builders"


def coalitions() -> pd.DataFrame:
    """The caucus groups of the class: the kit's seating plan, read from the cards' likely allies.

    Delegations linked through their cards' ``likely_allies`` (either way) caucus together; linked sets of three
    or more are a coalition, named after its first two delegations in the order of the cards; the delegations
    left over (small sets: the cross-regional bridge-builders) caucus together as one more group. Students sit by
    delegation and meet as coalitions. Columns: coalition, delegations (names), delegation_ids, n_delegations.
    """
    from kit import simulation
    cards = simulation.delegations()
    order = list(cards["delegation_id"])
    name = dict(zip(cards["delegation_id"], cards["name"]))
    links = {d: set() for d in order}
    for d, allies in zip(cards["delegation_id"], cards["likely_allies"]):
        for a in _split(allies):
            if a in links and a != d:
                links[d].add(a)
                links[a].add(d)
    seen, groups = set(), []
    for d in order:  # connected sets, in card order
        if d in seen:
            continue
        todo, group = [d], []
        seen.add(d)
        while todo:
            x = todo.pop()
            group.append(x)
            for y in links[x] - seen:
                seen.add(y)
                todo.append(y)
        groups.append(sorted(group, key=order.index))
    big = [g for g in groups if len(g) >= 3]
    rest = sorted((d for g in groups if len(g) < 3 for d in g), key=order.index)
    rows = [{"coalition": f"{name[g[0]]}, {name[g[1]]} and partners", "members": g} for g in big]
    if rest:
        rows.append({"coalition": BRIDGE, "members": rest})
    return pd.DataFrame([{"coalition": r["coalition"], "delegations": "; ".join(name[d] for d in r["members"]),
                          "delegation_ids": "; ".join(r["members"]), "n_delegations": len(r["members"])}
                         for r in rows])


def _short(name: str) -> str:
    return name.split(" (")[0].replace("United Kingdom of Great Britain and Northern Ireland", "United Kingdom")


def class_plan(n_students: int) -> pd.DataFrame:
    """The rounds for a class of n_students (20-40): minutes, groups and students per group.

    Students sit by delegation (one to three per delegation) and meet as coalitions (`coalitions()`): the caucus
    rows of ``groups`` name both.
    """
    if isinstance(n_students, bool) or not isinstance(n_students, int):
        raise DataError(f"n_students must be a whole number from {MIN_STUDENTS} to {MAX_STUDENTS}, "
                        f"not {n_students!r:.40}")
    if not MIN_STUDENTS <= n_students <= MAX_STUDENTS:
        raise DataError(f"class_plan supports {MIN_STUDENTS} to {MAX_STUDENTS} students, "
                         f"not {n_students}; split a larger class into two simulations")
    from kit import simulation
    n_del = len(simulation.delegations())
    per_del = -(-n_students // n_del)  # ceiling: several students per delegation in large classes
    co = coalitions()
    seating = (f"{n_del} delegations in {len(co)} coalitions: "
               + "; ".join(f"{_short(c.coalition)} ({c.n_delegations})" if c.coalition != BRIDGE
                           else f"{BRIDGE}: {', '.join(_short(x) for x in c.delegations.split('; '))}"
                           for c in co.itertuples()))
    rows = []
    for r in ROUNDS:
        groups = "whole class" if r["round"] in ("briefing", "opening", "debrief") else seating
        rows.append({"round": r["round"], "minutes": r["minutes"], "groups": groups,
                     "students per delegation": f"up to {per_del}", "students": r["students"],
                     "chair": r["chair"]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- concessions (the caucus)

MOVE_PREFIX = "move:"
MOVE_TYPE = "concession"
MAX_JUSTIFICATION = 2000
DRAFT_FORMAT = "un-cyber-kit class draft"
DRAFT_VERSION = 1
DRAFT_ENV = "KIT_CLASS_DRAFT"
MOVE_COLUMNS = ["student", "move", "delegation_id", "dimension", "option", "preference", "lift_red_line",
                "justification", "made_at"]


def _stamp() -> str:
    """A UTC timestamp precise enough to put a class's moves in order."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _pref_map(value) -> dict:
    out = {}
    for part in _split(value):
        opt, _, score = part.partition("=")
        out[opt] = int(score)
    return out


def _split(value) -> list[str]:
    """A list cell of the kit's tables (a list as kit.load gives it, or "a;b" text) as a list."""
    if isinstance(value, str):
        return [v for v in value.split(";") if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v)]
    return []


def _position_dimensions(stance_table: pd.DataFrame, delegation_id: str) -> list[str]:
    rows = stance_table[(stance_table["delegation_id"] == delegation_id) & (stance_table["weight"].fillna(0) > 0)]
    return list(rows["dimension"])


def _check_move(delegation_id, dimension, option, preference, lift_red_line, justification,
                stance_table: pd.DataFrame | None = None) -> dict:
    """Return the move as a clean dict, or raise a DataError that names the valid choices."""
    from . import simulation

    stance_table = simulation.stances() if stance_table is None else stance_table
    ids = list(simulation.delegations()["delegation_id"])
    if not isinstance(delegation_id, str) or delegation_id not in ids:
        raise DataError(f"unknown delegation {delegation_id!r:.40}; choose one of: {', '.join(ids)}")
    dims = _position_dimensions(stance_table, delegation_id)
    if not dims:
        raise DataError(f"no position of {delegation_id} was found on any dimension, so it has nothing to concede; "
                        "it can still speak, and join or oppose the draft")
    if not isinstance(dimension, str) or dimension not in dims:
        extra = (f" ({dimension} is a dimension, but no position of {delegation_id} was found on it, so there is "
                 "nothing to concede)" if isinstance(dimension, str) and dimension in simulation.DIMENSIONS else "")
        raise DataError(f"unknown dimension {dimension!r:.40} for {delegation_id}{extra}; choose one of the "
                        f"dimensions where it has a position: {', '.join(dims)}")
    options = simulation.design_options()
    opts = list(options.loc[options["dimension"] == dimension, "option_id"])
    if not isinstance(option, str) or option not in opts:
        raise DataError(f"unknown option {option!r:.40} for {dimension}; choose one of: {', '.join(opts)}")
    if preference is not None and (isinstance(preference, bool) or not isinstance(preference, int)
                                   or not -2 <= preference <= 2):
        raise DataError(f"preference must be a whole number from -2 to 2 (or left out), not {preference!r:.40}")
    if not isinstance(lift_red_line, bool):
        raise DataError(f"lift_red_line must be True or False, not {lift_red_line!r:.40}")
    if preference is None and not lift_red_line:
        raise DataError("say what you concede: a new preference (preference=-2 to 2), lift_red_line=True, or both")
    row = stance_table[(stance_table["delegation_id"] == delegation_id) & (stance_table["dimension"] == dimension)]
    reds = _split(row["red_lines"].iloc[0]) if len(row) else []
    if lift_red_line and option not in reds:
        raise DataError(f"{option} is not a red line of {delegation_id} on {dimension}; its red lines there: "
                        f"{', '.join(reds) or 'none'}")
    if not isinstance(justification, str) or not justification.strip():
        raise DataError("write a justification for the move (a sentence or two: why your delegation can now accept "
                        "this), e.g. justification='We accept a vote as a last resort if ...'")
    if len(justification) > MAX_JUSTIFICATION:
        raise DataError(f"the justification is {len(justification):,} characters long; write at most "
                        f"{MAX_JUSTIFICATION:,}")
    return {"delegation_id": delegation_id, "dimension": dimension, "option": option, "preference": preference,
            "lift_red_line": lift_red_line, "justification": justification.strip()}


class Concession(dict):
    """One saved move: a dict that reads as a sentence."""

    def __repr__(self) -> str:
        what = []
        if self["preference"] is not None:
            what.append(f"preference {self['preference']:+d} for {self['option']}")
        if self["lift_red_line"]:
            what.append(f"red line on {self['option']} lifted")
        notes = "".join(f"\nNote: {n}" for n in self.get("notes", []))
        return (f"Saved {self['move']} for {self['delegation_id']} on {self['dimension']}: {' and '.join(what)}. "
                f"It goes into your hand-in (kit.export_answers()).{notes}")


def _store(store):
    from .answers import AnswerStore

    if store is None:
        return AnswerStore()
    if not isinstance(store, AnswerStore):
        raise DataError("store must be a kit.answers.AnswerStore, or be left out to use your answers file")
    return store


def concede(delegation_id, dimension, option, *, preference=None, lift_red_line=False, justification=None,
            store=None) -> Concession:
    """Record one concession of your delegation and save it in your answers file (so it is in your hand-in).

    ``preference`` (-2 to 2) is your delegation's new preference for ``option`` on ``dimension``;
    ``lift_red_line=True`` drops that option from its red lines. ``justification`` (required) says why.
    Each move is saved atomically, under the answers file's lock, as the next ``move:<n>`` record, with the time.
    """
    from .answers import _encode, _now, scrub

    move = _check_move(delegation_id, dimension, option, preference, lift_red_line, justification)
    store = _store(store)
    answer, replaced = scrub(move)
    _encode(answer)  # refuse what cannot be written before touching the file

    def change(data):  # under the lock: the number and the time of a move follow the order of the saves
        taken = [int(k[len(MOVE_PREFIX):]) for k in data["answers"]
                 if k.startswith(MOVE_PREFIX) and k[len(MOVE_PREFIX):].isdigit()]
        move_id = f"{MOVE_PREFIX}{max(taken, default=0) + 1}"
        answer["made_at"] = _stamp()
        data["answers"][move_id] = {"type": MOVE_TYPE, "answer": dict(answer), "saved_at": _now(), "attempts": 1}
        return move_id

    move_id = store.update("Your concession", change)  # AnswersError says why when it cannot be saved
    notes, store.warnings = list(store.warnings), []
    if replaced:
        notes.append(f"{replaced} character(s) in your justification could not be saved as text and were replaced "
                     "by \ufffd; check it and concede again if needed.")
    return Concession(answer, move=move_id, notes=notes)


def _move_from_record(move_id, record) -> dict | None:
    """Return the move in a saved record, or None when the record is not a concession the kit wrote."""
    if not (isinstance(move_id, str) and move_id.startswith(MOVE_PREFIX) and isinstance(record, dict)
            and record.get("type") == MOVE_TYPE and isinstance(record.get("answer"), dict)):
        return None
    a = record["answer"]
    keys = ("delegation_id", "dimension", "option", "preference", "lift_red_line", "justification", "made_at")
    if not all(k in a for k in keys):
        return None
    return {"move": move_id, **{k: a[k] for k in keys}}


def _move_number(move_id: str) -> int:
    tail = move_id[len(MOVE_PREFIX):]
    return int(tail) if tail.isdigit() else 0


def moves(store=None) -> pd.DataFrame:
    """Return your saved concessions, oldest first: move, delegation, dimension, option, preference, ..."""
    store = _store(store)
    found = [m for k, r in store.load()["answers"].items() if (m := _move_from_record(k, r))]
    found.sort(key=lambda m: (_move_number(m["move"]), str(m["made_at"])))
    return pd.DataFrame(found, columns=MOVE_COLUMNS[1:])


# ---------------------------------------------------------------------------- pure: stances after the moves

def apply_moves(move_table: pd.DataFrame, stance_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the stances after every move of ``move_table`` is applied in its row order (pure: nothing is saved).

    A move with a preference sets that option's preference; a move with ``lift_red_line`` drops the red line.
    """
    from . import simulation

    out = (simulation.stances() if stance_table is None else stance_table).copy().reset_index(drop=True)
    out["preferences"] = out["preferences"].astype(object)
    out["red_lines"] = out["red_lines"].astype(object)
    for m in move_table.itertuples(index=False):
        hit = out.index[(out["delegation_id"] == m.delegation_id) & (out["dimension"] == m.dimension)]
        if not len(hit):
            raise DataError(f"no stance of {m.delegation_id} on {m.dimension} to change")
        i = hit[0]
        if m.preference is not None and not pd.isna(m.preference):
            prefs = _pref_map(out.at[i, "preferences"])
            prefs[m.option] = int(m.preference)
            out.at[i, "preferences"] = [f"{o}={v}" for o, v in prefs.items()]
        if bool(m.lift_red_line):
            out.at[i, "red_lines"] = [r for r in _split(out.at[i, "red_lines"]) if r != m.option]
    return out


def consensus_with(package, stance_table: pd.DataFrame):
    """Return the verdict on ``package`` under the given stances (kit.simulation.consensus with that table)."""
    from . import simulation

    return simulation.consensus(package, stance_table=stance_table)


def blockers_with(package, stance_table: pd.DataFrame) -> list[str]:
    """Return the ids of the States that block ``package`` under the given stances."""
    return consensus_with(package, stance_table)["blockers"]


# ---------------------------------------------------------------------------- the chair: merge the class

@dataclass
class ClassState:
    """The class after every handed-in move: ``moves`` (time order), ``stances`` (merged), ``conflicts``,
    ``rejected`` (moves that could not be applied, with the reason) and ``skipped`` (files that are not hand-ins)."""

    moves: pd.DataFrame
    stances: pd.DataFrame
    conflicts: pd.DataFrame
    rejected: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    students: int = 0

    def verdict(self, package=None):
        """The verdict on ``package`` (the chair's starting draft if left out) under the merged stances."""
        from . import simulation

        return consensus_with(simulation.STARTING_DRAFT if package is None else package, self.stances)

    def blockers(self, package=None) -> list[str]:
        """The States that block ``package`` (the starting draft if left out) under the merged stances."""
        return self.verdict(package)["blockers"]

    def __repr__(self) -> str:
        return (f"Class state: {len(self.moves)} move(s) from {self.students} hand-in(s); "
                f"{len(self.conflicts)} conflict(s); {len(self.rejected)} move(s) rejected; "
                f"{len(self.skipped)} file(s) skipped.")


CONFLICT_COLUMNS = ["delegation_id", "dimension", "option", "students", "preferences", "applied", "applied_from"]


def _conflicts(move_table: pd.DataFrame) -> pd.DataFrame:
    """Two or more students of one delegation whose latest preferences for one option differ (the last applies)."""
    rows = []
    prefs = move_table[move_table["preference"].notna()]
    for (d, dim, opt), group in prefs.groupby(["delegation_id", "dimension", "option"], sort=True):
        latest = group.groupby("student", sort=False).tail(1)
        if latest["student"].nunique() > 1 and latest["preference"].nunique() > 1:
            last = group.iloc[-1]
            rows.append({"delegation_id": d, "dimension": dim, "option": opt,
                         "students": "; ".join(latest["student"]),
                         "preferences": "; ".join(f"{s}: {int(v):+d}" for s, v in
                                                  zip(latest["student"], latest["preference"])),
                         "applied": f"{int(last['preference']):+d}", "applied_from": last["student"]})
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


def merge_class(folder) -> ClassState:
    """Read a folder of hand-ins (kit.export_answers files) and merge every student's moves into one class state.

    Moves are applied in time order; a move that no longer fits the kit's data is listed in ``rejected`` with the
    reason, and two students of one delegation who set different preferences for one option are listed in
    ``conflicts`` (the later move applies): nothing is dropped silently.
    """
    from . import classroom, simulation

    path = Path(folder) if isinstance(folder, (str, os.PathLike)) and str(folder).strip() else None
    try:
        is_dir = path is not None and "\0" not in str(path) and path.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if not is_dir:
        raise DataError(f"{classroom.shown(folder)!s:.200} is not a folder; give the folder that holds the students' "
                        "hand-in files")
    base = simulation.stances()
    skipped, rejected, found, seen = [], [], [], set()
    handins = 0
    for file, name in classroom._handin_files(path, skipped):
        try:
            record = classroom.read_handin(file)
        except classroom.ClassroomError as err:
            skipped.append((name, str(err).removeprefix(classroom.shown(file.name) + ": ")))
            continue
        handins += 1
        student = record["student"].strip() or f"(no name: {name})"
        for move_id, rec in record["answers"].items():
            if not str(move_id).startswith(MOVE_PREFIX):
                continue
            m = _move_from_record(move_id, rec)
            if m is None:
                rejected.append((name, f"{move_id}: not a concession the kit wrote"))
                continue
            key = (student, m["move"], str(m["made_at"]))
            if key in seen:  # the same move in an older and a newer hand-in of one student
                continue
            seen.add(key)
            try:
                clean = _check_move(m["delegation_id"], m["dimension"], m["option"], m["preference"],
                                    m["lift_red_line"], m["justification"], base)
            except DataError as err:
                rejected.append((name, f"{move_id}: {err}"))
                continue
            found.append({"student": student, "move": m["move"], **clean, "made_at": str(m["made_at"]),
                          "_n": _move_number(m["move"]), "_file": name})
    found.sort(key=lambda m: (m["made_at"], m["student"], m["_n"]))
    table = pd.DataFrame(found, columns=MOVE_COLUMNS + ["_n", "_file"])
    table = table.rename(columns={"_file": "file"}).drop(columns="_n").reset_index(drop=True)
    table["preference"] = table["preference"].astype(object).where(table["preference"].notna(), None)
    return ClassState(moves=table, stances=apply_moves(table, base), conflicts=_conflicts(table),
                      rejected=rejected, skipped=skipped, students=handins)


# ---------------------------------------------------------------------------- the chair's draft

def _draft_path(path, what: str) -> Path | None:
    """Return the draft's path (``path``, else $KIT_CLASS_DRAFT, else None), refusing what is not a file name."""
    if path is None:
        env = os.environ.get(DRAFT_ENV, "").strip()
        return Path(env).expanduser() if env else None
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise DataError(f"give the path of the class draft as text, e.g. 'class/draft.json', not {path!r:.60} "
                        f"({what})")
    text = os.fspath(path)
    if not text.strip() or "\0" in text or len(text) > 4000:
        raise DataError(f"{text!r:.60} is not a file name; give the path of the class draft, e.g. "
                        f"'class/draft.json' ({what})")
    return Path(text).expanduser()


def _package_labels(package: dict) -> dict:
    from . import simulation

    opts = simulation.design_options()
    labels = dict(zip(zip(opts["dimension"], opts["option_id"]), opts["label"]))
    return {dim: labels.get((dim, opt), opt) for dim, opt in package.items()}


def draft_record(state: ClassState, package=None) -> dict:
    """Return the chair's draft as a dict: package, verdict, blockers and why, merged moves, conflicts."""
    from . import simulation

    if not isinstance(state, ClassState):
        raise DataError("state must come from kit.negotiation.merge_class(folder)")
    package = dict(simulation.STARTING_DRAFT) if package is None else package
    verdict = state.verdict(package)  # checks the package, naming the valid dimensions and options
    moves_out = [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items() if k != "file"}
                 for row in state.moves.to_dict("records")]
    return {"format": DRAFT_FORMAT, "version": DRAFT_VERSION, "published_at": _stamp(),
            "package": package, "labels": _package_labels(package),
            "consensus": bool(verdict["consensus"]), "blockers": list(verdict["blockers"]),
            "cannot_accept": verdict["cannot_accept"], "below_reservation": verdict["below_reservation"],
            "dissociates": verdict["dissociates"], "satisfaction": verdict["satisfaction"],
            "verdict": verdict.sentence(),
            "moves": {"count": len(moves_out), "students": int(state.moves["student"].nunique()),
                      "by_delegation": {str(k): int(v) for k, v in
                                        state.moves["delegation_id"].value_counts().sort_index().items()},
                      "applied": moves_out},
            "conflicts": state.conflicts.to_dict("records"),
            "rejected": [{"file": f, "reason": r} for f, r in state.rejected]}


def publish_draft(state: ClassState, package=None, path=None) -> Path:
    """Write the class's current draft (package, merged moves, blockers) as JSON, atomically; return the path.

    ``package`` defaults to the chair's starting draft; ``path`` to $KIT_CLASS_DRAFT.
    """
    from .classroom import write_atomic

    record = draft_record(state, package)
    target = _draft_path(path, "publish_draft")
    if target is None:
        raise DataError(f"give the path to publish to, e.g. publish_draft(state, package, 'class/draft.json'), "
                        f"or set ${DRAFT_ENV}")
    try:
        return write_atomic(target, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    except OSError as err:
        raise DataError(f"the class draft could not be written to {target} "
                        f"({err.strerror or err.__class__.__name__}); give another path") from None


class ClassDraft(dict):
    """The chair's published draft (or, with ``published`` False, a message saying why there is none yet)."""

    @property
    def published(self) -> bool:
        return self.get("format") == DRAFT_FORMAT

    def table(self) -> pd.DataFrame:
        """The draft package: one row per dimension, with the option's label."""
        from . import simulation

        pkg = self.get("package", {}) if self.published else {}
        labels = self.get("labels", {})
        return pd.DataFrame([{"dimension": simulation.DIMENSIONS.get(d, d), "option": labels.get(d, o)}
                             for d, o in pkg.items()], columns=["dimension", "option"])

    def __repr__(self) -> str:
        if not self.published:
            return self["message"]
        m = self["moves"]
        return (f"Chair's draft of {self['published_at'][:16].replace('T', ' ')} UTC, after {m['count']} move(s) "
                f"by {m['students']} student(s), {len(self['conflicts'])} conflict(s). {self['verdict']}")

    def _repr_html_(self) -> str:
        import html

        if not self.published:
            return f"<p>{html.escape(self['message'])}</p>"
        rows = "".join(f"<tr><td>{html.escape(r.dimension)}</td><td>{html.escape(str(r.option))}</td></tr>"
                       for r in self.table().itertuples())
        return (f"<p><b>{html.escape(repr(self))}</b></p><table><tr><th>dimension</th><th>draft</th></tr>"
                f"{rows}</table>")


def _no_draft(message: str) -> ClassDraft:
    return ClassDraft(message=message)


def class_draft(path=None) -> ClassDraft:
    """Read the chair's published draft (path: $KIT_CLASS_DRAFT if left out); before one is published, a message."""
    target = _draft_path(path, "class_draft")
    if target is None:
        return _no_draft(f"No class draft yet: your instructor has not told the kit where it is published (set "
                         f"${DRAFT_ENV}, or give the path: kit.class_draft('class/draft.json')).")
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _no_draft(f"No class draft has been published yet at {target}. Wait for the chair to publish it, "
                         "then run this cell again.")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        why = getattr(err, "strerror", None) or err.__class__.__name__
        return _no_draft(f"The class draft at {target} could not be read ({why}). Tell the chair.")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("format") != DRAFT_FORMAT or not isinstance(data.get("package"), dict):
        return _no_draft(f"{target} is not a class draft published by the kit. Tell the chair.")
    return ClassDraft(data)


# ---------------------------------------------------------------------------- debrief: two routes to a package

ROUTE_COLUMNS = ["dimension", "your class ended on", "your class's concessions", "agreed in 2025",
                 "first settled in 2025 by", "gave ground in 2025 (the kit's reading)", "same?"]


def _texts_2025(source_ids) -> list[tuple[str, str]]:
    """(date, "title (symbol)") of the dated UN texts (events.csv reports, resolutions, decisions) among the ids."""
    from .data import load

    ev = load("events").set_index("event_id")
    out = []
    for sid in source_ids:
        if sid in ev.index and ev.at[sid, "kind"] in ("report", "resolution", "decision"):
            row = ev.loc[sid]
            out.append((str(row["date"]), f"{row['title']} ({row['symbol']}), {row['date']}"))
    return sorted(out)


def _gave_ground(dim: str, agreed: list[str], stance_table: pd.DataFrame, names: dict) -> str:
    """The delegations whose stance (before July 2025) preferred another option of ``dim`` to every agreed one.

    Each is marked "(against)" when every agreed option was one it disliked (below 0) or a red line of its.
    """
    if not agreed:
        return "not known: the agreed option is not confirmed"
    who = []
    for r in stance_table[stance_table["dimension"] == dim].itertuples():
        prefs, lines = _pref_map(r.preferences), _split(r.red_lines)
        if not prefs:
            continue
        got = max(prefs.get(o, 0) for o in agreed)
        if got < max(prefs.values()):
            against = all(prefs.get(o, 0) < 0 or o in lines for o in agreed)
            who.append(names.get(r.delegation_id, r.delegation_id) + (" (against)" if against else ""))
    return "; ".join(who) or "no delegation preferred another option"


def _class_moves(draft) -> tuple[dict, dict]:
    """The package and the moves per dimension of a published draft (a ClassDraft) or a ClassState."""
    from . import simulation

    if isinstance(draft, ClassState):
        return dict(simulation.STARTING_DRAFT), {d: g.to_dict("records") for d, g in draft.moves.groupby("dimension")}
    if isinstance(draft, ClassDraft) and draft.published:
        by_dim: dict = {}
        for m in draft["moves"]["applied"]:
            by_dim.setdefault(m.get("dimension"), []).append(m)
        return dict(draft["package"]), by_dim
    return {}, {}


def compare_routes(draft=None) -> pd.DataFrame:
    """The debrief: per dimension, where the class ended and how it got there, beside the 2025 outcome and its route.

    ``draft``: the chair's published draft (``class_draft()``, the default), a path to one, or a ``merge_class``
    state. The class's route is its concessions on each dimension, in the order they were made; the 2025 route is
    the first UN text that settled the agreed option (from the Global Mechanism's features and their sources) and
    the delegations whose stance before July 2025 was against it, so who had to give ground (the kit's reading of
    ``stances.csv``). Before a draft is published, the class columns say so.
    """
    from . import simulation
    from .data import load

    if draft is None or isinstance(draft, (str, Path)):
        draft = class_draft(draft)
    if not isinstance(draft, (ClassDraft, ClassState)):
        raise DataError("compare_routes takes the class's draft: kit.class_draft(), a path to a published draft, "
                        "or the state from kit.negotiation.merge_class(folder)")
    package, by_dim = _class_moves(draft)
    opts = simulation.design_options()
    label = {(r.dimension, r.option_id): r.label for r in opts.itertuples()}
    cards = simulation.delegations()
    names = dict(zip(cards["delegation_id"], cards["name"]))
    feats = load("mechanism_features")
    gm = feats[feats["mechanism_id"] == "global_mechanism"].set_index("dimension")
    stance_table = simulation.stances()
    rows = []
    for dim, dim_label in simulation.DIMENSIONS.items():
        agreed = list(opts[(opts["dimension"] == dim) & (opts["agreed_2025"] == "yes")]["option_id"])
        feature = gm.loc[simulation.FEATURE_FOR[dim]] if simulation.FEATURE_FOR[dim] in gm.index else None
        texts = _texts_2025(list(feature["source_ids"])) if feature is not None else []
        if package:
            moves_here = by_dim.get(dim, [])
            said = [f"{names.get(m['delegation_id'], m['delegation_id'])}: "
                    + ("lifted its red line on " if m.get("lift_red_line") else "")
                    + (f"{label.get((dim, m['option']), m['option'])}"
                       + (f" to {int(m['preference']):+d}" if m.get("preference") is not None
                          and not pd.isna(m.get("preference")) else ""))
                    for m in moves_here]
            ended = label.get((dim, package.get(dim)), package.get(dim, "not in the draft"))
            moved = "; ".join(said) or "none"
            same = ("yes" if package.get(dim) in agreed else "no") if agreed else "not confirmed"
        else:
            ended = moved = same = "no class draft published yet"
        rows.append({"dimension": dim_label, "your class ended on": ended, "your class's concessions": moved,
                     "agreed in 2025": "; ".join(label[(dim, o)] for o in agreed) or "not confirmed in the texts",
                     "first settled in 2025 by": texts[0][1] if texts else "no dated UN text among its sources",
                     "gave ground in 2025 (the kit's reading)": _gave_ground(dim, agreed, stance_table, names),
                     "same?": same})
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


# ---------------------------------------------------------------------------- command line (the chair)

def _package_arg(text: str | None) -> dict:
    """The package from --package: a JSON object or a JSON file; dimensions left out keep the starting draft."""
    from . import simulation

    if text is None:
        return dict(simulation.STARTING_DRAFT)
    source = Path(text)
    try:
        if source.is_file():
            text = source.read_text(encoding="utf-8")
    except (OSError, ValueError):
        pass
    try:
        given = json.loads(text)
    except json.JSONDecodeError:
        raise DataError("--package must be a JSON object such as '{\"format\": \"single_track_body\"}' or a JSON "
                        "file holding one") from None
    if not isinstance(given, dict):
        raise DataError("--package must be a JSON object of dimension -> option")
    return {**simulation.STARTING_DRAFT, **given}


def chair_report(state: ClassState, package: dict) -> str:
    """Return what the chair reads out: moves, conflicts, and who blocks the package and why."""
    from . import simulation

    verdict = state.verdict(package)
    names = dict(zip(simulation.delegations()["delegation_id"], simulation.delegations()["name"]))
    lines = [f"{len(state.moves)} move(s) from {state.students} hand-in(s)."]
    for _, c in state.conflicts.iterrows():
        lines.append(f"Conflict: {names.get(c.delegation_id, c.delegation_id)}, {c.dimension} / {c.option}: "
                     f"{c.preferences} (applied {c.applied}, from {c.applied_from}).")
    for file, why in state.rejected:
        lines.append(f"Rejected move in {file}: {why}")
    for file, why in state.skipped:
        lines.append(f"Skipped {file}: {why}")
    lines.append("Package: " + "; ".join(f"{d}={o}" for d, o in package.items()))
    for d in verdict["blockers"]:
        if d in verdict["cannot_accept"]:
            st = state.stances[state.stances["delegation_id"] == d]
            reds = {row.dimension: _split(row.red_lines) for row in st.itertuples()}
            crossed = ", ".join(f"{dim}={opt}" for dim, opt in package.items() if opt in reds.get(dim, []))
            lines.append(f"{names.get(d, d)} blocks: red line crossed ({crossed}).")
        else:
            lines.append(f"{names.get(d, d)} blocks: not enough for it ({verdict['satisfaction'][d]} %, below its "
                         "reservation level).")
    lines.append(verdict.sentence())
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.negotiation",
                                     description="The chair's tools for the class negotiation (notebook 08).")
    sub = parser.add_subparsers(dest="command", required=True)
    chair = sub.add_parser("chair", help="merge a folder of hand-ins and print who blocks the package")
    chair.add_argument("folder", help="the folder of hand-in files written by kit.export_answers()")
    chair.add_argument("--package", help="a JSON object (or file) of dimension -> option; the rest: starting draft")
    chair.add_argument("--publish", help="write the draft as JSON to this path for the students (kit.class_draft)")
    args = parser.parse_args(argv)
    try:
        package = _package_arg(args.package)
        state = merge_class(args.folder)
        print(chair_report(state, package))
        if args.publish:
            print(f"Published the draft: {publish_draft(state, package, args.publish)}")
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
