"""Law or norms: the framework tables, the norms browser (driven through its menu), binding versus voluntary."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
import kit.norms as kn
from kit import DataError


def test_the_framework_has_four_pieces_and_four_reports():
    pillars = kn.framework_pillars()
    assert list(pillars["piece"]) == ["International law", "Norms", "Confidence-building measures (CBMs)",
                                      "Capacity-building"]
    assert pillars["source_ids"].map(len).gt(0).all()
    reports = kn.framework_reports()
    assert list(reports["symbol"]) == ["A/68/98", "A/70/174", "A/75/816", "A/76/135"]
    assert "international law" in reports.loc[0, "summary"]


def test_norms_table_has_the_eleven_norms():
    table = kn.norms_table()
    assert list(table["letter"]) == list("abcdefghijk")
    assert table["asks_states_to"].str.len().gt(10).all()


@pytest.mark.parametrize("norm", ["f", "n13f", " F "])
def test_a_norm_by_letter_or_id(norm):
    card = kn.norm_card_html(norm)
    assert "data-norm='n13f'" in card and "critical infrastructure" in card and "Sources (" in card


@pytest.mark.parametrize("bad", ["z", "n13z", "", 5, None, ["a"]])
def test_an_unknown_norm_names_the_choices(bad):
    with pytest.raises(DataError, match="letter a-k"):
        kn.norm_card_html(bad)


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.text(max_size=5), st.integers(), st.none(), st.floats(allow_nan=True)))
def test_any_norm_input_gives_a_card_or_a_data_error(value):
    try:
        card = kn.norm_card_html(value)
    except DataError:
        return
    assert card.startswith("<div class='kit-norm'")


def test_norm_cards_escape_their_text(monkeypatch):
    norms = kn._norms().copy()
    norms.loc[0, "summary"] = "<img src=x onerror=alert(1)>"
    monkeypatch.setattr(kn, "_norms", lambda: norms)
    card = kn.norm_card_html("a")
    assert "<img" not in card and "&lt;img" in card


def test_browser_opens_on_norm_a_and_offers_all_eleven():
    b = kit.norms_browser()
    assert "data-norm='n13a'" in b.area.figure.data
    assert [v for _, v in b.norm.options] == [f"n13{c}" for c in "abcdefghijk"]
    assert b.norm.description == "Norm"


@pytest.mark.parametrize("norm_id", [f"n13{c}" for c in "abcdefghijk"])
def test_choosing_a_norm_shows_it(norm_id):
    b = kit.norms_browser()
    b.norm.value = norm_id
    shown = b.area.figure.data
    assert f"data-norm='{norm_id}'" in shown
    title = kit.load("norms").set_index("norm_id").loc[norm_id, "short_title"]
    assert title.replace("'", "&#x27;") in shown


def test_browser_shows_an_error_inline_and_keeps_the_last_view(monkeypatch):
    b = kit.norms_browser("c")
    before = b.area.figure

    def broken(_norm):
        raise DataError("unknown norm; choose a letter a-k")
    monkeypatch.setattr(kn, "norm_card_html", broken)
    b.norm.value = "n13d"
    assert "choose a letter a-k" in b.area.message.value and b.area.figure is before


@pytest.mark.parametrize("stance,actors", [
    (None, 10), ("supports", 5), ("opposes", 5)])
def test_convention_positions_by_stance(stance, actors):
    table = kn.convention_positions(stance)
    assert len(table) == actors
    if stance:
        assert set(table["stance"]) == {stance}
    assert "Russian Federation" in set(kn.convention_positions("supports")["actor"])


@pytest.mark.parametrize("bad,hint", [("mixed", "choose one of: opposes, supports"), ("maybe", "supports, opposes, mixed"),
                                      (3, "supports, opposes, mixed")])
def test_convention_positions_errors_name_the_choices(bad, hint):
    with pytest.raises(DataError, match=hint):
        kn.convention_positions(bad)


def test_convention_record_names_the_co_sponsors():
    record = kn.convention_record()
    assert len(record) == 2
    text = " ".join(record["summary"])
    for state in ("Belarus", "DPRK", "Nicaragua", "Syria"):
        assert state in text


def test_rules_based_order_comparison_sets_the_paper_beside_the_framework():
    table = kn.rules_based_order_comparison()
    assert table.loc[0, "who"] == "The paper (¶9)"
    quote = kit.load("paper_arguments").set_index("claim_id").loc["p09_rules_based_order", "quote"]
    assert quote in table.loc[0, "says"]
    assert "applies" in table.loc[1, "says"] and "do not replace" in table.loc[2, "says"]
    assert table["source_ids"].map(len).gt(0).all()


def test_binding_terms_come_from_the_glossary():
    terms = kn.binding_terms()
    assert list(terms["term"]) == list(kn.BINDING_TERMS)
    assert terms["in our words"].str.len().gt(20).all()
