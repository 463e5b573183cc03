"""Drive a real JupyterLab in headless Chromium: start the server, run a notebook, report what the student would see."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tools.chromium import CHROMIUM_ARGS, find_chromium  # noqa: F401 (the browser, hub and benchmark code import them from here)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"

MIME_ERROR = "application/vnd.jupyter.error"
MIME_WIDGET = "application/vnd.jupyter.widget-view+json"
MIME_PLOTLY = "application/vnd.plotly.v1+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a token, private settings and a clean workspace."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        self.port = _free_port()
        self.token = os.urandom(16).hex()
        self.tmp = Path(tempfile.mkdtemp(prefix="kit-lab-"))
        self.proc = None
        self.log = self.tmp / "lab.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_settings(self) -> Path:
        settings = self.tmp / "user-settings"
        (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
        # Render every cell (no virtual scrolling), so every output can be checked.
        (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
        (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        # Never save: the notebooks under test must stay exactly as committed (no outputs).
        (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True)
        (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
            json.dumps({"autosave": False}))
        return settings

    def start(self, timeout: float = 90) -> "LabServer":
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   JUPYTER_CONFIG_DIR=str(self.tmp / "config"), JUPYTER_PLATFORM_DIRS="1")
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={self._write_settings()}",
               f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}", "--LabApp.news_url=",
               "--LabServerApp.extension_manager=readonly", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # CI runs as root
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=open(self.log, "wb"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, relpath: str) -> str:
        return f"{self.base}/lab/tree/{relpath}?token={self.token}&reset"


# JavaScript run in the page once the notebook has run: what would a student see?
_INSPECT = """
() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const outputs = nb ? Array.from(nb.querySelectorAll('.jp-OutputArea-output')) : [];
  const byMime = m => outputs.filter(e => e.getAttribute('data-mime-type') === m);
  const outText = outputs.map(e => e.innerText).join('\\n');
  // what the kernel sent, from the notebook model: the views the page must show
  let expectWidgets = 0, expectPlots = 0;
  if (panel && panel.content && panel.content.model) {
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      if (!cell.outputs) continue;
      for (let j = 0; j < cell.outputs.length; j++) {
        const data = cell.outputs.get(j).data || {};
        if ('%(widget)s' in data) expectWidgets++;
        if ('%(plotly)s' in data) expectPlots++;
      }
    }
  }
  const plots = nb ? Array.from(nb.querySelectorAll('.jp-RenderedPlotly')) : [];
  return {
    found: !!nb,
    cells: nb ? nb.querySelectorAll('.jp-CodeCell').length : 0,
    // JupyterLab shows tracebacks (and warnings) as stderr: a student should see neither
    errors: byMime('%(error)s').concat(byMime('application/vnd.jupyter.stderr')).map(e => e.innerText.slice(0, 500)),
    dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.slice(0, 200)),
    widgetErrors: (outText.match(/Error displaying widget/g) || []).length,
    widgetLoading: (outText.match(/Loading widget/g) || []).length,
    widgets: expectWidgets,
    // (a lone RadioButtons' root has no 'jupyter-widgets' class in ipywidgets 8, only 'widget-radio')
    widgetsRendered: outputs.filter(o => o.querySelector(':scope > .jupyter-widgets, :scope > .widget-box, '
                                                         + ':scope .jupyter-widgets, :scope > .lm-Widget.widget-radio')
                                      && !o.parentElement.closest('.jupyter-widgets')).length,
    plots: Math.max(expectPlots, plots.length),
    plotsDrawn: plots.filter(p => p.querySelector('.main-svg')).length,
    // the static edition's default view (HTML instead of live widgets): never in a live JupyterLab
    staticNotes: outputs.filter(o => o.querySelector('.kit-static-note')).length,
  };
}
""" % {"widget": MIME_WIDGET, "plotly": MIME_PLOTLY, "error": MIME_ERROR}

_PROGRESS = """
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return null;
  const prompts = Array.from(nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).map(p => p.innerText.trim());
  return {total: prompts.length, done: prompts.filter(p => /^\\[\\d+\\]:?$/.test(p)).length,
          running: prompts.filter(p => p.includes('*')).length};
}
"""


def guard_network(page) -> list:
    """Let the page reach only this machine; return the list to which every other request it tries is added."""
    external = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    page.route("**/*", route)
    return external


def run_notebook(page, server: LabServer, relpath: str, timeout: float = 240, screenshot: Path | None = None,
                 settle: float = 20) -> dict:
    """Open ``relpath`` in JupyterLab, run all cells, wait (up to ``settle`` s) for outputs to render; return what
    was seen, with problems."""
    external = getattr(page, "kit_external", None)
    already = len(external) if external is not None else 0
    page.goto(server.url(relpath))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    # the kernel named in the notebook's metadata must start by itself: no kernel picker
    page.wait_for_function("() => { const s = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " return s && s.sessionContext && s.sessionContext.session &&"
                           " s.sessionContext.session.kernel && s.sessionContext.session.kernel.status === 'idle'; }",
                           timeout=90_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout
    progress = None
    while time.monotonic() < deadline:
        progress = page.evaluate(_PROGRESS)
        if progress and progress["total"] and progress["done"] == progress["total"] and not progress["running"]:
            break
        if page.evaluate(_INSPECT)["errors"]:
            break  # a cell failed: JupyterLab stops running the rest
        time.sleep(0.5)
    # let widgets and plotly finish drawing
    until = time.monotonic() + settle
    seen = page.evaluate(_INSPECT)
    while time.monotonic() < until:
        if (seen["widgetLoading"] == 0 and seen["plotsDrawn"] == seen["plots"]
                and seen["widgetsRendered"] >= seen["widgets"]):
            break
        time.sleep(0.5)
        seen = page.evaluate(_INSPECT)
    seen["progress"] = progress
    problems = []
    if not seen["found"]:
        problems.append("the notebook did not open")
    if progress is None or progress["done"] < progress["total"]:
        problems.append(f"not every cell ran: {progress}")
    problems += [f"error or warning output: {e}" for e in seen["errors"]]
    problems += [f"a dialog is open (kernel picker?): {d}" for d in seen["dialogs"]]
    if seen["widgetErrors"]:
        problems.append(f"{seen['widgetErrors']} widget(s) show 'Error displaying widget'")
    if seen["widgetLoading"]:
        problems.append(f"{seen['widgetLoading']} widget(s) still 'Loading widget'")
    if seen["widgetsRendered"] < seen["widgets"]:
        problems.append(f"only {seen['widgetsRendered']} of {seen['widgets']} widgets rendered")
    if seen["plotsDrawn"] < seen["plots"]:
        problems.append(f"only {seen['plotsDrawn']} of {seen['plots']} plotly figures drawn")
    if seen["staticNotes"]:
        problems.append(f"{seen['staticNotes']} output(s) show the static edition's default view (class "
                        "kit-static-note) instead of live widgets: was KIT_STATIC_EDITION=1 set for the kernel?")
    if external is not None and len(external) > already:
        problems.append(f"tried to fetch from the web: {external[already:][:3]}")
    seen["problems"] = problems
    if screenshot is not None:  # show the first chart or widget, where a student would look first
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');"
                      " const el = nb && (nb.querySelector('.jp-RenderedPlotly') || nb.querySelector('.jupyter-widgets'));"
                      " if (el) el.scrollIntoView({block: 'start'}); }")
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot))
    return seen
