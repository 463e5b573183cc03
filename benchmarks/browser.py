"""Browser benchmark: in JupyterLab (headless Chromium), time from a widget change to the updated chart drawn.

For each notebook below, the notebook is run; then the first drop-down of the widget that holds a chart is changed
again and again, and the time until a new chart is drawn in that widget is recorded.
"""
from __future__ import annotations

import statistics
import time

# widget: (notebook, which control to change: a single drop-down or a multiple selection)
NOTEBOOKS = {
    "timeline explorer (02): select an event": ("notebooks/02_timeline.ipynb", "single"),
    "mechanism comparison (04): choose mechanisms": ("notebooks/04_comparing_mechanisms.ipynb", "multiple"),
}
REPEATS = 20

# Mark the first widget box that holds both a <select> and a plotly chart; return how many options its select has.
_FIND = """
(mode) => {
  const boxes = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .widget-vbox'));
  for (const box of boxes) {
    const select = Array.from(box.querySelectorAll('select')).find(s => s.multiple === (mode === 'multiple'));
    if (select && box.querySelector('.js-plotly-plot')) {
      select.setAttribute('data-kit-bench-select', '1');
      box.setAttribute('data-kit-bench', '1');
      return select.options.length;
    }
  }
  return 0;
}
"""

# Change the select to option i and resolve with the ms until a new plotly chart is drawn inside the box.
_CHANGE = """
([i, mode]) => new Promise(resolve => {
  const box = document.querySelector('[data-kit-bench="1"]');
  const select = box.querySelector('[data-kit-bench-select="1"]');
  const before = new Set(Array.from(box.querySelectorAll('.main-svg')));
  const start = performance.now();
  const done = () => {
    const now = Array.from(box.querySelectorAll('.main-svg'));
    if (now.some(s => !before.has(s))) { observer.disconnect(); resolve(performance.now() - start); return true; }
    return false;
  };
  const observer = new MutationObserver(done);
  observer.observe(box, {childList: true, subtree: true});
  if (mode === 'multiple') {  // select two neighbouring options
    Array.from(select.options).forEach((o, k) => { o.selected = (k === i || k === (i + 1) % select.options.length); });
  } else {
    select.selectedIndex = i;
  }
  select.dispatchEvent(new Event('change', {bubbles: true}));
  setTimeout(() => { observer.disconnect(); resolve(-1); }, 5000);
})
"""


def measure() -> dict:
    """Return {widget: {n, median_ms, max_ms}} for each notebook present, or {'skipped': reason}."""

    from tests.browser.lab import CHROMIUM_ARGS, ROOT, LabServer, find_chromium, run_notebook

    chromium = find_chromium()
    if chromium is None:
        return {"skipped": "no Chromium on this machine"}
    from playwright.sync_api import sync_playwright

    present = {k: v for k, v in NOTEBOOKS.items() if (ROOT / v[0]).exists()}
    if not present:
        return {"skipped": "the timeline and comparison notebooks are not in this copy"}
    results = {}
    server = LabServer().start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, (rel, mode) in present.items():
                seen = run_notebook(page, server, rel)
                if seen["problems"]:
                    results[name] = {"n": 0, "median_ms": float("nan"), "max_ms": float("nan")}
                    continue
                n_options = page.evaluate(_FIND, mode)
                if n_options < 2:
                    continue
                page.evaluate("() => document.querySelector('[data-kit-bench=\"1\"]').scrollIntoView()")
                times = []
                for k in range(REPEATS):
                    ms = page.evaluate(_CHANGE, [(k + 1) % n_options, mode])
                    if ms >= 0:
                        times.append(ms)
                    time.sleep(0.05)
                if times:
                    results[name] = {"n": len(times), "median_ms": statistics.median(times), "max_ms": max(times)}
            browser.close()
    finally:
        server.stop()
    return results or {"skipped": "no drop-down next to a chart was found"}
