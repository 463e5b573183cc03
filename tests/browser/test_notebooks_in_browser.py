"""Every notebook, opened in JupyterLab in headless Chromium, runs with no error, no dialog, widgets and charts drawn;
then its main widget answers a student's action, no option label runs over another, and axe-core finds no serious
accessibility problem in its outputs (WCAG 2.1 A and AA)."""
import json
import os
import shutil

import pytest

from tests.browser import live
from tests.browser.lab import (ROOT, SCREENSHOTS, CHROMIUM_ARGS, LabServer, find_chromium, guard_network,
                               run_notebook)
from tests.notebook_list import notebook_paths

pytestmark = pytest.mark.browser


def _require_browser():
    """Skip with a reason when no browser is available, unless KIT_REQUIRE_BROWSER=1 (then fail)."""
    required = os.environ.get("KIT_REQUIRE_BROWSER") == "1"
    chromium = find_chromium()
    reason = None
    if chromium is None:
        reason = "no Chromium found (install Debian's 'chromium' package, or set KIT_CHROMIUM)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the Python 'playwright' package is not installed"
    if reason:
        if required:
            pytest.fail(f"KIT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return chromium


@pytest.fixture(scope="module")
def browser_page():
    chromium = _require_browser()
    from playwright.sync_api import sync_playwright

    server = LabServer().start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.kit_external = guard_network(page)  # the kit must work offline: no request leaves this machine
            yield page, server
            browser.close()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def drives():
    return live.drives()


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs_in_browser(browser_page, drives, path):
    """Run All: no error, widgets and charts drawn; then the main widget answers a control (live.drives()), no
    option label overlaps another or is cut off, and axe finds no serious or critical problem in the outputs."""
    page, server = browser_page
    before = path.read_bytes()
    seen = run_notebook(page, server, path.relative_to(ROOT).as_posix(),
                        screenshot=SCREENSHOTS / f"{path.stem}.png")
    assert not seen["problems"], f"{path.name}: " + "; ".join(seen["problems"])
    assert seen["cells"] > 0
    failures = []
    spec = drives.get(path.stem)
    if spec is not None:
        failures += [f"widget: {p}" for p in live.drive(page, spec)]
    elif path.parent.name == "notebooks":
        failures.append("widget: no action for this notebook's main widget in tests/browser/live.py drives()")
    failures += [f"shows: {p}" for p in live.shown(page, live.shows().get(path.stem, []))]
    failures += [f"layout: {p}" for p in live.layout_problems(page)]
    no_axe = live.axe_available()
    if no_axe is None:
        violations, notes = live.axe_notebook_outputs(page)
        failures += [f"axe: {p}" for p in notes + live.describe(live.blocking(violations))]
    elif os.environ.get("KIT_REQUIRE_BROWSER") == "1":
        failures.append(f"axe: {no_axe}")
    assert not failures, f"{path.name}:\n  " + "\n  ".join(failures)
    assert path.read_bytes() == before, "the browser run changed the notebook file (it must stay without outputs)"
    if no_axe is not None:
        pytest.skip(f"every check passed but the accessibility check did not run: {no_axe}")


def test_browser_test_catches_a_broken_notebook(browser_page):
    """A notebook with a cell that raises must be reported, with the error, by the browser check."""
    page, server = browser_page
    scratch = ROOT / "tests" / "browser" / "_scratch"
    scratch.mkdir(exist_ok=True)
    broken = scratch / "broken.ipynb"
    broken.write_text(json.dumps(broken_notebook()), encoding="utf-8")
    try:
        seen = run_notebook(page, server, broken.relative_to(ROOT).as_posix(), timeout=60)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert any("ZeroDivisionError" in p for p in seen["problems"]), seen["problems"]


def test_browser_test_catches_a_widget_that_cannot_render(browser_page):
    """A widget view whose model does not exist shows 'Error displaying widget': the check must report it."""
    page, server = browser_page
    scratch = ROOT / "tests" / "browser" / "_scratch"
    scratch.mkdir(exist_ok=True)
    nb = broken_notebook()
    nb["cells"][1]["source"] = ("from IPython.display import display\n"
                                "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'no-such-model', "
                                "'version_major': 2, 'version_minor': 0}, 'text/plain': 'a widget'}, raw=True)")
    path = scratch / "bad_widget.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    try:
        seen = run_notebook(page, server, path.relative_to(ROOT).as_posix(), timeout=60, settle=5)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert seen["widgets"] == 1
    assert any("widget" in p for p in seen["problems"]), seen["problems"]


def test_browser_test_catches_a_static_view_in_a_live_run(browser_page):
    """Widgets drawn as the static edition's default view (kit-static-note) in a live JupyterLab are a failure."""
    page, server = browser_page
    seen = _run_scratch(page, server, "static_view",
                        ["import os\nos.environ['KIT_STATIC_EDITION'] = '1'", "import kit\nkit.check_setup()"])
    assert any("static edition's default view" in p for p in seen["problems"]), seen["problems"]


def test_browser_test_catches_dead_overlapping_and_inaccessible_widgets(browser_page):
    """A control wired to nothing, radio options that run into each other, grey text and a bare ipywidgets slider
    (its handle has no accessible name; the kit's widgets name theirs): the widget, layout and axe checks must each
    report theirs."""
    page, server = browser_page
    seen = _run_scratch(page, server, "bad_widgets", [
        "import ipywidgets as w\nfrom IPython.display import HTML",
        "w.VBox([w.Dropdown(options=['one', 'two'], description='Menu'), w.HTML('<p class=\"dead\">Never changes</p>')])",
        "w.RadioButtons(options=['A long option that goes on and on ' * 12, 'The next option'])",
        "HTML('<p style=\"color:#999999\">Grey text on white</p>')",
        "w.IntSlider(description='Unnamed handle')",
    ], keep=True)
    try:
        assert not seen["problems"], seen["problems"]
        dead = live.Drive("description='Menu'", [live.Step("choose 'two'", live.choose("Menu"), ("text:.dead",))])
        found = live.drive(page, dead, timeout=3)
        assert any("did not change" in p for p in found), found
        assert any("overlap" in p for p in live.layout_problems(page))
        missing = live.shown(page, [("Grey text on white", ("Grey text", "words this output never shows")),
                                    ("kit.no_such_cell()", ("anything",))])
        assert any("does not show ['words this output never shows']" in p for p in missing), missing
        assert any("no code cell contains 'kit.no_such_cell()'" in p for p in missing), missing
        assert not live.shown(page, [("Grey text on white", ("Grey text on white",))])
        if live.axe_available() is None:
            violations, _ = live.axe_notebook_outputs(page)
            ids = {v["id"] for v in live.blocking(violations)}
            assert {"color-contrast", "aria-input-field-name"} <= ids, live.describe(violations)
            assert all(" e.g. " in line for line in live.describe(violations))
    finally:
        shutil.rmtree(ROOT / "tests" / "browser" / "_scratch", ignore_errors=True)


def _run_scratch(page, server, name: str, sources: list[str], keep: bool = False) -> dict:
    """Write a notebook of ``sources`` into tests/browser/_scratch, run it in the browser, return what was seen."""
    scratch = ROOT / "tests" / "browser" / "_scratch"
    scratch.mkdir(exist_ok=True)
    path = scratch / f"{name}.ipynb"
    nb = broken_notebook()
    nb["cells"] = [_code(src) for src in sources]
    path.write_text(json.dumps(nb), encoding="utf-8")
    try:
        return run_notebook(page, server, path.relative_to(ROOT).as_posix(), timeout=60)
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)


def _code(src: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(src)) % 10**6}",
            "metadata": {}, "outputs": [], "source": src}


def broken_notebook() -> dict:
    """Return a minimal notebook whose second cell raises."""
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"}, "language_info": {"name": "python"}},
            "cells": [_code("import kit"), _code("1 / 0"), _code("print('never reached')")]}
