"""Build the slides: one reveal.js deck per notebook, executed like the static HTML edition, that works offline.

Each notebook runs in a fresh kernel with the kit in static-edition mode (tools/build_html.py's ``execute``), its
charts become plotly divs (``plotly_to_html``), and nbconvert's slides exporter writes ``NN_name.slides.html``.
The notebooks' metadata are never edited: the slide types are set here, at build time, on the executed copy:

* the first cell and every ``#`` or ``##`` heading cell starts a slide;
* every ``###`` heading cell starts a sub-slide (reveal.js shows it below its slide: press the down arrow);
* a code cell with an output (a table, a chart, an exercise) starts a sub-slide when the one it would join already
  holds an output or more than TEXT_BUDGET characters of text, so a slide shows one thing at a time; the text
  after an output stays with it;
* a code cell without an output (``import kit``) is skipped; every other cell continues the current slide.

reveal.js, require.js (both pinned in package.json: run ``npm ci``) and plotly.js (from the plotly package) are
copied next to the decks and referenced by relative paths, so the folder can be copied to a USB stick and opened
without a network. No MathJax is loaded: the notebooks have no formulas, and the build stops if one gains some.
Each notebook runs in a child process that is ended and run again if its kernel hangs (``execute_watched``).

Usage: python tools/slides.py [--out build/slides] [NOTEBOOK ...]
"""
from __future__ import annotations

import argparse
import html
import multiprocessing
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.build_html import execute, external_references, plotly_to_html  # noqa: E402

NOTEBOOK_TIMEOUT = 180  # seconds for one notebook (10 to 20 s on a 2-core machine); then it is run once more
NODE_MODULES = ROOT / "node_modules"
REVEAL_DIR = "reveal.js"  # the folder, beside the decks, that holds the copy of reveal.js
THEME = "white"  # a theme whose fonts reveal.js ships ("simple", nbconvert's default, imports Google fonts)
# An outside reference in CSS (an @import or a url() of another host); build_html's check covers the HTML tags.
EXTERNAL_CSS = re.compile(r"""@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)
# Inline or display math as JupyterLab would render it ($x$, $$x$$, \(x\), \[x\]): the decks carry no MathJax.
MATH = re.compile(r"(?<![\\$])\$[^$\s][^$\n]*\$|\$\$|\\\(|\\\[")
# A module that require.js would fetch from another host (build_html's check covers tags, not scripts' code).
EXTERNAL_REQUIRE = re.compile(r"""require\([^)]*?["'](?:https?:)?//[^"']*""", re.S)
HEADING = re.compile(r"^(#{1,6})\s")
TEXT_BUDGET = 600  # characters of markdown above which an output goes to a sub-slide of its own

# The kit's own template: nbconvert's reveal template with local scripts, no jQuery, mermaid or MathJax, and a
# start-up script that exposes window.Reveal (the tests read it), redraws the charts of the slide shown and lets a
# slide taller than the screen scroll.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<script src="{{ resources.kit_slides.plotly }}"></script>
<script src="{{ resources.kit_slides.require }}"></script>
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
.reveal .slides { text-align: left; }
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3 { text-transform: none; }
.reveal section.kit-scroll { overflow-y: auto; }
.reveal .jp-RenderedHTMLCommon a:link, .reveal .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
.reveal .jp-RenderedHTMLCommon table { font-size: 0.8em; }
.reveal .plotly-graph-div { margin: 0 auto; }
</style>
{%- endblock html_head_css -%}
{% block footer_js %}
<script>
require({waitSeconds: 15},
  ["{{ resources.reveal.url_prefix }}/dist/reveal.js", "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {
    window.Reveal = Reveal;
    function fit(event) {
      var slide = event.currentSlide || Reveal.getCurrentSlide();
      if (!slide) { return; }
      var height = Reveal.getConfig().height;
      slide.classList.toggle("kit-scroll", slide.scrollHeight > height);
      if (slide.classList.contains("kit-scroll")) { slide.style.height = height + "px"; }
      slide.querySelectorAll(".plotly-graph-div").forEach(function (div) {
        if (window.Plotly) { window.Plotly.Plots.resize(div); }
      });
    }
    Reveal.on("ready", fit);
    Reveal.on("slidechanged", fit);
    Reveal.initialize({
      controls: true, progress: true, history: true, center: false,
      transition: "{{ resources.reveal.transition }}",
      slideNumber: "{{ resources.reveal.number }}",
      width: {{ resources.reveal.width }}, height: {{ resources.reveal.height }},
      plugins: [RevealNotes]
    });
  });
</script>
{% endblock footer_js %}
"""


def _execute_into(path: str, target: str) -> None:
    nbformat.write(execute(Path(path)), target)


def execute_watched(path: Path, timeout: float = NOTEBOOK_TIMEOUT, tries: int = 2, log=print):
    """Return the notebook at ``path`` executed by build_html's ``execute``, in a child process that is ended and
    started again if it takes longer than ``timeout`` seconds.

    With ipykernel 7 a kernel's reply is sometimes never seen by the client (the kernel sits idle, the client
    waits): the run then only ends at nbclient's cell timeout, without an error, and the cell may miss its output.
    A second run in a fresh kernel avoids both.
    """
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(1, tries + 1):
        with tempfile.TemporaryDirectory(prefix="kit-slides-") as tmp:
            target = Path(tmp) / path.name
            child = ctx.Process(target=_execute_into, args=(str(path), str(target)), daemon=True)
            child.start()
            child.join(timeout)
            if child.is_alive():  # the kernel stops by itself once its parent is gone
                child.kill()
                child.join()
                log(f"{path.name}: not done after {timeout:.0f} s (try {attempt} of {tries}): the kernel hung")
                continue
            if child.exitcode != 0:
                raise SystemExit(f"{path.name}: running the notebook failed (see the error above)")
            return nbformat.read(target, as_version=4)
    raise SystemExit(f"{path.name}: the kernel hung on each of {tries} tries")


def heading_level(cell) -> int:
    """Return the level of the heading a markdown cell starts with (1 for ``#``), or 0."""
    if cell.cell_type != "markdown":
        return 0
    match = HEADING.match(cell.source.lstrip())
    return len(match.group(1)) if match else 0


def set_slide_types(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with every cell's slide type set by the rules of this module's docstring."""
    nb = nbformat.from_dict(nb)  # a deep copy: the notebook passed in is left as it is
    holds_output, text, first = False, 0, True
    for cell in nb.cells:
        level = heading_level(cell)
        has_output = cell.cell_type == "code" and bool(cell.get("outputs"))
        if cell.cell_type == "code" and not has_output:
            kind = "skip"
        elif first or level in (1, 2):
            kind = "slide"
        elif level == 3 or (has_output and (holds_output or text > TEXT_BUDGET)):
            kind = "subslide"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            holds_output, text, first = False, 0, False
        holds_output = holds_output or has_output
        text += len(cell.source) if cell.cell_type == "markdown" else 0
        cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


def math_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Return the indices of markdown cells with formulas (the decks load no MathJax to typeset them)."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and MATH.search(c.source)]


def exporter(reveal_url_prefix: str = REVEAL_DIR, theme: str = THEME):
    """Return nbconvert's slides exporter set up for the kit: local scripts, no prompts, the kit's template."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter

    return SlidesExporter(extra_loaders=[DictLoader({"kit_slides.html.j2": TEMPLATE})],
                          template_file="kit_slides.html.j2", reveal_url_prefix=reveal_url_prefix,
                          reveal_theme=theme, reveal_transition="none", reveal_number="c/t",
                          reveal_width="1280", reveal_height="800", embed_images=True,
                          exclude_input_prompt=True, exclude_output_prompt=True,
                          mathjax_url="", require_js_url="", jquery_url="", widget_renderer_url="",
                          mermaid_js_url="", mermaid_layout_elk_js_url="")


def export(nb: nbformat.NotebookNode, title: str, reveal_url_prefix: str = REVEAL_DIR, theme: str = THEME,
           assets: str = "") -> str:
    """Return one deck (a whole HTML page) for an executed notebook whose charts are already plotly divs.

    ``assets`` is the path from the deck to the folder with require.js and plotly.min.js ('' when beside it).
    """
    resources = {"metadata": {"name": title},
                 "kit_slides": {"require": f"{assets}require.js", "plotly": f"{assets}plotly.min.js"}}
    body, _ = exporter(reveal_url_prefix, theme).from_notebook_node(set_slide_types(nb), resources=resources)
    return body


def slide_count(nb: nbformat.NotebookNode) -> int:
    """Return how many slides and sub-slides the deck of ``nb`` has (what reveal.js's getTotalSlides() counts)."""
    return sum(c.metadata["slideshow"]["slide_type"] in ("slide", "subslide") for c in set_slide_types(nb).cells)


def outside_references(deck: str) -> list[str]:
    """Return what a deck would load from the web: tags (build_html's check), CSS imports, require.js modules."""
    return (external_references(deck) + [m.group(0)[:120] for m in EXTERNAL_CSS.finditer(deck)]
            + [m.group(0)[-120:] for m in EXTERNAL_REQUIRE.finditer(deck)])


def copy_assets(out_dir: Path, node_modules: Path = NODE_MODULES) -> list[Path]:
    """Copy reveal.js, require.js and plotly.js next to the decks in ``out_dir``; return what was copied."""
    import plotly

    reveal, requirejs = node_modules / "reveal.js", node_modules / "requirejs" / "require.js"
    if not (reveal / "dist" / "reveal.js").exists() or not requirejs.exists():
        raise SystemExit(f"reveal.js or require.js is missing from {node_modules}: run `npm ci` (package.json pins "
                         "them), or `make slides`, which does")
    target = out_dir / REVEAL_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(reveal / "dist", target / "dist", ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copytree(reveal / "plugin" / "notes", target / "plugin" / "notes",
                    ignore=shutil.ignore_patterns("*.esm.js"))
    shutil.copy2(reveal / "LICENSE", target / "LICENSE")
    shutil.copy2(requirejs, out_dir / "require.js")
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy2(plotly_js, out_dir / "plotly.min.js")
    # the style sheets a deck loads (the other themes are copied but never loaded: some import Google fonts)
    loaded = [target / "dist" / "reveal.css", target / "dist" / "theme" / f"{THEME}.css",
              *(target / "dist" / "theme" / "fonts").rglob("*.css")]
    bad = [str(p) for p in loaded if EXTERNAL_CSS.search(p.read_text(encoding="utf-8"))]
    if bad:
        raise SystemExit(f"these style sheets would load from the web: {bad}")
    return [target, out_dir / "require.js", out_dir / "plotly.min.js"]


def index_page(entries: list[dict]) -> str:
    """Return the index page of the decks."""
    rows = "".join(
        f'<tr><td>{html.escape(e["number"])}</td><td><a href="{html.escape(e["file"])}">{html.escape(e["title"])}'
        f'</a></td><td>{e["slides"]}</td></tr>' for e in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>UN cyber-diplomacy teaching kit: slides</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;line-height:1.5}}
table{{border-collapse:collapse}}td,th{{padding:.3em 1em;border-bottom:1px solid #ddd;text-align:left}}</style></head>
<body><h1>The UN cyber-diplomacy teaching kit: slides</h1>
<p>One deck per notebook, with the notebook's text, tables and charts; every widget shows its default view. Keys:
arrows (right for the next slide, down for a sub-slide), <kbd>Esc</kbd> for an overview, <kbd>S</kbd> for the
speaker view. The decks work offline: keep this folder together.</p>
<table><thead><tr><th>#</th><th>Notebook</th><th>Slides</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>
"""


def all_notebooks() -> list[Path]:
    """Return every notebook of the kit, in order (whatever notebooks/ holds: the list is never written out)."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def build(out_dir: Path, notebooks: list[Path] | None = None, log=print) -> list[dict]:
    """Execute and export ``notebooks`` (all by default) as decks in ``out_dir``, with their assets and an index.

    Return one entry per deck: its path, title, slide count, chart count and build time in seconds.
    """
    import kit

    notebooks = all_notebooks() if notebooks is None else list(notebooks)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    plan = kit.notebooks().set_index("file")
    entries = []
    for path in notebooks:
        started = time.perf_counter()
        source = nbformat.read(path, as_version=4)
        if math_cells(source):
            raise SystemExit(f"{path.name}: cells {math_cells(source)} have formulas, but the decks load no MathJax")
        nb = execute_watched(path, log=log)
        charts = plotly_to_html(nb)
        rel = path.resolve().relative_to(ROOT).as_posix() if path.resolve().is_relative_to(ROOT) else path.name
        title = plan.loc[rel, "title"] if rel in plan.index else path.stem
        deck = export(nb, title)
        bad = outside_references(deck)
        if bad:
            raise SystemExit(f"{path.name}: the deck would load from the web: {bad}")
        target = out_dir / f"{path.stem}.slides.html"
        target.write_text(deck, encoding="utf-8")
        entry = {"path": target, "file": target.name, "number": path.stem[:2], "title": title,
                 "slides": slide_count(nb), "charts": charts, "seconds": time.perf_counter() - started}
        entries.append(entry)
        log(f"{target.name}: {entry['slides']} slides, {charts} chart(s), {entry['seconds']:.1f} s")
    (out_dir / "index.html").write_text(index_page(entries), encoding="utf-8")
    return entries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "slides"), help="folder for the decks")
    parser.add_argument("notebooks", nargs="*", help="notebooks to build (default: all in notebooks/)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    entries = build(Path(args.out).resolve(), [Path(n).resolve() for n in args.notebooks] or None)
    print(f"wrote {len(entries)} decks ({sum(e['slides'] for e in entries)} slides) and index.html to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
