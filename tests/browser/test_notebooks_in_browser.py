"""Every notebook, opened in JupyterLab in headless Chromium, runs with no error, no dialog, widgets and charts drawn."""
import json
import os
import shutil
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_runs_in_browser(browser_page, path):
    page, server = browser_page
    before = path.read_bytes()
    seen = run_notebook(page, server, path.relative_to(ROOT).as_posix(),
                        screenshot=SCREENSHOTS / f"{path.stem}.png")
    assert not seen["problems"], f"{path.name}: " + "; ".join(seen["problems"])
    assert seen["cells"] > 0
    assert path.read_bytes() == before, "the browser run changed the notebook file (it must stay without outputs)"


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
        seen = run_notebook(page, server, path.relative_to(ROOT).as_posix(), timeout=60)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert seen["widgets"] == 1
    assert any("widget" in p for p in seen["problems"]), seen["problems"]


def broken_notebook() -> dict:
    """Return a minimal notebook whose second cell raises."""
    def code(src):
        return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(src)) % 10**6}",
                "metadata": {}, "outputs": [], "source": src}
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"}, "language_info": {"name": "python"}},
            "cells": [code("import kit"), code("1 / 0"), code("print('never reached')")]}
