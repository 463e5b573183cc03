"""Source criticism, shown to students: every source says what kind of source it is, kit.cite shows it, and a
machine-written summary or a third-party copy never carries a confirmed fact alone."""
import collections
import re

import pandas as pd
import pytest

import kit
import kit.data as data
from kit.exercises import Result, result_html
from kit.paper import claim_card_html

LABELS = list(data.RELIABILITY)
WEAK = set(data.WEAK_RELIABILITY)


def _tables_with_confidence() -> list[str]:
    out = []
    for name in kit.tables():
        fields = {f["name"] for f in data.schema(name)["fields"]}
        if {"source_ids", "confidence"} <= fields:
            out.append(name)
    return out


def confirmed_on_weak_sources_only() -> list[str]:
    """Return 'table: row id (sources)' for every confirmed row whose sources are all ai_summary or copy."""
    reliability = kit.load("sources").set_index("source_id")["reliability"]
    problems = []
    for name in _tables_with_confidence():
        table = kit.load(name)
        pk = data.schema(name)["primaryKey"]
        pk = [pk] if isinstance(pk, str) else list(pk)
        for _, row in table[table["confidence"] == "confirmed"].iterrows():
            ids = list(row["source_ids"])
            if ids and all(reliability[s] in WEAK for s in ids):
                key = ", ".join(str(row[f"{k}_label"] if f"{k}_label" in row else row[k]) for k in pk)
                labels = ", ".join(f"{s} ({reliability[s]})" for s in ids)
                problems.append(f"{name}: {key} is confirmed but rests only on {labels}")
    return problems


def test_the_schema_lists_the_six_labels():
    field = next(f for f in data.schema("sources")["fields"] if f["name"] == "reliability")
    assert field["constraints"] == {"required": True, "enum": LABELS}
    assert LABELS == ["official_record", "official_statement", "state_media", "edited_analysis", "ai_summary", "copy"]


def test_every_source_has_a_reliability():
    sources = kit.load("sources")
    assert sources["reliability"].notna().all()
    assert set(sources["reliability"]) <= set(LABELS)
    counts = collections.Counter(sources["reliability"])
    print("\nsources by reliability:", ", ".join(f"{k} {counts[k]}" for k in LABELS), f"(total {len(sources)})")


def test_no_confirmed_fact_rests_only_on_an_ai_summary_or_a_copy():
    assert _tables_with_confidence(), "no table has both source_ids and confidence"
    problems = confirmed_on_weak_sources_only()
    assert problems == [], "\n".join(problems)


def test_the_rule_can_fail(tmp_path, monkeypatch):
    """Mark a row confirmed that cites only a copy, in a private copy of data/: the check must catch it."""
    import shutil
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    monkeypatch.setattr(data, "DATA_DIR", copy)
    data.clear_caches()
    try:
        events = pd.read_csv(copy / "events.csv", dtype=str, keep_default_na=False)
        events.loc[0, ["confidence", "source_ids"]] = ["confirmed", "scribd_a_70_174"]
        events.to_csv(copy / "events.csv", index=False)
        problems = confirmed_on_weak_sources_only()
        assert len(problems) == 1 and problems[0].startswith("events: ") and "scribd_a_70_174 (copy)" in problems[0]
    finally:
        data.clear_caches()


def test_dig_watch_session_reports_are_machine_written_and_its_document_pages_copies():
    sources = kit.load("sources")
    dig = sources[sources["url"].str.contains(r"//(?:wp\.)?dig\.watch/")]
    assert len(dig) >= 40
    for row in dig.itertuples():
        if "/resource/" in row.url:
            assert row.reliability == "copy", row.source_id
        if "/updates/" in row.url:
            assert row.reliability == "edited_analysis", row.source_id
        if re.search(r"/event/un-oewg-2021-2025-(?:[2-9]|1[01])\w*-substantive-session/", row.url):
            assert row.reliability == "ai_summary", row.source_id


# ---------------------------------------------------------------- what students see

def test_cite_shows_a_badge_beside_every_source():
    sources = kit.load("sources")
    c = kit.cite(list(sources["source_id"]))
    page = c._repr_html_()
    assert page.startswith('<details class="kit-sources"><summary><strong>Sources (')
    items = re.findall(r"<li>(.*?)</li>", page)
    assert len(items) == len(sources)
    for item, key in zip(items, sources["reliability"]):
        label = data.RELIABILITY[key][0]
        assert item.startswith(f'<span class="kit-badge kit-badge-{key}"') and f">{label}</span>" in item
    text, markdown = str(c).splitlines(), c._repr_markdown_().splitlines()[2:]
    for i, (line, md, key) in enumerate(zip(text, markdown, sources["reliability"]), 1):
        label = data.RELIABILITY[key][0]
        assert line.startswith(f"[{i}] [{label}] ") and md.startswith(f"{i}. [{label}] ")


def test_a_source_without_a_reliability_gets_no_badge():
    row = {"title": "T", "publisher": "P", "symbol": "", "date": "", "url": "https://e.org"}
    assert data.reliability_badge(row) == "" and data.reliability_badge("no such label") == ""
    assert str(data.Citation([row])) == "[1] T. P. https://e.org"
    assert data.reliability_badge(None) == data.reliability_badge(3) == ""


def test_claim_cards_and_exercise_feedback_show_the_badges():
    card = claim_card_html("p02_consensus")
    ids = kit.load("paper_arguments").set_index("claim_id").loc["p02_consensus", "source_ids"]
    assert card.count('class="kit-badge ') == len(ids)
    feedback = result_html(Result("x", True, 1.0, "Correct.", source_ids=("digwatch_oewg11_part6", "a_res_77_37")))
    assert "kit-badge-ai_summary" in feedback and "kit-badge-official_record" in feedback


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("key", LABELS)
def test_badge_text_is_readable(key):
    """WCAG AA: text contrast at least 4.5:1 against the badge and against a white page."""
    _, meaning, background, colour = data.RELIABILITY[key]
    assert contrast(colour, background) >= 4.5 and contrast(colour, "#FFFFFF") >= 4.5
    assert meaning and f'title="{meaning}"'.replace("'", "&#x27;") in data.reliability_badge(key)


def test_contrast_helper_is_right():
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0 and contrast("#777777", "#FFFFFF") < 4.5
