"""The static HTML edition: every page opens offline in Chromium, and every chart on it is drawn."""
import pytest

from tests.browser.lab import CHROMIUM_ARGS
from tests.browser.test_notebooks_in_browser import _require_browser
from tests.notebook_list import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """Build the static edition once for this module (what `make html` does) and return its folder."""
    chromium = _require_browser()
    from tools.build_html import build

    out = tmp_path_factory.mktemp("html")
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    pages = build(out, notebooks)
    return chromium, out, pages


def _open(chromium, url):
    from playwright.sync_api import sync_playwright

    external = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})

        def guard(route):
            if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:  # the edition must work offline: anything else is a failure
                external.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        charts = page.evaluate("() => document.querySelectorAll('.plotly-graph-div').length")
        drawn = page.evaluate("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                              ".filter(d => d.querySelector('.main-svg')).length")
        links = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
        browser.close()
    return {"charts": charts, "drawn": drawn, "external": external, "errors": errors, "links": links}


def test_index_links_every_page(edition):
    chromium, out, pages = edition
    seen = _open(chromium, (out / "index.html").as_uri())
    assert not seen["external"] and not seen["errors"]
    assert {p.name for p in pages if p.name != "index.html"} <= set(seen["links"])


def test_every_page_draws_its_charts_offline(edition):
    chromium, out, pages = edition
    for page in pages:
        if page.name == "index.html":
            continue
        seen = _open(chromium, page.as_uri())
        assert not seen["external"], f"{page.name} fetched {seen['external'][:3]}"
        assert not seen["errors"], f"{page.name}: {seen['errors'][:3]}"
        assert seen["drawn"] == seen["charts"], f"{page.name}: {seen['drawn']} of {seen['charts']} charts drawn"
        assert "index.html" in seen["links"]


def test_start_page_has_its_chart_and_static_widget_views(edition):
    _, out, _ = edition
    text = (out / "00_start_here.html").read_text(encoding="utf-8")
    assert text.count("kit-static-note") >= 2, "each widget shows its default view with a note"
    assert text.count("plotly-graph-div") >= 1
