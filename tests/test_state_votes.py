"""Each Member State's plenary vote (data/state_votes.csv) adds up to the plenary tallies of votes.csv, and the
coalition tables built from it (kit.cross_votes, kit.how_voted) agree with the table they read."""
import pandas as pd
import pytest

import kit
from kit.data import DataError
from kit.votes import RIVAL_PAIRS, VOTE_ORDER, cross_votes, how_voted


@pytest.fixture(scope="module")
def state_votes():
    return kit.load("state_votes")


def tally_problems(state_votes: pd.DataFrame, votes: pd.DataFrame) -> list[str]:
    """Return every text whose State-by-State votes do not add up to its plenary tally in votes.csv."""
    plenary = votes[votes["body"] == "General Assembly"].set_index("symbol")
    problems = []
    for symbol, rows in state_votes.groupby("symbol", sort=False):
        if symbol not in plenary.index:
            problems.append(f"{symbol}: no plenary row in votes.csv")
            continue
        counts = rows["vote"].value_counts()
        for k in ("yes", "no", "abstain"):
            if int(counts.get(k, 0)) != int(plenary.loc[symbol, k]):
                problems.append(f"{symbol}: {int(counts.get(k, 0))} States voted {k}, the tally says "
                                f"{int(plenary.loc[symbol, k])}")
    return problems


def test_each_states_votes_add_up_to_the_tallies(state_votes):
    assert tally_problems(state_votes, kit.load("votes")) == []
    texts = list(dict.fromkeys(state_votes["symbol"]))
    assert {t for pair in RIVAL_PAIRS for t in pair} == set(texts)
    print(f"\n{len(state_votes)} State votes on {len(texts)} texts add up to their plenary tallies")


def test_the_tally_check_can_fail(state_votes):
    broken = state_votes.copy()
    i = broken.index[(broken["symbol"] == "A/RES/77/37") & (broken["vote"] == "yes")][0]
    broken.loc[i, "vote"] = "abstain"
    assert tally_problems(broken, kit.load("votes")) == [
        "A/RES/77/37: 155 States voted yes, the tally says 156",
        "A/RES/77/37: 15 States voted abstain, the tally says 14"]


def test_every_member_state_once_per_text(state_votes):
    members = kit.load("un_members").sort_values("date")["members"].iloc[-1]
    per_text = state_votes.groupby("symbol")["member_state"].agg(["count", "nunique"])
    assert (per_text["count"] == members).all() and (per_text["nunique"] == members).all(), per_text
    assert set(state_votes["vote"]) <= set(VOTE_ORDER)
    assert (state_votes["source_ids"].map(list) == [["dgacm_unxml"]] * len(state_votes)).all()


def test_cross_votes_counts_every_state_once_and_keeps_the_margins(state_votes):
    for first, second in RIVAL_PAIRS:
        table = cross_votes(first, second)
        assert table["number of States"].sum() == 193
        a = state_votes[state_votes["symbol"] == first].set_index("member_state")["vote"]
        b = state_votes[state_votes["symbol"] == second].set_index("member_state")["vote"]
        for r in table.itertuples(index=False):
            va, vb, n, names = r
            expect = sorted(a.index[(a == va) & (b.reindex(a.index) == vb)])
            assert names.split(", ") == expect and n == len(expect)
        yes_first = table.loc[table[f"vote on {first}"] == "yes", "number of States"].sum()
        assert yes_first == (a == "yes").sum()
    both = cross_votes("A/RES/77/37", "A/RES/77/36")
    row = both[(both["vote on A/RES/77/37"] == "yes") & (both["vote on A/RES/77/36"] == "yes")].iloc[0]
    assert "Egypt" in row["States"] and "India" in row["States"] and "France" not in row["States"]


def test_how_voted_reads_one_state(state_votes):
    egypt = how_voted("egypt")   # any case
    assert len(egypt) == 8 and list(egypt.columns) == ["text", "date", "vote", "plenary tally (yes-no-abstain)"]
    mine = state_votes[state_votes["member_state"] == "Egypt"].set_index("symbol")["vote"]
    for r in egypt.itertuples(index=False):
        assert r.vote == mine[r.text.split(" · ")[0]]
    assert list(egypt["date"]) == sorted(egypt["date"])


@pytest.mark.parametrize("call, message", [
    (lambda: cross_votes("A/RES/73/27"), "choose one of the texts with each State's vote: A/RES/74/28"),
    (lambda: cross_votes("A/RES/77/37", "A/RES/77/37"), "choose two different texts"),
    (lambda: cross_votes(None), "unknown first text None"),
    (lambda: how_voted("Egipt"), "did you mean: Egypt"),
    (lambda: how_voted(""), "name a Member State"),
    (lambda: how_voted("Xq"), "kit.load('state_votes')"),
    (lambda: cross_votes(state_votes=[1, 2]), "expected the table of each State's vote"),
])
def test_bad_input_names_the_choices(call, message):
    with pytest.raises(DataError) as err:
        call()
    assert message in str(err.value)
