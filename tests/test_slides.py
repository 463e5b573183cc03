"""The slides (tools/slides.py, `make slides`): one reveal.js deck per notebook, slide types set at build time from
the headings (the notebooks are never edited), and every deck opens in headless Chromium with reveal.js started,
its charts drawn and no request off this machine; a deck that would load reveal.js from a CDN is caught."""
import os
import re
import time

import nbformat
import pytest

from tests.notebook_list import ROOT
from tools import slides
from tools.chromium import CHROMIUM_ARGS

CDN = "https://unpkg.com/reveal.js@5.2.1"
LOCAL = ("file:", "data:", "blob:", "about:", "http://127.0.0.1")


def _nb(*cells) -> nbformat.NotebookNode:
    """Return a notebook of ('md', source) and ('code', source, has_output) cells."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            code = nbformat.v4.new_code_cell(cell[1])
            if cell[2]:
                code.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "out"})]
            nb.cells.append(code)
    return nb


def _types(nb) -> list[str]:
    return [c.metadata["slideshow"]["slide_type"] for c in slides.set_slide_types(nb).cells]


# ---------------------------------------------------------------------------- slide types (no kernel, no browser)

def test_headings_start_slides_and_sub_slides():
    nb = _nb(("md", "# Title"), ("md", "Intro"), ("md", "## Section"), ("md", "text"), ("md", "### Part"),
             ("md", "#### Small heading"), ("md", "#hashtag is not a heading"))
    assert _types(nb) == ["slide", "-", "slide", "-", "subslide", "-", "-"]


def test_a_second_output_or_an_output_after_long_text_gets_a_sub_slide_and_empty_code_is_skipped():
    long_text = "word " * (slides.TEXT_BUDGET // 5 + 1)
    nb = _nb(("md", "# Title"), ("code", "import kit", False), ("code", "kit.a()", True), ("md", "About a."),
             ("code", "kit.b()", True), ("md", "## Next"), ("md", long_text), ("code", "kit.c()", True))
    assert _types(nb) == ["slide", "skip", "-", "-", "subslide", "slide", "-", "subslide"]
    assert slides.slide_count(nb) == 4


def test_the_first_shown_cell_starts_the_deck_and_the_notebook_passed_in_is_not_changed():
    nb = _nb(("code", "import kit", False), ("md", "Some text first"), ("md", "## Then a section"))
    before = nbformat.writes(nb)
    assert _types(nb) == ["skip", "slide", "slide"]
    assert nbformat.writes(nb) == before


def test_every_notebook_gives_a_deck_of_several_slides_from_its_headings():
    for path in slides.all_notebooks():
        nb = nbformat.read(path, as_version=4)
        assert all("slideshow" not in c.metadata for c in nb.cells), f"{path.name}: slide types belong to the tool"
        assert slides.slide_count(nb) > 3, path.name


def test_formulas_are_refused_because_the_decks_load_no_mathjax():
    nb = _nb(("md", "# T"), ("md", "Energy is $E = mc^2$."), ("md", "It costs 5 dollars"), ("md", r"\(x\)"))
    assert slides.math_cells(nb) == [1, 3]
    assert all(not slides.math_cells(nbformat.read(p, as_version=4)) for p in slides.all_notebooks())


def test_a_deck_refers_only_to_files_beside_it_and_a_cdn_deck_is_flagged():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    deck = slides.export(nb, "Start here")
    assert slides.outside_references(deck) == []
    for local in ('src="require.js"', 'src="plotly.min.js"', 'href="reveal.js/dist/reveal.css"',
                  '"reveal.js/dist/reveal.js"', 'href="reveal.js/dist/theme/white.css"'):
        assert local in deck, local
    assert re.findall(r'<script[^>]*\bsrc="([^"]*)"', deck) == ["plotly.min.js", "require.js"]  # no jQuery, no MathJax
    cdn = slides.export(nb, "Start here", reveal_url_prefix=CDN)
    found = slides.outside_references(cdn)
    assert len(found) == 3 and found[-1].endswith(f"{CDN}/dist/reveal.js")  # two style sheets, then the module


def test_the_assets_are_copied_beside_the_decks_and_their_absence_is_explained(tmp_path):
    _require_assets()
    slides.copy_assets(tmp_path)
    for name in ("require.js", "plotly.min.js", "reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js",
                 "reveal.js/dist/theme/white.css", "reveal.js/LICENSE"):
        assert (tmp_path / name).is_file(), name
    with pytest.raises(SystemExit, match="npm ci"):
        slides.copy_assets(tmp_path / "other", node_modules=tmp_path / "no_node_modules")


def test_a_run_that_takes_too_long_is_ended_and_tried_again_and_an_error_stops_the_build(tmp_path):
    said = []
    with pytest.raises(SystemExit, match="hung on each of 2 tries"):
        slides.execute_watched(slides.all_notebooks()[0], timeout=1, log=said.append)
    assert len(said) == 2 and all("not done after 1 s" in s for s in said)
    broken = tmp_path / "99_broken.ipynb"
    nbformat.write(_nb(("md", "# Broken"), ("code", "1 / 0", False)), broken)
    with pytest.raises(SystemExit, match="99_broken.ipynb: running the notebook failed"):
        slides.execute_watched(broken)


# ---------------------------------------------------------------------------- the decks in Chromium

def _require_assets():
    """Skip when reveal.js or require.js is not installed (`npm ci`), unless KIT_REQUIRE_BROWSER=1 (then fail)."""
    missing = [p for p in (slides.NODE_MODULES / "reveal.js" / "dist" / "reveal.js",
                           slides.NODE_MODULES / "requirejs" / "require.js") if not p.exists()]
    if missing:
        reason = f"{missing[0]} is missing: run `npm ci`"
        if os.environ.get("KIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KIT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Build the deck of every notebook (what `make slides` does); return the browser, the folder and the entries."""
    from tests.browser.test_notebooks_in_browser import _require_browser

    chromium = _require_browser()
    _require_assets()
    out = tmp_path_factory.mktemp("slides")
    start = time.perf_counter()
    entries = slides.build(out, slides.all_notebooks())
    print(f"slides: {len(entries)} decks, {sum(e['slides'] for e in entries)} slides in "
          f"{time.perf_counter() - start:.1f} s: " + ", ".join(f"{e['number']}={e['slides']}" for e in entries))
    return chromium, out, entries


def _open(browser, path, wait_ms=30000) -> dict:
    """Open one deck offline; return whether reveal.js started, its slide count, its charts and every request
    that would have left this machine."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    outside, errors = [], []

    def guard(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:  # a deck must work offline: anything else is refused and reported
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    seen = {"outside": outside, "errors": errors, "ready": False, "slides": 0, "charts": []}
    try:
        page.wait_for_function("() => window.Reveal && window.Reveal.isReady()", timeout=wait_ms)
    except Exception:  # noqa: BLE001 (playwright's TimeoutError): reveal.js never started
        page.close()
        return seen
    seen["ready"] = True
    seen["slides"] = page.evaluate("() => Reveal.getTotalSlides()")
    # go to the slide of every chart and look at what is drawn there
    seen["charts"] = page.evaluate("""async () => {
      const found = [];
      for (const div of document.querySelectorAll('.plotly-graph-div')) {
        const at = Reveal.getIndices(div.closest('section'));
        Reveal.slide(at.h, at.v);
        await new Promise(r => setTimeout(r, 200));
        const box = div.getBoundingClientRect();
        found.push({shown: div.closest('section').classList.contains('present'), width: box.width,
                    svg: div.querySelectorAll('.main-svg').length,
                    marks: div.querySelectorAll('.trace path, .hm image').length});  // bars, markers, lines; heatmaps
      }
      return found;
    }""")
    page.close()
    return seen


@pytest.fixture(scope="module")
def seen(decks):
    from playwright.sync_api import sync_playwright

    chromium, _, entries = decks
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        found = {e["file"]: _open(browser, e["path"]) for e in entries}
        browser.close()
    return found


@pytest.mark.browser
def test_every_notebook_has_a_deck_and_the_index_links_each(decks):
    _, out, entries = decks
    assert [e["file"] for e in entries] == [f"{p.stem}.slides.html" for p in slides.all_notebooks()]
    index = (out / "index.html").read_text(encoding="utf-8")
    for e in entries:
        assert f'href="{e["file"]}"' in index


@pytest.mark.browser
def test_every_deck_opens_offline_with_reveal_started(decks, seen):
    _, _, entries = decks
    for e in entries:
        deck = seen[e["file"]]
        assert deck["outside"] == [], e["file"]
        assert deck["errors"] == [], e["file"]
        assert deck["ready"], f"{e['file']}: reveal.js did not start"
        assert deck["slides"] == e["slides"] > 1, e["file"]  # reveal.js counts what the build planned


@pytest.mark.browser
def test_every_chart_is_drawn_on_its_slide(decks, seen):
    _, _, entries = decks
    with_charts = [e for e in entries if e["charts"]]
    assert with_charts, "no deck has a chart: the check below would check nothing"
    for e in with_charts:
        charts = seen[e["file"]]["charts"]
        assert len(charts) == e["charts"], e["file"]
        for i, chart in enumerate(charts):
            assert chart["shown"] and chart["width"] > 300 and chart["svg"] and chart["marks"], (e["file"], i, chart)


@pytest.fixture(scope="module")
def chart_notebook(decks):
    """Return the first notebook with a chart, executed, its charts turned into plotly divs (as the build does)."""
    _, _, entries = decks
    entry = next(e for e in entries if e["charts"])
    nb = slides.execute_watched(slides.ROOT / "notebooks" / entry["file"].replace(".slides.html", ".ipynb"))
    slides.plotly_to_html(nb)
    return nb


@pytest.mark.browser
@pytest.mark.parametrize("broken", ["reveal.js from a CDN", "the theme that imports Google fonts",
                                    "no plotly.js beside the deck"])
def test_a_deck_that_needs_the_web_or_lacks_plotly_is_caught(decks, chart_notebook, broken):
    """The same check fails on a deck built wrong: the requests are reported, or reveal.js or the chart is missing."""
    from playwright.sync_api import sync_playwright

    chromium, out, _ = decks
    nb = chart_notebook
    if broken == "reveal.js from a CDN":
        deck = slides.export(nb, "broken", reveal_url_prefix=CDN)
    elif broken == "the theme that imports Google fonts":
        deck = slides.export(nb, "broken", theme="simple")
    else:
        deck = slides.export(nb, "broken")
        assert deck.count('<script src="plotly.min.js">') == 1
        deck = deck.replace('<script src="plotly.min.js">', '<script src="no_such_plotly.min.js">')
    path = out / f"broken_{broken.split()[0]}.slides.html"  # beside the good decks, with their assets
    path.write_text(deck, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        found = _open(browser, path, wait_ms=8000)
        browser.close()
    path.unlink()
    if broken == "reveal.js from a CDN":
        assert found["outside"] and all(u.startswith(CDN) for u in found["outside"])
        assert not found["ready"]
    elif broken == "the theme that imports Google fonts":
        assert any("fonts.googleapis.com" in u for u in found["outside"])
    else:
        assert found["outside"] == [] and found["ready"]
        assert found["errors"] and not any(c["svg"] for c in found["charts"])
