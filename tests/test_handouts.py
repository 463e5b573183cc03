"""The printable handouts (tools/handouts.py, `make handouts`): exercise sheets without answers, the answer key with
them, one card per State and none per group, the chair's script, a one-page position brief; every PDF printed by
Chromium, and every page opened in Chromium asks for nothing off this machine."""
import csv
import html
import re
import time

import pytest

from kit import exercises as kit_exercises
from kit.data import RELIABILITY
from kit.exercises import Exercise, _format_answer
from kit.negotiation import ROUNDS
from tests.notebook_list import ROOT
from tools import handouts

PAGE = re.compile(rb"/Type\s*/Page[^s]")
OUTSIDE = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


def _csv(name):
    with open(ROOT / "data" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _sheets() -> dict:
    return {nb: handouts.exercise_sheet_html(nb) for nb in handouts.sheet_notebooks()}


# ---------------------------------------------------------------------------- the HTML builders (no browser)

def test_every_notebook_with_exercises_gets_a_sheet_with_every_prompt():
    sheets = _sheets()
    exercises = kit_exercises.all_exercises().values()
    assert set(sheets) == {ex.notebook for ex in exercises}
    for ex in exercises:
        assert html.escape(ex.prompt) in sheets[ex.notebook], ex.id
        for option in ex.options:
            assert html.escape(option) in sheets[ex.notebook], (ex.id, option)


def test_sheets_never_show_an_answer_an_explanation_or_a_model_answer():
    everything = "".join(_sheets().values())
    for ex in kit_exercises.all_exercises().values():
        if ex.explanation:
            assert html.escape(ex.explanation) not in everything, ex.id
        if ex.type == "free_text":
            assert html.escape(ex.model_answer) not in everything, ex.id
        if ex.type in ("ordering", "matching"):  # the written-out answer (a → b → c; left → right)
            assert html.escape(_format_answer(ex)) not in everything, ex.id
    assert "Answer:" not in everything and "Model answer" not in everything


def test_items_to_order_are_not_printed_in_their_correct_order():
    ordering = [ex for ex in kit_exercises.all_exercises().values() if ex.type == "ordering"]
    assert ordering
    for ex in ordering:
        sheet = handouts.exercise_sheet_html(ex.notebook)
        where = [sheet.index(html.escape(item)) for item in ex.items]
        assert where != sorted(where), f"{ex.id}: the sheet lists the items in the answer's order"


def test_free_text_gets_lines_to_write_on():
    ex = next(e for e in kit_exercises.all_exercises().values() if e.type == "free_text")
    sheet = handouts.exercise_sheet_html(ex.notebook)
    assert sheet.count('class="line"') >= 6


def test_answer_key_has_every_answer_and_explanation():
    key = handouts.answer_key_html()
    for ex in kit_exercises.all_exercises().values():
        assert html.escape(ex.prompt) in key, ex.id
        assert html.escape(_format_answer(ex)) in key, ex.id
        if ex.explanation:
            assert html.escape(ex.explanation) in key, ex.id


def test_answer_key_prints_a_rubric_when_there_is_one(monkeypatch):
    table = kit_exercises.answer_key()
    free = table.index[table["type"] == "free_text"][0]
    table["rubric"] = ""
    table.loc[free, "rubric"] = "2 points: a sourced claim <b>and</b> a counter"
    monkeypatch.setattr(handouts._exercises, "answer_key", lambda: table)
    key = handouts.answer_key_html()
    assert "Rubric:</span> 2 points: a sourced claim &lt;b&gt;and&lt;/b&gt; a counter" in key
    assert key.count("Rubric:") == 1  # the exercises without one print nothing


def test_every_text_is_escaped(monkeypatch):
    evil = Exercise(id="evil", notebook="99_test", type="multiple_choice", prompt="Is <script>x()</script> shown?",
                    objective="o", explanation="e", source_ids=("a_70_174",), options=("<i>yes</i>", "no"),
                    answer="no")
    monkeypatch.setattr(handouts._exercises, "all_exercises", lambda: {"evil": evil})
    sheet = handouts.exercise_sheet_html("99_test")
    assert "<script>" not in sheet and "<i>yes</i>" not in sheet
    assert "&lt;script&gt;x()&lt;/script&gt;" in sheet and "&lt;i&gt;yes&lt;/i&gt;" in sheet


def test_one_card_per_state_and_none_per_group():
    rows = _csv("delegations.csv")
    states = {r["delegation_id"] for r in rows if r["kind"] == "state"}
    groups = {r["delegation_id"] for r in rows if r["kind"] != "state"}
    assert states and groups
    cards = {n[len("card_"):] for n in handouts.documents() if n.startswith("card_")}
    assert cards == states
    with pytest.raises(ValueError, match="choose one of: .*russia"):
        handouts.state_card_html(sorted(groups)[0])


def test_a_state_card_shows_its_reading_stances_and_sources_with_reliability():
    reliability = {r["source_id"]: r["reliability"] for r in _csv("sources.csv")}
    labels = {k: v[0] for k, v in RELIABILITY.items()}
    row = next(r for r in _csv("delegations.csv") if r["delegation_id"] == "russia")
    card = handouts.state_card_html("russia")
    for field in ("name", "interests", "red_lines", "reservation_reading"):
        assert html.escape(row[field]) in card, field
    assert "Reservation level</span> (the kit's reading): 0 %" in card
    stances = [r for r in _csv("stances.csv") if r["delegation_id"] == "russia"]
    for s in stances:
        assert html.escape(s["reading"]) in card, s["dimension"]
    assert "no position found" in card  # the dimensions without a sourced position say so
    ids = set(row["source_ids"].split(";")) | {i for s in stances for i in s["source_ids"].split(";")}
    for sid in ids:
        assert f"<b>{labels[reliability[sid]]}</b>" in card, sid


def test_chair_script_has_every_round():
    script = handouts.chair_script_html()
    for r in ROUNDS:
        for key in ("round", "students", "chair"):
            assert html.escape(r[key]) in script, (r["round"], key)
        assert f"({r['minutes']} min)" in script
    assert f"{sum(r['minutes'] for r in ROUNDS)} minutes in all" in script


def test_position_brief_has_every_field():
    brief = handouts.position_brief_html()
    for name in ("State", "Interests", "Red lines", "What it can concede", "Allies", "Sources"):
        assert f"<h2>{html.escape(name)}</h2>" in brief


def test_pages_load_nothing_from_outside_and_print_on_a4():
    for name, build in handouts.documents().items():
        page = build()
        assert not OUTSIDE.search(page), name
        assert "size: A4" in page and "break-after: page" in page, name


def test_only_builds_the_named_handouts_and_refuses_an_unknown_one(tmp_path, capsys):
    paths = handouts.write_html(tmp_path, ["position_brief", "chair_script"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chair_script.html", "position_brief.html"] == \
        sorted(p.name for p in paths)
    assert handouts.main(["--out", str(tmp_path / "x"), "--only", "answer_keys"]) == 2
    err = capsys.readouterr().err
    assert "unknown handout(s) 'answer_keys'" in err and "answer_key" in err and "card_russia" in err
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------------------- the PDFs (Chromium)

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build every handout, HTML then PDF (what `make handouts` does); return the pages, the PDFs and the times."""
    from tests.browser.test_notebooks_in_browser import _require_browser

    chromium = _require_browser()
    out = tmp_path_factory.mktemp("handouts")
    start = time.perf_counter()
    pages = handouts.write_html(out)
    middle = time.perf_counter()
    pdfs, refused = handouts.print_pdfs(pages, chromium)
    times = {"html": middle - start, "pdf": time.perf_counter() - middle}
    print(f"handouts: {len(pages)} HTML in {times['html']:.1f} s, PDFs in {times['pdf']:.1f} s")
    return chromium, pages, pdfs, refused


@pytest.mark.browser
def test_every_handout_is_printed_as_a_pdf(built):
    _, pages, pdfs, refused = built
    assert not refused
    assert [p.with_suffix(".pdf") for p in pages] == pdfs
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF"), pdf.name
        assert len(PAGE.findall(data)) >= 1, pdf.name


@pytest.mark.browser
def test_position_brief_fits_on_one_a4_page(built):
    _, _, pdfs, _ = built
    brief = next(p for p in pdfs if p.name == "position_brief.pdf")
    assert len(PAGE.findall(brief.read_bytes())) == 1
    sheet = next(p for p in pdfs if p.name.startswith("sheet_01"))
    assert len(PAGE.findall(sheet.read_bytes())) > 1  # the count can tell one page from several


@pytest.mark.browser
def test_every_page_opens_offline_in_chromium(built):
    from playwright.sync_api import sync_playwright

    chromium, pages, _, _ = built
    outside, errors = {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=handouts.CHROMIUM_ARGS)
        for path in pages:
            page = browser.new_page()
            seen = outside.setdefault(path.name, [])

            def guard(route, seen=seen):
                if route.request.url.startswith(("file:", "data:", "about:")):
                    route.continue_()
                else:
                    seen.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("() => document.body.innerText.length") > 100, path.name
            page.close()
        browser.close()
    assert not errors
    assert {k: v for k, v in outside.items() if v} == {}
