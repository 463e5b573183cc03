"""After a notebook ran in JupyterLab: drive its main widget, check its layout, run axe-core over its outputs.

Each check returns a list of problems in words (empty: all is well), so a test can report every problem at once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from tests.browser.lab import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELL = f"{NOTEBOOK} [data-kit-drive]"


# ---------------------------------------------------------------------------- driving a widget

@dataclass
class Step:
    """One thing a student does to a widget (``act``) and what must change in the cell's output (``expect``).

    ``expect`` items: "title" (a chart's title), "chart" (a chart's data or layout), "text:<css>" (the text of the
    first element matching <css> in the output; "text:<css>|<words>": the first one whose text contains <words>),
    "appears:<css>" (an element matching <css> drawn after the action, e.g. feedback replacing earlier feedback).
    """
    what: str
    act: Callable
    expect: tuple[str, ...]


@dataclass
class Drive:
    """The cell whose source contains ``cell`` shows the notebook's main widget; ``steps`` are done in order."""
    cell: str
    steps: list[Step] = field(default_factory=list)


def _control(cell, kind: str, label: str | None):
    """The ``kind`` control ('.widget-dropdown', '.widget-select-multiple', '.widget-slider') described ``label``."""
    loc = cell.locator(f".jp-OutputArea-output {kind}")
    if label is not None:
        loc = loc.filter(has=cell.page.locator(".widget-label", has_text=label))
    return loc.first


def choose(label: str | None, option: str | None = None, kind: str = ".widget-dropdown"):
    """Return an action: choose ``option`` (its label) in the menu described ``label``, or the next option."""
    def act(page, cell):
        select = _control(cell, kind, label).locator("select")
        value = option
        if value is None:  # the option after the selected one (or the first, from the last)
            value = select.evaluate("s => s.options[(s.selectedIndex + 1) % s.options.length].value")
        select.select_option(value=value)
    return act


def choose_several(label: str | None, count: int = 1):
    """Return an action: in the multiple selection described ``label``, choose the first ``count`` options alone
    (or, when exactly those are chosen already, the next ``count``)."""
    def act(page, cell):
        select = _control(cell, ".widget-select-multiple", label).locator("select")
        values = select.evaluate("""(s, n) => {
            const all = Array.from(s.options), chosen = all.filter(o => o.selected).map(o => o.value);
            let pick = all.slice(0, n).map(o => o.value);
            if (JSON.stringify(pick) === JSON.stringify(chosen)) pick = all.slice(n, 2 * n).map(o => o.value);
            return pick; }""", count)
        select.select_option(value=values)
    return act


def press(label: str | None, key: str = "ArrowRight", handle: int = 0):
    """Return an action: focus handle ``handle`` of the slider described ``label`` and press ``key``."""
    def act(page, cell):
        knob = _control(cell, ".widget-slider", label).locator(".noUi-handle").nth(handle)
        knob.focus()
        knob.press(key)
    return act


def answer_first_option():
    """Return an action: in the exercise, choose the first option (radio or checkbox) and press Submit."""
    def act(page, cell):
        out = cell.locator(".jp-OutputArea-output")
        out.locator("input[type=radio], input[type=checkbox]").first.check()
        out.locator("button", has_text="Submit").first.click()
    return act


def choose_a_verdict_change():
    """Return an action: in notebook 08's designer, choose the first option that changes the first draft's verdict
    (found from the kit's data when the action is done, so a data problem fails this notebook alone)."""
    def act(page, cell):
        dimension, option = _designer_choice()
        choose(dimension, option)(page, cell)
    return act


def _designer_choice() -> tuple[str, str]:
    """A (dimension label, option label) of notebook 08's designer that changes the verdict of the first draft."""
    from kit import simulation

    start = dict(simulation.STARTING_DRAFT)
    before = simulation.verdict_text(start)
    options = simulation.design_options()
    for dim, label in simulation.DIMENSIONS.items():
        for row in options[options["dimension"] == dim].itertuples():
            if row.option_id != start[dim] and simulation.verdict_text({**start, dim: row.option_id}) != before:
                return label, row.label
    raise AssertionError("no single design choice changes the first draft's verdict: pick another test action")


def drives() -> dict[str, Drive]:
    """The main widget of each notebook in notebooks/ and how a student would use it, by notebook stem."""
    return {
        "00_start_here": Drive("kit.check_setup()", [
            Step("move the 'Notebooks' slider one step", press("Notebooks"), ("title",))]),
        "01_reading_the_paper": Drive("kit.explorer()", [
            Step("choose another paragraph", choose("Paragraph"), ("text:.kit-explorer",))]),
        "02_timeline": Drive("kit.timeline()", [
            Step("choose other tracks", choose_several("Tracks"), ("chart",)),
            Step("move the first year of the 'Years' slider", press("Years", "ArrowRight", 0), ("chart",))]),
        "03_votes_and_coalitions": Drive("kit.compare_votes()", [
            Step("choose other texts", choose_several("Texts"), ("chart",))]),
        "04_comparing_mechanisms": Drive("kit.compare_mechanisms()", [
            Step("choose two other mechanisms", choose_several("Mechanisms", 2),
                 ("chart", "text:.kit-comparison", "text:.widget-html-content|Summary:")),
            Step("raise the first weight", press(None), ("chart", "text:.widget-html-content|Summary:"))]),
        "05_law_or_norms": Drive("kit.norms_browser()", [
            Step("choose another norm", choose("Norm"), ("text:.kit-norm",))]),
        "06_international_law": Drive("kit.positions_explorer()", [
            Step("choose another legal question", choose("Legal question"),
                 ("chart", "text:.widget-html-content|Summary:"))]),
        "07_norms_in_practice": Drive("kit.practice_explorer()", [
            Step("choose another pillar", choose("Pillar"), ("text:.kit-practice",))]),
        "08_negotiation_simulation": Drive("kit.mechanism_designer()", [
            Step("choose a design option that changes the verdict", choose_a_verdict_change(),
                 ("text::scope > .widget-vbox > .widget-html",))]),
        "09_review": Drive("kit.exercise(", [
            Step("choose the first option and press Submit", answer_first_option(), ("appears:.kit-feedback",))]),
    }


_MARK = """
(needle) => {
  document.querySelectorAll('[data-kit-drive]').forEach(e => e.removeAttribute('data-kit-drive'));
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets;
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].model.type === 'code' && cells[i].model.sharedModel.getSource().includes(needle)) {
      cells[i].node.setAttribute('data-kit-drive', '1');
      return i;
    }
  }
  return -1;
}
"""

# What the output of the marked cell shows now: each chart (title, a fingerprint of its traces, title, notes and
# shapes, drawn or not) and the text of the elements the expectations name.
_SNAPSHOT = """
([sel, cssList, mark]) => {
  const cell = document.querySelector(sel);
  const outs = cell ? Array.from(cell.querySelectorAll('.jp-OutputArea-output')) : [];
  const hash = s => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; };
  const charts = Array.from(cell ? cell.querySelectorAll('.jp-OutputArea-output .js-plotly-plot') : []).map(p => {
    let print = 'unreadable';
    // what the kernel sent, not what plotly computes while drawing (ranges, sizes): a redraw alone changes nothing
    const l = p.layout || {};
    try { print = hash(JSON.stringify([p.data, l.title, l.annotations, l.shapes])); } catch (e) {}
    const t = p._fullLayout && p._fullLayout.title;
    return {title: t ? String(t.text || '') : null, print, drawn: !!(p._fullLayout && p.querySelector('.main-svg'))};
  });
  const texts = {}, counts = {};
  for (const key of cssList) {
    const [css, words] = key.split('|');
    const found = outs.flatMap(o => Array.from(o.querySelectorAll(css)))
                      .filter(e => !words || e.innerText.includes(words));
    if (mark) found.forEach(e => e.setAttribute('data-kit-seen', '1'));  // elements there before the action
    counts[key] = found.filter(e => !e.hasAttribute('data-kit-seen')).length;
    texts[key] = found.length ? found[0].innerText : null;
  }
  const all = outs.map(o => o.innerText).join('\\n');
  return {cell: !!cell, widget: !!(cell && cell.querySelector('.jp-OutputArea-output .jupyter-widgets')),
          charts, texts, counts, loading: /Loading widget|Error displaying widget/.test(all)};
}
"""


def _split(expect: tuple[str, ...]) -> list[str]:
    return [e.split(":", 1)[1] for e in expect if ":" in e]


def _unmet(expect, before, now) -> list[str]:
    """Return the expectations ``now`` does not meet yet, compared with ``before``."""
    left = []
    for e in expect:
        kind, _, css = e.partition(":")
        if kind == "title":
            old = [c["title"] for c in before["charts"]]
            new = [c["title"] for c in now["charts"]]
            if not new or any(t is None for t in new) or new == old:
                left.append(f"the chart's title did not change (still {old})")
        elif kind == "chart":
            if not now["charts"] or [c["print"] for c in now["charts"]] == [c["print"] for c in before["charts"]]:
                left.append(f"the chart did not change ({len(now['charts'])} chart(s) in the output)")
        elif kind == "text":
            if now["texts"][css] is None:
                left.append(f"no element '{css}' in the output")
            elif now["texts"][css] == before["texts"][css]:
                left.append(f"the text of '{css}' did not change: {now['texts'][css][:120]!r}")
        elif kind == "appears":
            if not now["counts"][css]:
                left.append(f"no new '{css}' appeared")
    if now["loading"]:
        left.append("a widget shows 'Loading widget' or 'Error displaying widget'")
    if any(not c["drawn"] for c in now["charts"]):
        left.append("a chart is not drawn yet")
    return left


def drive(page, spec: Drive, timeout: float = 20) -> list[str]:
    """Do each step of ``spec`` in the open notebook; return what did not respond as it should."""
    index = page.evaluate(_MARK, spec.cell)
    if index < 0:
        return [f"no code cell contains {spec.cell!r}"]
    cell = page.locator(CELL)
    cell.scroll_into_view_if_needed()
    problems = []
    for step in spec.steps:
        css = _split(step.expect)
        before = page.evaluate(_SNAPSHOT, [CELL, css, True])
        if not before["widget"]:
            return problems + [f"cell {index} ({spec.cell!r}) shows no widget"]
        try:
            step.act(page, cell)
        except Exception as err:  # a control that is missing or cannot be used: say which step
            problems.append(f"{step.what}: could not be done: {str(err).splitlines()[0]}")
            continue
        deadline = time.monotonic() + timeout
        while True:
            now = page.evaluate(_SNAPSHOT, [CELL, css, False])
            left = _unmet(step.expect, before, now)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        problems += [f"{step.what}: {p} within {timeout:.0f} s" for p in left]
    return problems


# ---------------------------------------------------------------------------- what a cell must show

def shows() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Cells that show a table or message rather than a widget, by notebook stem: (code the cell contains, the
    words its output must show in the browser after Run All)."""
    return {
        "08_negotiation_simulation": [
            ("kit.class_plan(30)", ("caucus", "delegations in", "coalitions:", "bridge-builders")),
            ("kit.class_draft()", ("No class draft yet",)),
            ("kit.compare_routes()", ("your class's concessions", "first settled in 2025 by",
                                      "gave ground in 2025 (the kit's reading)", "no class draft published yet")),
        ],
    }


_OUTPUT_TEXT = """
(needle) => {
  const panel = window.jupyterapp.shell.currentWidget;
  for (const c of panel.content.widgets) {
    if (c.model.type === 'code' && c.model.sharedModel.getSource().includes(needle)) {
      const outs = Array.from(c.node.querySelectorAll('.jp-OutputArea-output'));
      return {found: true, visible: outs.some(o => o.getBoundingClientRect().height > 0),
              text: outs.map(o => o.innerText).join('\\n')};
    }
  }
  return {found: false, visible: false, text: ''};
}
"""


def shown(page, specs) -> list[str]:
    """Check each (code, words) of ``specs`` in the open notebook; return what is missing, in words."""
    problems = []
    for needle, words in specs:
        out = page.evaluate(_OUTPUT_TEXT, needle)
        if not out["found"]:
            problems.append(f"no code cell contains {needle!r}")
            continue
        if not out["visible"]:
            problems.append(f"{needle}: its output is not drawn")
        missing = [w for w in words if w not in out["text"]]
        if missing:
            problems.append(f"{needle}: its output does not show {missing} (it shows {out['text'][:160]!r})")
    return problems


# ---------------------------------------------------------------------------- layout of option labels

_LAYOUT = """
() => {
  const nb = document.querySelector('%s .jp-Notebook');
  if (!nb) return ['no notebook open'];
  const problems = [];
  // the box the text of an element takes (text may run outside the element's own box)
  const box = el => {
    const r = document.createRange(); r.selectNodeContents(el);
    const t = r.getBoundingClientRect(), b = el.getBoundingClientRect();
    return {top: Math.min(t.top, b.top), bottom: Math.max(t.bottom, b.bottom),
            left: Math.min(t.left, b.left), right: Math.max(t.right, b.right)};
  };
  const name = el => JSON.stringify(el.innerText.trim().slice(0, 60));
  const where = el => {
    const cell = el.closest('.jp-CodeCell'); const src = cell && cell.querySelector('.jp-InputArea-editor');
    return src ? src.innerText.trim().split('\\n')[0].slice(0, 60) : 'an output';
  };
  const groups = [];
  nb.querySelectorAll('.jp-OutputArea-output .widget-radio-box').forEach(g =>
    groups.push(Array.from(g.querySelectorAll(':scope > label'))));
  new Set(Array.from(nb.querySelectorAll('.jp-OutputArea-output .widget-checkbox')).map(c => c.parentElement))
    .forEach(p => groups.push(Array.from(p.querySelectorAll(':scope > .widget-checkbox > .widget-label-basic'))));
  for (const labels of groups) {
    const boxes = labels.map(box);
    labels.forEach((label, i) => {
      const holder = label.closest('.widget-radio-box, .widget-checkbox').parentElement.getBoundingClientRect();
      if (label.scrollWidth > label.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1
          || boxes[i].right > holder.right + 1) {
        problems.push(`${where(label)}: option ${name(label)} is cut off or wider than its box`);
      }
      for (let j = i + 1; j < labels.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1
            && Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1) {
          problems.push(`${where(label)}: options ${name(label)} and ${name(labels[j])} overlap`);
        }
      }
    });
  }
  // a menu's description (in exercises: the item to order or match) must be whole, and its menu usable
  nb.querySelectorAll('.jp-OutputArea-output .widget-dropdown').forEach(d => {
    const label = d.querySelector(':scope > .widget-label'), select = d.querySelector('select');
    if (label && label.offsetParent && label.scrollWidth > label.clientWidth + 1) {
      problems.push(`${where(d)}: the description ${name(label)} of a menu is cut off`);
    }
    if (select && select.clientWidth < 80) {
      problems.push(`${where(d)}: the menu beside ${name(label)} is only ${select.clientWidth} px wide`);
    }
  });
  return problems;
}
""" % NOTEBOOK


def layout_problems(page) -> list[str]:
    """Return every option label (radio buttons, checkboxes) that overlaps another or is cut off, and every menu
    whose description is cut off or which is squeezed too narrow to read."""
    return page.evaluate(_LAYOUT)


# ---------------------------------------------------------------------------- accessibility (axe-core)

def axe_available() -> str | None:
    """Return why axe-core cannot run (None: it can)."""
    if not AXE_JS.exists():
        return f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` in the repository (make test does)"
    return None


def run_axe(page, context, options: dict | None = None) -> list[dict]:
    """Run axe-core in ``page`` over ``context`` (an axe context, or 'outputs': the open notebook's outputs);
    return its violations of WCAG 2.1 A and AA."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    opts = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"], **(options or {})}
    return page.evaluate("""async ([context, opts, nbSel]) => {
      if (context === 'outputs') {  // the outermost output areas of the open notebook: the kit's outputs
        context = Array.from(document.querySelectorAll(nbSel + ' .jp-Notebook .jp-OutputArea-output'))
          .filter(o => !o.parentElement.closest('.jp-OutputArea-output'));
        if (!context.length) return [];
      }
      const r = await axe.run(context, opts);
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                  why: (n.any.concat(n.all, n.none)[0] || {}).message || ''}))}));
    }""", [context, opts, NOTEBOOK])


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict], nodes: int = 2) -> list[str]:
    """Return one readable line per violation: rule, impact, how many elements, then a few of them."""
    lines = []
    for v in violations:
        shown = "; ".join(f"{n['target']} {n['html'][:160]!r} ({n['why'][:160]})" for n in v["nodes"][:nodes])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}. e.g. {shown}")
    return lines


_FULL_HEIGHT = """
() => {
  const panel = document.querySelector('%s');
  const outer = panel && panel.querySelector('.jp-WindowedPanel-outer');
  const cells = panel ? panel.querySelectorAll('.jp-Cell') : [];
  if (!outer || !cells.length) return null;
  const top = cells[0].getBoundingClientRect().top, bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
  return Math.ceil(outer.getBoundingClientRect().top + (bottom - top) + 200);
}
""" % NOTEBOOK

MAX_HEIGHT = 60_000


def axe_notebook_outputs(page) -> tuple[list[dict], list[str]]:
    """Run axe over the open notebook's outputs; return (violations, problems that kept axe from seeing all).

    axe checks colour contrast only of text it finds on screen. JupyterLab scrolls the notebook inside a panel and
    clips its <body> to height 0, so first the window is made as tall as the notebook, the notebook scrolled to
    its top and <body> allowed to show its content; all is put back afterwards.
    """
    size = page.viewport_size
    need = page.evaluate(_FULL_HEIGHT)
    problems = []
    if need is None:
        return [], ["no notebook open"]
    if need > MAX_HEIGHT:
        problems.append(f"the notebook is {need} px tall: axe checks colour contrast only in its first {MAX_HEIGHT} px")
    page.set_viewport_size({"width": size["width"], "height": min(need, MAX_HEIGHT)})
    try:
        page.evaluate("""(sel) => {
          const outer = document.querySelector(sel + ' .jp-WindowedPanel-outer'); if (outer) outer.scrollTop = 0;
          const s = document.createElement('style'); s.id = 'kit-axe-unclip';
          s.textContent = 'body.jp-ThemedContainer { overflow: visible !important; }';
          document.head.appendChild(s); }""", NOTEBOOK)
        page.wait_for_timeout(300)
        return run_axe(page, "outputs"), problems
    finally:
        page.evaluate("() => { const s = document.getElementById('kit-axe-unclip'); if (s) s.remove(); }")
        page.set_viewport_size(size)
