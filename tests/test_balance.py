"""Both papers tested alike (issue 12, sections 6 and 7): support and counter of comparable length, no source carrying
the counter-evidence of more than two claims, every claim complete, every quotation verbatim in its paper's text."""
import os
import re
from collections import Counter
from pathlib import Path

import pytest

import kit
import kit.paper as kp

ROOT = Path(__file__).resolve().parents[1]
RU_TEXT = Path(os.environ.get("KIT_PAPER_PATH", ROOT.parent / "shared" / "paper" / "position_paper.md"))
EU_TEXT = ROOT / "data" / "papers" / "eu_2023.md"
PAPERS = ["ru_2023", "eu_2023"]
RATIO = (0.8, 1.25)      # total counter words / total support words
MAX_CLAIMS_PER_SOURCE = 2  # how many claims' counter one source may carry


def words(text) -> int:
    return len(str(text).split())


def balance(claims):
    """Return (support words, counter words, counter/support ratio, Counter of claims per counter source)."""
    support = sum(words(t) for t in claims["support"])
    counter = sum(words(t) for t in claims["counter"])
    carriers = Counter(s for ids in claims["counter_source_ids"] for s in dict.fromkeys(ids))
    return support, counter, counter / support, carriers


def paragraphs(path):
    text = path.read_text(encoding="utf-8")
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^## ¶(\d+)\n(.*?)(?=^## ¶|\Z)", text, re.S | re.M)}


@pytest.fixture(scope="module")
def claims():
    return kit.load("paper_arguments")


@pytest.mark.parametrize("paper", PAPERS)
def test_support_and_counter_are_of_comparable_length(claims, paper):
    support, counter, ratio, _ = balance(claims[claims["paper_id"] == paper])
    print(f"{paper}: support {support} words, counter {counter} words, counter/support {ratio:.2f}")
    assert RATIO[0] <= ratio <= RATIO[1], f"{paper}: counter/support word ratio {ratio:.2f} outside {RATIO}"


@pytest.mark.parametrize("paper", PAPERS)
def test_no_source_carries_the_counter_of_more_than_two_claims(claims, paper):
    _, _, _, carriers = balance(claims[claims["paper_id"] == paper])
    print(f"{paper}: sources carrying most counters: {carriers.most_common(3)}")
    over = {s: n for s, n in carriers.items() if n > MAX_CLAIMS_PER_SOURCE}
    assert not over, f"{paper}: these sources carry the counter of more than {MAX_CLAIMS_PER_SOURCE} claims: {over}"


@pytest.mark.parametrize("paper", PAPERS)
def test_every_claim_has_quote_record_support_counter_and_their_sources(claims, paper):
    own = claims[claims["paper_id"] == paper]
    assert len(own) >= 8
    for row in own.itertuples():
        for col in ("quote", "record", "support", "counter"):
            assert isinstance(getattr(row, col), str) and getattr(row, col).strip(), f"{row.claim_id}: no {col}"
        assert row.support_source_ids and row.counter_source_ids, f"{row.claim_id}: support or counter unsourced"
        listed = set(row.source_ids)
        assert set(row.support_source_ids) <= listed and set(row.counter_source_ids) <= listed, \
            f"{row.claim_id}: a support or counter source is missing from source_ids"


@pytest.mark.parametrize("paper,path", [("ru_2023", RU_TEXT), ("eu_2023", EU_TEXT)])
def test_every_quote_occurs_exactly_in_its_papers_text(claims, paper, path):
    if not path.exists():
        pytest.skip(f"the text of {paper} is not at {path}")
    text = paragraphs(path)
    own = claims[claims["paper_id"] == paper]
    assert set(own["paragraph"]) <= set(text)
    for row in own.itertuples():
        assert row.quote in text[row.paragraph], f"{row.claim_id}: quote not verbatim in ¶{row.paragraph} of {path.name}"
        assert words(row.quote) <= 30, f"{row.claim_id}: quotation longer than a sentence"


def test_the_measures_can_fail(claims):
    """Break the data in a copy: a one-sided counter and an over-used critic are both caught."""
    ru = claims[claims["paper_id"] == "ru_2023"].copy()
    ru["counter"] = ru["counter"] + " " + ru["counter"]
    assert balance(ru)[2] > RATIO[1]
    ru["counter_source_ids"] = [["cfr_weber_convention_2023"]] * len(ru)
    assert balance(ru)[3]["cfr_weber_convention_2023"] == len(ru) > MAX_CLAIMS_PER_SOURCE


def test_the_explorer_switches_between_the_two_papers():
    e = kit.explorer()
    shown = {}
    for paper in PAPERS[::-1] + PAPERS:
        e.paper.value = paper
        shown[paper] = e.area.figure.data
        assert shown[paper].count("class='kit-claim'") == len(kp.paper_claims(paper=paper))
    assert shown["ru_2023"] != shown["eu_2023"]
