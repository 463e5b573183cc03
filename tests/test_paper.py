"""Reading the paper: claims table, argument explorer (driven through its menus) and argument map."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
import kit.paper as kp
from kit import DataError


def test_claims_for_one_paragraph_one_type_and_both():
    assert list(kp.paper_claims(9)["claim_id"]) == ["p09_political", "p09_un_charter", "p09_rules_based_order"]
    legal = kp.paper_claims(claim_type="legal")
    assert set(legal["claim_type"]) == {"legal"} and sorted(set(legal["paragraph"])) == [9, 10, 11]
    both = kp.paper_claims(10, "legal")
    assert list(both["claim_id"]) == ["p10_codify_first"]
    assert len(kp.paper_claims()) == 24


def test_every_paragraph_has_claims_and_the_counts_add_up():
    counts = kp.claim_types_by_paragraph()
    assert list(counts.index) == [f"¶{p}" for p in range(1, 13)]
    assert (counts.sum(axis=1) > 0).all()
    assert counts.to_numpy().sum() == 24
    assert counts.loc["¶9", "legal"] == 2 and counts.loc["¶1", "procedural"] == 1


@pytest.mark.parametrize("bad,hint", [(0, "1 to 12"), (13, "1 to 12"), ("x", "1 to 12"), (True, "1 to 12"),
                                      (2.5, "1 to 12")])
def test_a_bad_paragraph_names_the_choices(bad, hint):
    with pytest.raises(DataError, match=hint):
        kp.paper_claims(bad)


def test_a_bad_type_and_an_empty_selection_name_the_choices():
    with pytest.raises(DataError, match="procedural, institutional, substantive, political, legal"):
        kp.paper_claims(claim_type="economic")
    with pytest.raises(DataError, match=r"¶1 has no legal claim.*procedural"):
        kp.paper_claims(1, "legal")


@settings(max_examples=60, deadline=None)
@given(paragraph=st.one_of(st.none(), st.integers(-5, 20), st.text(max_size=4), st.floats(allow_nan=True),
                           st.lists(st.integers(), max_size=2)),
       claim_type=st.one_of(st.none(), st.sampled_from(kp.CLAIM_TYPES), st.text(max_size=8), st.integers()))
def test_any_input_gives_a_table_or_a_data_error(paragraph, claim_type):
    try:
        table = kp.paper_claims(paragraph, claim_type)
    except DataError:
        return
    assert not table.empty


def test_claim_card_shows_every_part_with_links():
    card = kp.claim_card_html("p07_capacity_building")
    for part in ("In our words", "The paper says", "Documents it cites", "What the record shows",
                 "Strongest support", "Strongest counter-evidence", "Sources ("):
        assert part in card
    assert 'href="https://undocs.org/A/75/816"' in card and 'href="https://undocs.org/A/RES/77/36"' in card
    with pytest.raises(DataError, match="choose one of"):
        kp.claim_card_html("p99_nothing")


def test_cited_documents_link_symbols_the_kit_knows():
    out = kp.document_links("GGE reports (A/65/201, A/70/174)")
    assert out.count("<a ") == 2
    assert kp.document_links("an unknown <b>paper</b>") == "an unknown &lt;b&gt;paper&lt;/b&gt;"
    with pytest.raises(DataError):
        kp.document_links("")


def test_every_text_in_a_card_is_escaped(monkeypatch):
    claims = kp._all_claims().copy()
    claims.loc[claims["claim_id"] == "p02_consensus", "claim"] = "<script>alert(1)</script>"
    monkeypatch.setattr(kp, "_all_claims", lambda: claims)
    card = kp.claim_card_html("p02_consensus")
    assert "<script>" not in card and "&lt;script&gt;" in card


# ------------------------------------------------------------------ the explorer widget

def _shown(explorer) -> str:
    return explorer.area.figure.data


def test_explorer_opens_on_paragraph_one():
    e = kit.explorer()
    assert "¶1, claims of every type" in _shown(e) and "p01_submission_op3" in _shown(e)
    assert e.paragraph.description and e.claim_type.description


@pytest.mark.parametrize("paragraph", range(1, 13))
def test_every_paragraph_can_be_reached(paragraph):
    e = kit.explorer()
    e.paragraph.value = 12 if paragraph == 1 else 1  # move away first, so the change is real
    e.paragraph.value = paragraph
    shown = _shown(e)
    assert f"¶{paragraph}, claims of every type" in shown
    for claim_id in kp.paper_claims(paragraph)["claim_id"]:
        assert f"data-claim='{claim_id}'" in shown
    others = set(kp.paper_claims()["claim_id"]) - set(kp.paper_claims(paragraph)["claim_id"])
    assert not any(f"data-claim='{c}'" in shown for c in others)


def test_explorer_filters_by_type_across_all_paragraphs():
    e = kit.explorer()
    e.paragraph.value = 0
    assert _shown(e).count("class='kit-claim'") == 24
    e.claim_type.value = "legal"
    assert _shown(e).count("class='kit-claim'") == 4 and "4 claim(s): all paragraphs, legal claims" in _shown(e)
    e.claim_type.value = "political"
    assert _shown(e).count("class='kit-claim'") == 2


def test_explorer_says_why_a_selection_is_empty_and_keeps_the_last_view():
    e = kit.explorer()
    e.paragraph.value = 9
    before = _shown(e)
    e.paragraph.value = 1
    e.claim_type.value = "legal"
    assert "¶1 has no legal claim" in e.area.message.value
    e.claim_type.value = "procedural"
    assert e.area.message.value == "" and "data-claim='p01_submission_op3'" in _shown(e)
    assert before != _shown(e)


def test_explorer_links_to_the_paper_at_its_source():
    url = kit.load("sources").set_index("source_id").loc["ru_poa_position_2023", "url"]
    assert f'href="{url}"' in _shown(kit.explorer(5))


# ------------------------------------------------------------------ context and argument map

def test_context_ends_with_the_paper_and_has_sources():
    ctx = kp.paper_context()
    assert ctx["title"].iloc[-1].startswith("Russian Federation's position paper")
    assert "157" in " ".join(ctx["summary"]) and ctx["source_ids"].map(len).gt(0).all()


def test_argument_map_is_built_from_the_data():
    nodes = kp.argument_map()
    assert (nodes["kind"] == "conclusion").sum() == 1 and (nodes["kind"] == "premise").sum() == 7
    covered = {int(p) for ps in nodes["paragraphs"] for p in ps}
    assert covered == set(range(2, 13))
    fig = kp.argument_map_figure()
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    boxes = [a for a in fig.layout.annotations if not a.showarrow]
    assert len(arrows) == 7 and len(boxes) == 8
    assert fig.layout.title.text.startswith("How the paper argues (Russia's paper): seven premises")
    assert fig.layout.xaxis.title.text
    names = {t.name for t in fig.data}
    assert names == {"conclusion", "procedural premise", "institutional premise", "substantive premise",
                     "political premise", "legal premise"}
    assert sorted(c for t in fig.data for c in t.customdata) == sorted(nodes["node_id"])


@pytest.mark.parametrize("paragraph,lit", [(9, {"m_political", "m_rules_not_law"}),
                                           (2, {"m_oewg_works"}),
                                           (12, {"c_keep_oewg", "m_oewg_works", "m_no_added_value"})])
def test_highlighting_a_paragraph_fades_the_other_nodes(paragraph, lit):
    fig = kp.argument_map_figure(paragraph)
    boxes = {a.name: a.opacity for a in fig.layout.annotations if not a.showarrow}
    assert {n for n, o in boxes.items() if o == 1.0} == lit
    assert f"¶{paragraph}" in fig.layout.title.text
    assert all(a.opacity == 1.0 for a in kp.argument_map_figure().layout.annotations)


def test_a_broken_map_names_the_problem(monkeypatch):
    nodes = kit.load("paper_argument_map")
    nodes.loc[1, "supports"] = "nowhere"
    monkeypatch.setattr(kp, "load", lambda name: nodes if name == "paper_argument_map" else kit.load(name))
    with pytest.raises(DataError, match="nowhere"):
        kp.argument_map()
    nodes.loc[1, "supports"] = "c_keep_oewg"
    nodes.at[2, "claim_ids"] = ["p99_missing"]
    with pytest.raises(DataError, match="p99_missing"):
        kp.argument_map()


def test_highlight_rejects_a_bad_paragraph():
    with pytest.raises(DataError, match="1 to 12"):
        kp.argument_map_figure(highlight_paragraph=20)


def test_reading_table_shows_every_word_escaped():
    frame = kp.paper_context()
    frame.loc[0, "summary"] = "<b>bold</b> " + "long " * 80
    shown = kp.reading_table(frame)._repr_html_()
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown and ("long " * 80).strip() in shown
    assert "a_res_77_37; unidir_poa_drawing_parallels" in kp.reading_table(kp.paper_context())._repr_html_()
    assert "Russian Federation's position paper" in repr(kp.reading_table(kp.paper_context()))
    with pytest.raises(DataError, match="DataFrame"):
        kp.reading_table("not a table")


# ------------------------------------------------------------------ the second paper: the EU's case for the PoA

def test_the_eu_paper_has_its_own_claims_and_paragraphs():
    eu = kp.paper_claims(paper="eu_2023")
    assert len(eu) == len(kit.load("paper_arguments").query("paper_id == 'eu_2023'")) >= 8
    assert set(eu["claim_id"]).isdisjoint(kp.paper_claims()["claim_id"])
    assert list(kp.claim_types_by_paragraph("eu_2023").index) == [f"¶{p}" for p in range(1, 10)]
    with pytest.raises(DataError, match="1 to 9"):
        kp.paper_claims(12, paper="eu_2023")
    with pytest.raises(DataError, match="ru_2023, eu_2023"):
        kp.paper_claims(paper="fr_2020")


def test_the_explorer_switches_papers_when_the_menu_is_set():
    e = kit.explorer()
    before = _shown(e)
    assert "data-paper='ru_2023'" in before and "data-claim='p01_submission_op3'" in before
    e.paper.value = "eu_2023"
    after = _shown(e)
    assert after != before and "data-paper='eu_2023'" in after and e.paragraph.value == 0
    assert after.count("class='kit-claim'") == len(kp.paper_claims(paper="eu_2023"))
    assert not any(f"data-claim='{c}'" in after for c in kp.paper_claims()["claim_id"])
    assert [label for label, _ in e.paragraph.options][-1] == "¶9"
    e.paragraph.value = 7
    assert "data-claim='eu07_majority_all_regions'" in _shown(e) and "¶7, claims of every type" in _shown(e)
    url = kit.load("sources").set_index("source_id").loc["eeas_rid_dec2023", "url"]
    assert f'href="{url}"' in _shown(e)
    e.paper.value = "ru_2023"
    assert "data-paper='ru_2023'" in _shown(e) and _shown(e).count("class='kit-claim'") == 24


def test_the_argument_map_switches_papers():
    ru, eu = kp.argument_map(), kp.argument_map(paper="eu_2023")
    assert set(ru["node_id"]).isdisjoint(eu["node_id"])
    assert set(c for ids in eu["claim_ids"] for c in ids) <= set(kp.paper_claims(paper="eu_2023")["claim_id"])
    fig = kp.argument_map_figure(paper="eu_2023")
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == (eu["kind"] == "premise").sum() and "EU" in fig.layout.title.text
    assert fig.layout.title.text != kp.argument_map_figure().layout.title.text
    lit = {a.name for a in kp.argument_map_figure(7, paper="eu_2023").layout.annotations
           if not a.showarrow and a.opacity == 1.0}
    assert lit == {"c_eu_poa", "m_eu_majority"}


def test_the_papers_source_opens_the_secretary_generals_report_of_views():
    src = kit.load("sources").set_index("source_id")
    ru = src.loc[kp.PAPER_SOURCE]
    assert ru["symbol"] == "A/78/76" and ru["url"] == "https://undocs.org/A/78/76"
    assert "not read" in ru["title"], "the title must say what was not read"
    assert "disarmament.unoda.org/ar/" not in ru["url"]
