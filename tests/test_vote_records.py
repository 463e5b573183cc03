"""Every vote row matches the official record it was checked against (data/records/vote_records.csv), every row
cites an official record, and no row cites the press release of a meeting held before its vote."""
import pandas as pd
import pytest

import kit

# Rows for which no official record was read: each is a gap to close, not a licence. The list may only shrink.
NO_RECORD_READ = {
    "a_res_64_25_c1": "First Committee action of 2009 known only from A/64/PV.55 as quoted in the Voeten data",
    "a_res_73_266_c1": "L.37 tally read only in Digital Watch; GA/DIS/3619 covers the meeting but its L.37 part was not read",
    "a_res_74_29_c1": "First Committee tally read only in Sputnik/UrduPoint and the Russian MFA",
}
# Figures a row gives that its official record does not: (row, column) -> the sources that give them.
NOT_IN_RECORD = {
    ("a_res_77_37_c1", "yes"): "Digital Watch, NASK (AG/DSI/3705 gives only the six against)",
    ("a_res_77_37_c1", "abstain"): "Digital Watch, NASK (AG/DSI/3705 gives only the six against)",
}
COUNTS = ("yes", "no", "abstain")


@pytest.fixture(scope="module")
def votes():
    return kit.load("votes")


@pytest.fixture(scope="module")
def records():
    return kit.load("vote_records")


@pytest.fixture(scope="module")
def sources():
    return kit.load("sources").set_index("source_id")


def _day(value) -> str:
    """The date as written in the CSV (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _raw(table: str, key: str) -> dict:
    """Return {key: date text} as written in the CSV, so that a partial date stays partial."""
    import csv
    path = kit.data.DATA_DIR / kit.data._resource(table)["path"]
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key] if key in r else (r["symbol"], r["body"]): r["date"] for r in csv.DictReader(f)}


def _record_for(row, records):
    hit = records[(records["symbol"] == row.symbol) & (records["body"] == row.body)]
    return None if hit.empty else hit.iloc[0]


def test_the_extract_is_sourced(records, sources):
    assert len(records) >= 25
    for r in records.itertuples():
        assert r.source_id in sources.index, r.source_id
        assert sources.loc[r.source_id, "reliability"] == "official_record", r.source_id
        assert r.record_url.startswith(("https://digitallibrary.un.org/record/", "https://igov.un.org/",
                                        "https://documents.un.org/", "https://press.un.org/")), r.record_url
        assert r.copy_read.strip()
    copies = sources[sources["reliability"] == "copy"]
    assert "un_votes_copy_navyanawal" in copies.index and "mandate_pipeline_copy" in copies.index


def test_every_vote_row_matches_the_record(votes, records):
    vote_dates, record_dates = _raw("votes", "vote_id"), _raw("vote_records", "")
    problems, checked = [], 0
    for v in votes.itertuples():
        if v.vote_id in NO_RECORD_READ:
            assert _record_for(v, records) is None, f"{v.vote_id} has a record now: drop it from NO_RECORD_READ"
            continue
        rec = _record_for(v, records)
        if rec is None:
            problems.append(f"{v.vote_id}: no record for {v.symbol} ({v.body}) in data/records/vote_records.csv")
            continue
        checked += 1
        if vote_dates[v.vote_id] != record_dates[(rec["symbol"], rec["body"])]:
            problems.append(f"{v.vote_id}: date {vote_dates[v.vote_id]} but the record says "
                            f"{record_dates[(rec['symbol'], rec['body'])]}")
        for k in COUNTS:
            mine, theirs = getattr(v, k), rec[k]
            if pd.isna(theirs):
                if not pd.isna(mine) and (v.vote_id, k) not in NOT_IN_RECORD:
                    problems.append(f"{v.vote_id}: {k}={int(mine)} is not in the record")
            elif pd.isna(mine) or int(mine) != int(theirs):
                problems.append(f"{v.vote_id}: {k}={mine} but the record says {int(theirs)}")
    assert not problems, "\n".join(problems)
    print(f"\n{checked} vote rows match the record extract; {len(NO_RECORD_READ)} rows have no record read")


def test_the_corrected_tally_stays_corrected(votes):
    row = votes.set_index("vote_id").loc["a_res_71_28_ga"]
    assert (int(row["yes"]), int(row["no"]), int(row["abstain"])) == (181, 0, 1)   # Digital Library record 855186


def test_every_row_cites_an_official_record(votes, sources):
    missing = []
    for v in votes.itertuples():
        kinds = {sources.loc[s, "reliability"] for s in v.source_ids}
        if "official_record" not in kinds and v.vote_id not in NO_RECORD_READ:
            missing.append(f"{v.vote_id} ({', '.join(v.source_ids)})")
    assert not missing, "rows without an official record: " + "; ".join(missing)
    assert set(NO_RECORD_READ) <= set(votes["vote_id"])


def _before(source_date: str, vote_date: str) -> bool:
    """True unless the source is known to date from the vote's day (or period) or later."""
    n = min(len(source_date), len(vote_date))
    return source_date[:n] < vote_date[:n] or len(source_date) < 4


def test_no_row_cites_a_press_release_of_an_earlier_meeting(votes, sources):
    vote_dates = _raw("votes", "vote_id")
    bad = []
    for v in votes.itertuples():
        for s in v.source_ids:
            if sources.loc[s, "kind"] == "un_press_release":
                d = "" if pd.isna(sources.loc[s, "date"]) else _day(sources.loc[s, "date"])
                raw = next((r for r in [_raw("sources", "source_id").get(s)] if r is not None), d)
                if _before(raw, vote_dates[v.vote_id]):
                    bad.append(f"{v.vote_id} ({vote_dates[v.vote_id]}) cites {s} ({raw or 'undated'})")
    assert not bad, "\n".join(bad)


def test_the_press_release_check_can_fail():
    assert _before("2022-11-02", "2022-11-03") and _before("2022-10", "2022-11-03") and _before("", "2022-11")
    assert not _before("2022-11-03", "2022-11-03") and not _before("2022-11", "2022-11")


def test_the_adoption_mode_matches_the_record(votes, records):
    """A record that says no vote was taken backs only a row adopted without a vote and without a tally; a record
    with a full tally backs only a recorded vote."""
    problems, seen = [], {"no vote": 0, "tally": 0}
    for v in votes.itertuples():
        rec = _record_for(v, records)
        if rec is None:
            continue
        full = all(not pd.isna(rec[k]) for k in COUNTS)
        no_vote = "no vote taken" in rec["record"]
        assert not (full and no_vote), f"{rec['symbol']} ({rec['body']}): a record cannot give both"
        if no_vote:
            seen["no vote"] += 1
            if v.adoption != "without a vote" or any(not pd.isna(getattr(v, k)) for k in COUNTS):
                problems.append(f"{v.vote_id}: the record says no vote was taken, the row says {v.adoption}")
        if full:
            seen["tally"] += 1
            if v.adoption != "recorded vote":
                problems.append(f"{v.vote_id}: the record gives a tally, the row says {v.adoption}")
    assert not problems, "\n".join(problems)
    assert seen["no vote"] and seen["tally"], seen
