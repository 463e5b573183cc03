"""The static HTML edition: every page opens offline in Chromium, every chart on it is drawn, and axe-core finds no
serious accessibility problem on it (WCAG 2.1 A and AA)."""
import os

import pytest

from tests.browser import live
from tests.browser.lab import CHROMIUM_ARGS
from tests.browser.test_notebooks_in_browser import _require_browser
from tests.notebook_list import ROOT

pytestmark = pytest.mark.browser

# What axe leaves out on each page, and why: nbconvert's lab template draws these, not the kit or its notebooks.
#  - the "In [1]:" / "Out[1]:" prompts: the template greys them (#b0b0b0, 2.2:1) as decoration beside each cell;
#  - the code of each cell: coloured by the template's syntax theme (numbers #008800 on #f5f5f5, 4.25:1), the same
#    theme JupyterLab uses; the kit does not choose those colours.
# Everything else on the page is checked: the notebook's text, every output, the kit's link back to the index.
AXE_CONTEXT = {"include": [["body"]],
               "exclude": [[".jp-InputPrompt"], [".jp-OutputPrompt"], [".jp-InputArea-editor"]]}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """Build the static edition once for this module (what `make html` does) and return its folder."""
    chromium = _require_browser()
    from tools.build_html import build

    out = tmp_path_factory.mktemp("html")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    pages = build(out, notebooks)
    return chromium, out, pages


@pytest.fixture(scope="module")
def seen(edition):
    """Open every page of the edition once, offline, in one browser; return what each showed, by file name."""
    from playwright.sync_api import sync_playwright

    chromium, _, pages = edition
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for path in pages:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            found[path.name] = _look(page, path.as_uri())
            page.close()
        browser.close()
    return found


def _look(page, url) -> dict:
    external, errors = [], []

    def guard(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:  # the edition must work offline: anything else is a failure
            external.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    charts = page.evaluate("() => document.querySelectorAll('.plotly-graph-div').length")
    drawn = page.evaluate("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                          ".filter(d => d.querySelector('.main-svg')).length")
    links = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    # axe checks colour contrast only of what is on screen: show the whole page at once
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1200, "height": min(height + 100, live.MAX_HEIGHT)})
    axe = live.run_axe(page, AXE_CONTEXT) if live.axe_available() is None else None
    return {"charts": charts, "drawn": drawn, "external": external, "errors": errors, "links": links,
            "height": height, "axe": axe}


def test_index_links_every_page(edition, seen):
    _, _, pages = edition
    index = seen["index.html"]
    assert not index["external"] and not index["errors"]
    assert {p.name for p in pages if p.name != "index.html"} <= set(index["links"])


def test_every_page_draws_its_charts_offline(seen):
    for name, page in seen.items():
        if name == "index.html":
            continue
        assert not page["external"], f"{name} fetched {page['external'][:3]}"
        assert not page["errors"], f"{name}: {page['errors'][:3]}"
        assert page["drawn"] == page["charts"], f"{name}: {page['drawn']} of {page['charts']} charts drawn"
        assert "index.html" in page["links"]


def test_every_page_passes_axe(seen):
    """No serious or critical WCAG 2.1 A/AA violation on any page (the template's prompts and code colours aside)."""
    reason = live.axe_available()
    if reason is not None:
        if os.environ.get("KIT_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    failures = []
    for name, page in seen.items():
        if page["height"] > live.MAX_HEIGHT:
            failures.append(f"{name}: {page['height']} px tall; axe checked contrast in the first {live.MAX_HEIGHT}")
        failures += [f"{name}: {line}" for line in live.describe(live.blocking(page["axe"]))]
    assert not failures, "axe found:\n  " + "\n  ".join(failures)


def test_start_page_has_its_chart_and_static_widget_views(edition):
    _, out, _ = edition
    text = (out / "00_start_here.html").read_text(encoding="utf-8")
    assert text.count("kit-static-note") >= 2, "each widget shows its default view with a note"
    assert text.count("plotly-graph-div") >= 1


def test_axe_check_of_a_page_can_fail(edition, tmp_path):
    """Grey text on a page is reported; the template's prompt, left out on purpose, is not."""
    if live.axe_available() is not None:
        pytest.skip(live.axe_available())
    from playwright.sync_api import sync_playwright

    chromium = edition[0]
    page_file = tmp_path / "grey.html"
    page_file.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
                         '<div class="jp-InputPrompt" style="color:#b0b0b0">In [1]:</div>'
                         '<p style="color:#999999">Grey text on white</p></body></html>', encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(page_file.as_uri())
        found = live.blocking(live.run_axe(page, AXE_CONTEXT))
        browser.close()
    assert [v["id"] for v in found] == ["color-contrast"], found
    assert [n["html"] for n in found[0]["nodes"]] == ['<p style="color:#999999">Grey text on white</p>']
