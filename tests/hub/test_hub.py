"""A whole course on one JupyterHub, tested end to end on 127.0.0.1.

A real ``jupyterhub`` (deploy/jupyterhub_config.py plus the test's dummy login and simple local spawner) behind
configurable-http-proxy; the kit installed once for the class from its wheel, read-only to the students; the kit's
repository served over git's smart HTTP. Two students open the kit's nbgitpuller link in Chromium, log in, run
notebook 02 with its widgets and charts, answer an exercise and hand in; each one's answers must sit in that
student's own home. After an upstream commit the link is opened again and nbgitpuller's merge must keep the student's
edit. Then the instructor collects both hand-ins from the homes with ``python -m kit.classroom collect``.

Run alone with ``make test-hub``. Timings (hub start, login to open notebook, Run All) are printed, and written as
JSON to $KIT_HUB_TIMINGS when that is set (``make bench`` reads them).
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.hub.servers import CHP, ROOT, VENV_BIN, GitServer, Hub, git, unlock, upstream_repo
from tests.wheel_install import build_wheel, checkout_copy, clean_env, install_for_class

pytestmark = pytest.mark.hub

REPO_NAME = "un-cyber-kit"
NOTEBOOK = "02_timeline.ipynb"
NB_PATH = f"{REPO_NAME}/notebooks/{NOTEBOOK}"
EXERCISE = "timeline_fifth_gge"
STUDENTS = {"student1": "Ada Student", "student2": "Grace Student"}
# As in the browser test: render every cell (no windowing) so every output can be checked; no news fetched.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _require() -> str:
    """Return Chromium's path; skip (or fail, with KIT_REQUIRE_BROWSER=1 or KIT_REQUIRE_HUB=1) what is missing."""
    from tests.browser.lab import find_chromium

    missing = []
    chromium = find_chromium()
    if chromium is None:
        missing.append("no Chromium found (install Debian's 'chromium' package, or set KIT_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python 'playwright' package is not installed")
    if not os.access(CHP, os.X_OK) or shutil.which("node") is None:
        missing.append("configurable-http-proxy is not installed (run `npm ci`: package.json pins it) or node is "
                       "missing")
    if not (VENV_BIN / "jupyterhub").exists():
        missing.append("jupyterhub is not installed (pip install -r requirements-dev.txt)")
    if missing:
        if "1" in (os.environ.get("KIT_REQUIRE_BROWSER"), os.environ.get("KIT_REQUIRE_HUB")):
            pytest.fail("the hub test is required but " + "; ".join(missing))
        pytest.skip("; ".join(missing))
    return chromium


class _UserLab:
    """What tests.browser.lab.run_notebook needs of a server: the URL of a notebook in this student's JupyterLab."""

    def __init__(self, hub: Hub, user: str):
        self.hub, self.user = hub, user

    def url(self, relpath: str) -> str:
        return f"{self.hub.url}/user/{self.user}/lab/tree/{relpath}?reset"


@pytest.fixture(scope="module")
def course():
    chromium = _require()
    tmp = Path(tempfile.mkdtemp(prefix="kit-hub-"))
    git_server = hub = None
    try:
        kit_lib = install_for_class(tmp / "kit-for-the-class", build_wheel(tmp / "wheel"))
        upstream = upstream_repo(tmp / "upstream", checkout_copy)
        git_server = GitServer(upstream, tmp / "git", REPO_NAME)
        hub = Hub(tmp / "hub", kit_lib)
        for user in STUDENTS:
            hub.prepare_home(user, LAB_SETTINGS)
        hub.start()
        yield {"tmp": tmp, "chromium": chromium, "kit_lib": kit_lib, "upstream": upstream, "git": git_server,
               "hub": hub, "timings": {"hub_start_s": round(hub.start_seconds, 2)}}
    finally:
        if hub is not None:
            hub.stop()
        if git_server is not None:
            git_server.stop()
        if os.environ.get("KIT_KEEP_HUB_TMP") != "1":
            unlock(tmp / "kit-for-the-class")
            shutil.rmtree(tmp, ignore_errors=True)


def _link(hub: Hub, repo: str) -> str:
    """The link the instructor hands out, from the kit's own command."""
    out = subprocess.run([sys.executable, "-m", "kit.classroom", "link", "--hub", hub.url, "--repo", repo,
                          "--notebook", NOTEBOOK[:2]], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    link = out.stdout.strip()
    assert f"targetpath={REPO_NAME}&" in link or link.endswith(f"targetpath={REPO_NAME}"), link
    return link


def _open_link(page, hub: Hub, link: str, user: str, login: bool = True) -> float:
    """Open the nbgitpuller link as ``user`` (logging in first); return the seconds until the notebook shows."""
    start = time.monotonic()
    page.goto(link)
    if login:
        page.wait_for_selector("#username_input", timeout=30_000)
        page.fill("#username_input", user)
        page.fill("#password_input", "any password: the test's dummy login")
        start = time.monotonic()  # from the moment the student logs in
        page.click("#login_submit")
    try:
        page.wait_for_url(re.compile(rf"/user/{user}/lab/tree/{re.escape(NB_PATH)}"), timeout=150_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
    except Exception as err:
        raise AssertionError(f"the link did not open {NB_PATH} for {user} (now at {page.url}): {err}\n"
                             f"hub log:\n{hub.tail(4000)}") from None
    return time.monotonic() - start


_ADD_CELLS = """
async ([note, code]) => {
  const app = window.jupyterapp, panel = app.shell.currentWidget, nb = panel.content, model = nb.model;
  model.sharedModel.insertCell(0, {cell_type: 'markdown', source: note});
  model.sharedModel.insertCell(model.cells.length, {cell_type: 'code', source: code});
  nb.activeCellIndex = model.cells.length - 1;
  nb.deselectAll();
  await app.commands.execute('notebook:run-cell');
  return model.cells.length;
}
"""

_LAST_OUTPUT = """
() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const last = nb.widgets[nb.widgets.length - 1];
  return last && last.outputArea ? last.outputArea.node.innerText : '';
}
"""

_SAVE = """
async () => {
  const app = window.jupyterapp, panel = app.shell.currentWidget;
  await app.commands.execute('docmanager:save');
  return panel.context.model.dirty;
}
"""


def _answer(option: str):
    """Return an action for tests.browser.live: choose ``option`` in the exercise and press Submit."""
    def act(page, cell):
        out = cell.locator(".jp-OutputArea-output")
        out.get_by_label(option, exact=True).check()
        out.locator("button", has_text="Submit").first.click()
    return act


def _kernel_rss_mb(hub: Hub, user: str) -> float | None:
    """Return the memory (RSS, MB) of ``user``'s kernels, or None when it cannot be read."""
    import sqlite3

    import psutil

    try:
        with sqlite3.connect(hub.tmp / "jupyterhub.sqlite") as db:
            for (state,) in db.execute("select s.state from spawners s join users u on s.user_id = u.id "
                                       "where u.name = ?", (user,)):
                pid = json.loads(state).get("pid") if isinstance(state, str) else (state or {}).get("pid")
                if pid:
                    kernels = [p for p in psutil.Process(pid).children(recursive=True)
                               if "ipykernel" in " ".join(p.cmdline())]
                    return round(sum(p.memory_info().rss for p in kernels) / 2**20, 0)
    except Exception:
        return None
    return None


def test_nbgitpuller_enables_itself_in_the_single_user_environment():
    """No hub setting enables nbgitpuller: its package's jupyter_server_config.d file does, on install."""
    conf = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgitpuller.json"
    assert json.loads(conf.read_text())["ServerApp"]["jpserver_extensions"]["nbgitpuller"] is True
    with tempfile.TemporaryDirectory(prefix="kit-jcfg-") as empty:  # no user config: only what is installed
        out = subprocess.run([str(VENV_BIN / "jupyter"), "server", "extension", "list"], capture_output=True,
                             text=True, timeout=120, env=clean_env(JUPYTER_CONFIG_DIR=empty))
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)  # without its colours
    assert re.search(r"nbgitpuller\s+enabled", text) and re.search(r"nbgitpuller [0-9.]+ OK", text), text[-2000:]
    code = [line.split("#")[0] for line in (ROOT / "deploy" / "jupyterhub_config.py").read_text().splitlines()]
    assert "nbgitpuller" not in "\n".join(code)


def test_a_course_on_one_hub(course):
    from playwright.sync_api import sync_playwright

    from kit import exercises as ex
    from tests.browser import live
    from tests.browser.lab import CHROMIUM_ARGS, guard_network, run_notebook

    hub, timings = course["hub"], course["timings"]
    link = _link(hub, course["git"].url)
    exercise = ex.get(EXERCISE)
    choices = {"student1": exercise.answer, "student2": next(o for o in exercise.options if o != exercise.answer)}
    pages = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=course["chromium"], headless=True, args=CHROMIUM_ARGS)
        try:
            for user, name in STUDENTS.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})  # cookies of its own
                page = context.new_page()
                page.kit_external = guard_network(page)  # nothing but 127.0.0.1 may be reached
                pages[user] = page
                timings[f"{user}_login_to_notebook_s"] = round(_open_link(page, hub, link, user), 2)
                assert (hub.home(user) / REPO_NAME / "notebooks" / NOTEBOOK).is_file(), \
                    f"nbgitpuller did not clone into {user}'s home as {REPO_NAME}/"
                shallow = hub.home(user) / REPO_NAME / ".git" / "shallow"
                assert shallow.is_file(), "nbgitpuller's clone is not shallow (--depth 1)"

                start = time.monotonic()
                seen = run_notebook(page, _UserLab(hub, user), NB_PATH, timeout=180)
                timings[f"{user}_open_and_run_all_s"] = round(time.monotonic() - start, 2)
                assert not seen["problems"], f"{user}: " + "; ".join(seen["problems"])
                assert seen["plots"] > 0 and seen["widgets"] > 0, seen
                timings[f"{user}_kernel_rss_mb"] = _kernel_rss_mb(hub, user)

                failures = live.drive(page, live.Drive(f'kit.exercise("{EXERCISE}")', [
                    live.Step(f"answer {EXERCISE}", _answer(choices[user]), ("appears:.kit-feedback",))]))
                assert not failures, f"{user}: {failures}"

                # The student's own edits: a note at the top, and a cell that names them and writes the hand-in.
                page.evaluate(_ADD_CELLS, [f"My notes ({user}): STUDENT-EDIT-{user}",
                                           f"kit.set_name({name!r})\nprint('kit from', kit.__file__)\n"
                                           "kit.export_answers()"])
                page.wait_for_function(f"() => ({_LAST_OUTPUT})().includes('Saved your hand-in file')",
                                       timeout=60_000)
                assert page.evaluate(_SAVE) is False, f"{user}: the notebook could not be saved"
                shown = page.evaluate(_LAST_OUTPUT)
                assert f"kit from {course['kit_lib']}/kit/" in shown, f"{user}'s kernel imported another kit: {shown}"

            # Each student's answers sit in that student's own home, nowhere else.
            kit_lib = course["kit_lib"]
            assert not (kit_lib / "answers").exists(), "answers were written into the class-wide kit"
            for user, name in STUDENTS.items():
                answers = hub.home(user) / "answers" / "my_answers.json"
                assert answers.is_file(), f"{user}'s answers are not in {answers}: " + \
                    str(sorted(str(p.relative_to(hub.homes)) for p in hub.homes.rglob("my_answers.json")))
                saved = json.loads(answers.read_text(encoding="utf-8"))
                assert saved["student"] == name, saved
                assert saved["answers"][EXERCISE]["answer"] == choices[user], saved["answers"].get(EXERCISE)
                assert len(list((hub.home(user) / "answers").glob("handin_*.html"))) == 1

            # An upstream change (the instructor edits another notebook); the student opens the link again.
            upstream = course["upstream"]
            other = upstream / "notebooks" / "03_votes_and_coalitions.ipynb"
            nb = json.loads(other.read_text(encoding="utf-8"))
            nb["cells"].append({"cell_type": "markdown", "id": "upstream-note", "metadata": {},
                                "source": ["Added by the instructor: UPSTREAM-CHANGE"]})
            other.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            git("commit", "--quiet", "-am", "Instructor: a note in notebook 03", cwd=upstream)
            git("push", "--quiet", str(course["git"].bare), "main", cwd=upstream)
            timings["pull_again_s"] = round(_open_link(pages["student1"], hub, link, "student1", login=False), 2)
            clone = hub.home("student1") / REPO_NAME
            assert "UPSTREAM-CHANGE" in (clone / "notebooks" / other.name).read_text(encoding="utf-8"), \
                "nbgitpuller did not bring the upstream change"
            assert "STUDENT-EDIT-student1" in (clone / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"), \
                "nbgitpuller's merge lost the student's edit"
            assert "Instructor: a note in notebook 03" in git("log", "--format=%s", "-n", "5", cwd=clone)
            pages["student1"].wait_for_function(  # and JupyterLab shows the notebook with the student's note
                "() => { const p = window.jupyterapp.shell.currentWidget; return p && p.content && p.content.model"
                " && p.content.model.sharedModel.cells.some(c => c.getSource().includes('STUDENT-EDIT-student1')); }",
                timeout=30_000)
            served = course["git"].handler.requests
            assert any(r.startswith(f"POST /{REPO_NAME}.git/git-upload-pack") for r in served), served
            for user, page in pages.items():
                assert not page.kit_external, f"{user}'s browser tried to leave 127.0.0.1: {page.kit_external[:3]}"
        finally:
            browser.close()

    # The instructor gathers both hand-ins from the students' homes and builds the gradebook.
    handins = course["tmp"] / "instructor" / "handins"
    for user in STUDENTS:
        (handins / user).mkdir(parents=True)
        for f in (hub.home(user) / "answers").glob("handin_*.html"):
            shutil.copy2(f, handins / user / f.name)
    gradebook = course["tmp"] / "instructor" / "gradebook.csv"
    out = subprocess.run([sys.executable, "-m", "kit.classroom", "collect", str(handins), "--out", str(gradebook)],
                         capture_output=True, text=True, timeout=120, cwd=course["tmp"] / "instructor",
                         env=clean_env(PYTHONPATH=str(course["kit_lib"])))
    assert out.returncode == 0, out.stderr
    assert "2 student(s)" in out.stdout, out.stdout
    rows = {r["student"]: r for r in csv.DictReader(gradebook.open(encoding="utf-8"))}
    assert set(rows) == set(STUDENTS.values()), rows.keys()
    assert float(rows["Ada Student"][EXERCISE]) == 1.0 and float(rows["Grace Student"][EXERCISE]) == 0.0, rows

    print("\nhub timings: " + ", ".join(f"{k} {v}" for k, v in timings.items()))
    if os.environ.get("KIT_HUB_TIMINGS"):
        Path(os.environ["KIT_HUB_TIMINGS"]).write_text(json.dumps(timings, indent=1))
