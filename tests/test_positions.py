"""positions.csv covers enough States and groups, and every delegation card rests on its own sourced, dated facts.

A card's facts are the rows of positions.csv for its delegation_id (kit.simulation.delegation_facts); the card shows
each with its date, confidence and sources. A card needs at least three such facts on at least two issues, and no
two cards may show the same set of facts (a copied card teaches nothing about the delegation it names).
"""
import re
import shutil

import pandas as pd
import pytest

import kit
import kit.data as data
import kit.simulation as sim

MIN_ACTORS = 30
MIN_FACTS, MIN_ISSUES = 3, 2
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Every card meets the bar. The thin Arab Group and Pacific island cards (two and one statements, both of July 2025)
# were replaced in December 2026 by Mexico and Singapore, States with a dated record; the Arab Group's facts stay in
# positions.csv as facts about a group, not as a card.


def card_problems(delegation_id: str) -> list[str]:
    """Return what keeps one card from resting on >= 3 sourced, dated facts on >= 2 issues (empty if nothing)."""
    known = set(kit.load("sources")["source_id"])
    facts = sim.delegation_facts(delegation_id)
    problems = []
    good = []
    for f in facts.itertuples():
        ids = list(f.source_ids)
        if not ids or not set(ids) <= known:
            problems.append(f"{delegation_id}: fact of {f.date} on {f.issue} has unknown or no sources {ids}")
        elif not DATE.match(str(f.date)):
            problems.append(f"{delegation_id}: fact on {f.issue} has no date")
        else:
            good.append(f)
    if len(good) < MIN_FACTS:
        problems.append(f"{delegation_id}: {len(good)} sourced, dated facts (needs {MIN_FACTS})")
    issues = {f.issue for f in good}
    if len(issues) < MIN_ISSUES:
        problems.append(f"{delegation_id}: facts on {len(issues)} issue(s) {sorted(issues)} (needs {MIN_ISSUES})")
    return problems


def copied_cards() -> list[str]:
    """Return 'a = b' for every pair of cards that show exactly the same facts."""
    seen, copies = {}, []
    for d in sim.delegations()["delegation_id"]:
        facts = sim.delegation_facts(d)
        key = frozenset((f.issue, f.stance, str(f.date), f.statement, tuple(f.source_ids)) for f in facts.itertuples())
        if key in seen:
            copies.append(f"{seen[key]} = {d}")
        else:
            seen[key] = d
    return copies


def test_positions_cover_at_least_thirty_states_and_groups():
    pos = kit.load("positions")
    actors = pos["actor_id"].nunique()
    print(f"positions.csv: {len(pos)} rows, {actors} actors "
          f"({pos.loc[pos['actor_kind'] == 'group', 'actor_id'].nunique()} groups)")
    assert actors >= MIN_ACTORS, f"only {actors} actors in positions.csv (needs {MIN_ACTORS})"
    assert pos["date_label"].str.match(DATE).all()
    assert pos["source_ids"].map(len).gt(0).all()
    # one actor, one name and one kind: a typo in an id would silently make a new actor
    assert (pos.groupby("actor_id")[["actor", "actor_kind"]].nunique() == 1).all().all()


@pytest.mark.parametrize("delegation_id", list(sim.delegations()["delegation_id"]))
def test_every_card_has_three_sourced_dated_facts_on_two_issues(delegation_id):
    problems = card_problems(delegation_id)
    assert problems == [], "\n".join(problems)
    page = sim.delegation_card(delegation_id)._repr_html_()
    for f in sim.delegation_facts(delegation_id).itertuples():
        assert f"({f.date}; {f.confidence}; source: {', '.join(f.source_ids)})" in page


def test_no_two_cards_show_the_same_facts():
    copies = copied_cards()
    assert copies == [], "cards that are copies of each other: " + "; ".join(copies)


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """In a private copy of data/, give Syria the DPRK's rows and Egypt only two facts: both checks must say so."""
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    data.clear_caches()
    try:
        pos = pd.read_csv(copy / "positions.csv", dtype=str, keep_default_na=False)
        dprk = pos[pos["actor_id"] == "dprk"].assign(actor_id="syria", actor="Syrian Arab Republic")
        pos = pd.concat([pos[pos["actor_id"] != "syria"], dprk])
        egypt = pos[pos["actor_id"] == "egypt"].head(2)  # its two PoA rows only
        pos = pd.concat([pos[pos["actor_id"] != "egypt"], egypt])
        pos.to_csv(copy / "positions.csv", index=False)
        assert "dprk = syria" in copied_cards()
        problems = card_problems("egypt")
        assert any("egypt: 2 sourced, dated facts" in p for p in problems)
        assert any("egypt: facts on 1 issue(s) ['poa']" in p for p in problems)
    finally:
        data.clear_caches()
