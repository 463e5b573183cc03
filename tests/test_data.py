"""The data layer: every table valid against its schema, every fact sourced, every quotation verbatim."""
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
import kit.data as data
from tests.notebook_list import ROOT

PAPER = Path(os.environ.get("KIT_PAPER_PATH", ROOT.parent / "shared" / "paper" / "position_paper.md"))


def paper_paragraphs() -> dict[int, str]:
    """Return {paragraph number: text} from the shared copy of the position paper."""
    text = PAPER.read_text(encoding="utf-8")
    parts = re.split(r"^## ¶(\d+)\s*$", text, flags=re.M)
    return {int(num): body.strip() for num, body in zip(parts[1::2], parts[2::2])}


# ---------------------------------------------------------------- the whole package

def test_every_table_is_valid():
    assert data.validate_all() == []


def test_frictionless_validates_the_data_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(ROOT / "data" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_every_table_in_the_folder_is_described():
    folder = ROOT / "data"
    csvs = {p.relative_to(folder).as_posix() for p in [*folder.glob("*.csv"), *folder.glob("records/*.csv")]}
    assert csvs == {data._resource(name)["path"] for name in kit.tables()}


@pytest.mark.parametrize("name", data.tables())
def test_every_table_loads_with_rows(name):
    df = kit.load(name)
    assert len(df) > 0
    if "source_ids" in df and name != "glossary":
        assert df["source_ids"].map(len).gt(0).all(), f"{name}: a row without a source"


def test_every_source_id_resolves():
    known = set(kit.load("sources")["source_id"])
    for name in kit.tables():
        df = kit.load(name)
        if "source_ids" in df:
            cited = {s for ids in df["source_ids"] for s in ids}
            assert cited <= known, f"{name} cites unknown sources {cited - known}"


def test_sources_can_be_opened():
    sources = kit.load("sources")
    assert sources["url"].str.match(r"^https?://\S+$").all()
    un = sources[sources["kind"].isin(["un_resolution", "un_decision", "un_report"])]
    assert len(un) >= 10
    assert un["symbol"].notna().all(), "every UN resolution, decision and report carries its symbol"


# ---------------------------------------------------------------- the paper's arguments

def test_every_paragraph_has_a_claim_with_support_and_counter():
    args = kit.load("paper_arguments")
    complete = args.dropna(subset=["support", "counter"])
    assert set(complete["paragraph"]) == set(range(1, 13))


def test_every_quotation_is_verbatim_and_short():
    if not PAPER.exists():
        pytest.skip(f"the shared copy of the paper is not at {PAPER} (set KIT_PAPER_PATH)")
    paragraphs = paper_paragraphs()
    assert sorted(paragraphs) == list(range(1, 13))
    for row in kit.load("paper_arguments").query("paper_id == 'ru_2023'").itertuples():  # eu_2023: tests/test_balance.py
        assert row.quote in paragraphs[row.paragraph], f"{row.claim_id}: quote not verbatim in ¶{row.paragraph}"
        assert len(row.quote.split()) <= 30, f"{row.claim_id}: quotation longer than a sentence"


def test_the_paper_cites_its_official_source():
    args = kit.load("paper_arguments")
    own = {"ru_2023": {"ru_poa_position_2023"}, "eu_2023": {"eeas_rid_mar2023", "eeas_rid_may2023", "eeas_rid_dec2023"}}
    assert set(args["paper_id"]) == set(own)
    for row in args.itertuples():
        assert own[row.paper_id] & set(row.source_ids), f"{row.claim_id}: does not cite its paper"


# ---------------------------------------------------------------- the timeline and the votes

REPORTS_2010_2025 = {
    "A/65/201": "GGE 2009-2010", "A/68/98": "GGE 2012-2013", "A/70/174": "GGE 2014-2015",
    "A/72/327": "GGE 2016-2017 (no consensus)", "A/76/135": "GGE 2019-2021", "A/75/816": "OEWG 2019-2021",
    "A/77/275": "OEWG APR 2022", "A/78/265": "OEWG APR 2023", "A/79/214": "OEWG APR 2024",
    "A/80/257": "OEWG final report 2025",
}


def _symbols(series) -> set:
    return {s.strip().rstrip("*") for cell in series.dropna() for s in re.split(r"[;,]", cell)}


@pytest.mark.parametrize("symbol", sorted(REPORTS_2010_2025))
def test_every_gge_and_oewg_report_is_on_the_timeline(symbol):
    events = kit.load("events")
    assert symbol in _symbols(events["symbol"]), f"{REPORTS_2010_2025[symbol]} ({symbol}) is missing from events"


def test_timeline_covers_every_year_2010_to_2025():
    events = kit.load("events")
    spans = events.assign(end=events["end_date"].fillna(events["date"]))
    years = {y for s, e in zip(spans["date"].dt.year, spans["end"].dt.year) for y in range(s, e + 1)}
    assert set(range(2010, 2026)) <= years


def test_every_gge_and_oewg_is_a_span():
    bodies = kit.load("events").query("kind == 'body'")
    assert (bodies.query("track == 'gge'").shape[0]) >= 6
    assert (bodies.query("track == 'oewg'").shape[0]) >= 2
    assert bodies.query("track in ['gge', 'oewg']")["end_date"].notna().all()


def membership_on(date: pd.Timestamp, members: pd.DataFrame) -> int:
    """Return the number of UN Member States on ``date``."""
    earlier = members[members["date"] <= date].sort_values("date")
    if earlier.empty:
        raise ValueError(f"no membership figure before {date:%Y-%m-%d}")
    return int(earlier["members"].iloc[-1])


def test_no_tally_exceeds_the_un_membership_of_its_year():
    members = kit.load("un_members")
    votes = kit.load("votes").dropna(subset=["yes"])
    assert len(votes) >= 5
    for v in votes.itertuples():
        total = sum(int(x) for x in (v.yes, v.no, v.abstain) if not pd.isna(x))
        assert total <= membership_on(v.date, members), f"{v.vote_id}: {total} votes"


def test_membership_check_can_fail():
    members = pd.DataFrame({"date": pd.to_datetime(["2006-06-28", "2011-07-14"]), "members": [192, 193]})
    assert membership_on(pd.Timestamp("2010-12-01"), members) == 192
    assert membership_on(pd.Timestamp("2020-12-01"), members) == 193


def test_tallies_only_for_recorded_votes():
    votes = kit.load("votes")
    unrecorded = votes[votes["adoption"] == "without a vote"]
    assert unrecorded[["yes", "no", "abstain"]].isna().all().all()
    assert set(votes["body"]) <= {"General Assembly", "First Committee"}


def test_first_committee_and_plenary_tallies_are_kept_apart():
    votes = kit.load("votes")
    both = votes[votes["symbol"] == "A/RES/73/27"]
    assert set(both["body"]) == {"General Assembly", "First Committee"}
    assert both.set_index("body").loc["First Committee", "yes"] != both.set_index("body").loc["General Assembly", "yes"]


# ---------------------------------------------------------------- the other tables

def test_eleven_norms_a_to_k():
    norms = kit.load("norms")
    assert list(norms["letter"]) == list("abcdefghijk")


def test_mechanisms_compared_on_eight_dimensions():
    features = kit.load("mechanism_features")
    grid = features.pivot(index="mechanism_id", columns="dimension", values="value")
    assert grid.shape[0] >= 6 and grid.shape[1] == 8
    assert grid.notna().all().all(), "every mechanism x dimension cell is filled"


def test_positions_of_at_least_twelve_actors():
    positions = kit.load("positions")
    assert positions["actor_id"].nunique() >= 12
    assert set(positions["issue"]) == {"poa", "convention", "oewg", "cybercrime", "international_law"}


@pytest.mark.parametrize("term", ["consensus", "recorded vote", "First Committee", "GGE", "OEWG", "PoA",
                                  "capacity-building", "rules-based order"])
def test_glossary_explains_key_terms(term):
    assert not kit.glossary(term).empty


# ---------------------------------------------------------------- errors a user can cause

def test_unknown_table_lists_the_valid_names():
    with pytest.raises(kit.DataError) as err:
        kit.load("evnts")
    assert "did you mean 'events'" in str(err.value) and "votes" in str(err.value)


@pytest.mark.parametrize("bad", [None, 3, ["events"]])
def test_table_name_of_the_wrong_type(bad):
    with pytest.raises(kit.DataError, match="choose one of"):
        kit.load(bad)


def test_load_gives_a_copy():
    df = kit.load("events")
    df.loc[:, "title"] = "changed"
    assert (kit.load("events")["title"] != "changed").all()


def test_dates_are_parsed_with_their_precision():
    events = kit.load("events")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert set(events["date_precision"]) <= {"day", "month", "year"}
    assert events.loc[events["date_precision"] == "day", "date_label"].str.len().eq(10).all()


def test_cite_formats_sources_in_order():
    sources = kit.load("sources")
    a, b = sources["source_id"].iloc[:2]
    c = kit.cite(f"{b};{a};{b}")
    assert [r["source_id"] for r in c.rows] == [b, a]
    assert str(c).startswith("[1] ") and sources.set_index("source_id").loc[b, "url"] in str(c)
    assert "<a href=" in c._repr_html_()


def test_cite_unknown_id():
    with pytest.raises(kit.DataError, match="unknown source id"):
        kit.cite(["a_res_77_37", "no_such_source"])


def test_cite_escapes_html():
    c = data.Citation([{"title": "<script>x</script>", "publisher": "P", "symbol": "", "date": "",
                        "url": "https://e.org/?a=1&b=<2>"}])
    assert "<script>" not in c._repr_html_()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break; the kit reads it instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    data.clear_caches()
    yield copy
    data.clear_caches()


def _edit_row(path: Path, row_index: int, column: str, value: str) -> str:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row_index, column] = value
    df.to_csv(path, index=False)
    return df.iloc[row_index, 0]


def test_an_unknown_source_id_names_the_row(data_copy):
    row_id = _edit_row(data_copy / "events.csv", 3, "source_ids", "no_such_source")
    with pytest.raises(kit.DataError) as err:
        kit.load("events")
    msg = str(err.value)
    assert "data/events.csv, line 5" in msg and row_id in msg and "no_such_source" in msg
    assert any("no_such_source" in p for p in data.validate_all())


@pytest.mark.parametrize("bad_date", ["2022-13-01", "2021-02-30", "12/03/2021", "2021-3-1"])
def test_a_bad_date_names_the_row(data_copy, bad_date):
    row_id = _edit_row(data_copy / "events.csv", 0, "date", bad_date)
    with pytest.raises(kit.DataError) as err:
        kit.load("events")
    assert "line 2" in str(err.value) and row_id in str(err.value) and "'date'" in str(err.value)


def test_a_value_outside_the_allowed_list(data_copy):
    _edit_row(data_copy / "votes.csv", 0, "body", "Security Council")
    with pytest.raises(kit.DataError, match="choose one of: General Assembly, First Committee"):
        kit.load("votes")


def test_a_duplicate_id(data_copy):
    first = pd.read_csv(data_copy / "norms.csv", dtype=str, keep_default_na=False).iloc[0, 0]
    _edit_row(data_copy / "norms.csv", 1, "norm_id", first)
    with pytest.raises(kit.DataError, match="duplicate id"):
        kit.load("norms")


def test_a_missing_table_file(data_copy):
    (data_copy / "glossary.csv").unlink()
    with pytest.raises(kit.DataError, match="glossary.csv is missing"):
        kit.load("glossary")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_parse_date_never_crashes(text):
    try:
        ts, precision = data.parse_date(text)
    except ValueError as err:
        assert "date" in str(err)
    else:
        assert precision in {"day", "month", "year"} and isinstance(ts, pd.Timestamp)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=10), st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3)))
def test_load_and_cite_give_clear_errors_for_any_input(value):
    for call in (kit.load, kit.cite):
        try:
            call(value)
        except kit.DataError:
            pass


# ---------------------------------------------------------------- damaged data files: named by file, line and column

def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_a_utf8_byte_order_mark_is_accepted(data_copy):
    path = data_copy / "norms.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(kit.load("norms")["letter"]) == list("abcdefghijk")
    assert data.validate_all() == []


def test_a_short_row_is_named_by_file_line_and_column(data_copy):
    path = data_copy / "norms.csv"
    lines = _lines(path)
    lines[3] = "n13c,c\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(kit.DataError) as err:
        kit.load("norms")
    assert "data/norms.csv, line 4, column 'short_title': the row ends after 2 of 7 cells" in str(err.value)


def test_an_unterminated_quote_is_named_by_file_line_and_column(data_copy):
    path = data_copy / "norms.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'n13z,z,"Never closed,summary,asks,confirmed,a_res_77_37\n',
                    encoding="utf-8")
    with pytest.raises(kit.DataError) as err:
        kit.load("norms")
    assert "data/norms.csv, line 13, column 'short_title': a quoted cell is never closed" in str(err.value)


def test_line_numbers_stay_right_after_multi_line_quoted_cells(data_copy):
    path = data_copy / "events.csv"
    _edit_row(path, 0, "title", "a title\nover\nthree lines")   # two extra lines in the file
    row_id = _edit_row(path, 3, "source_ids", "no_such_source")
    with pytest.raises(kit.DataError) as err:
        kit.load("events")
    assert f"data/events.csv, line 7 (event_id={row_id!r})" in str(err.value)


def test_a_resource_without_a_path_is_named_with_its_line(data_copy):
    pkg = data_copy / "datapackage.json"
    text = pkg.read_text(encoding="utf-8")
    assert text.count('"path": "glossary.csv",') == 1
    pkg.write_text(text.replace('"path": "glossary.csv",', ""), encoding="utf-8")
    start = next(i for i, line in enumerate(_lines(pkg), 1) if '"name": "glossary"' in line) - 1  # its '{'
    assert _lines(pkg)[start - 1].strip() == "{"
    with pytest.raises(kit.DataError) as err:
        kit.load("glossary")
    assert f"data/datapackage.json, line {start} (resource 'glossary'): no 'path'" in str(err.value)
    assert len(kit.load("norms")) == 11, "the other tables still load"


def test_a_byte_that_is_not_utf8_is_named_with_its_line(data_copy):
    path = data_copy / "norms.csv"
    raw = path.read_bytes().split(b"\n")
    raw[4] = raw[4].replace(b"Cooperate", b"Co\xffoperate", 1)
    path.write_bytes(b"\n".join(raw))
    with pytest.raises(kit.DataError, match=r"data/norms\.csv, line 5: the byte 0xff \(byte 10 of the line\) is not UTF-8"):
        kit.load("norms")


def test_a_nul_in_a_cell_and_a_table_without_rows_are_refused(data_copy):
    _edit_row(data_copy / "norms.csv", 2, "summary", "has a \0 in it")
    with pytest.raises(kit.DataError, match=r"data/norms\.csv, line 4, column 'summary': a NUL character"):
        kit.load("norms")
    glossary = data_copy / "glossary.csv"
    glossary.write_text(_lines(glossary)[0], encoding="utf-8")
    with pytest.raises(kit.DataError, match=r"data/glossary\.csv has a header but no rows"):
        kit.load("glossary")
    glossary.write_text("", encoding="utf-8")
    data.clear_caches()
    with pytest.raises(kit.DataError, match=r"data/glossary\.csv is empty"):
        kit.load("glossary")
