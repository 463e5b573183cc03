"""Build the static HTML edition: every notebook executed and exported to one self-contained page, plus an index.

Each page works offline: plotly.js is included once per page (not fetched), charts stay interactive, and every
widget shows its default view (the kit runs with KIT_STATIC_EDITION=1). Nothing on a page loads from the web;
links to sources remain ordinary links.

Usage: python tools/build_html.py [--out build/html] [NOTEBOOK ...]
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXTERNAL = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def execute(path: Path) -> nbformat.NotebookNode:
    """Return the notebook at ``path`` executed in a fresh kernel, with the kit in static-edition mode."""
    nb = nbformat.read(path, as_version=4)
    # The switch goes to this kernel alone, never into os.environ: a test process that builds the edition
    # must go on testing the live kit afterwards.
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=static_kernel_env())
    return nb


def static_kernel_env() -> dict:
    """Return the environment of a kernel that builds the static edition: this process's, plus the static switch."""
    return {**os.environ, "KIT_STATIC_EDITION": "1"}


def plotly_to_html(nb: nbformat.NotebookNode) -> int:
    """Replace every plotly output by an HTML div drawn with the page's inline plotly.js; return how many."""
    import plotly.io as pio

    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                fig = pio.from_json(json.dumps(data[PLOTLY_MIME]))
                div = pio.to_html(fig, full_html=False, include_plotlyjs=False,
                                  config={"displaylogo": False, "responsive": True})
                out["data"] = {"text/html": div, "text/plain": data.get("text/plain", "Chart")}
                count += 1
            data.pop(WIDGET_MIME, None)  # widgets need a kernel: their static view is displayed beside them
    nb.metadata.pop("widgets", None)
    return count


def export(nb: nbformat.NotebookNode, title: str) -> str:
    """Return one self-contained HTML page for an executed notebook."""
    import plotly.offline

    exporter = HTMLExporter(template_name="lab", embed_images=True, mathjax_url="", require_js_url="",
                            jquery_url="", widget_renderer_url="", mermaid_js_url="", mermaid_layout_elk_js_url="")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # drop the script tags whose URL we emptied, then inline plotly.js once, before any chart
    body = re.sub(r'<script[^>]*\bsrc=""[^>]*>\s*</script>', "", body)
    plotly_js = f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
    # links in text must not differ by colour alone (WCAG 1.4.1): the lab template does not underline them
    links = "<style>.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited {text-decoration: underline}</style>"
    body = body.replace("</head>", f"{plotly_js}\n{links}\n</head>", 1)
    back = ('<p style="margin:1em 2em"><a href="index.html">← All notebooks of the UN cyber-diplomacy teaching kit</a>'
            " · static edition: interactive controls need JupyterLab</p>")
    body = re.sub(r"(<body[^>]*>)", r"\1" + back, body, count=1)
    return body


def external_references(page: str) -> list[str]:
    """Return the tags of a page that would load something from the web (scripts, styles, images, frames)."""
    return [m.group(0)[:120] for m in EXTERNAL.finditer(page)]


def index_page(entries: list[dict]) -> str:
    """Return the index page of the static edition."""
    rows = "".join(
        f'<tr><td>{html.escape(e["number"])}</td><td><a href="{html.escape(e["file"])}">{html.escape(e["title"])}</a></td>'
        f'<td>{e["minutes"]} min</td></tr>' for e in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>UN cyber-diplomacy teaching kit: static edition</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;line-height:1.5}}
table{{border-collapse:collapse}}td{{padding:.3em 1em;border-bottom:1px solid #ddd}}</style></head>
<body><h1>The UN cyber-diplomacy teaching kit</h1>
<p>A read-only edition of the kit's notebooks: the text, the tables and the charts (which you can still hover and
zoom), with every widget in its default view. To use the widgets and the exercises, open the kit in JupyterLab.</p>
<table><thead><tr><th>#</th><th>Notebook</th><th>Time</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>
"""


def build(out_dir: Path, notebooks: list[Path]) -> list[Path]:
    """Execute and export ``notebooks`` into ``out_dir`` with an index page; return the pages written."""
    sys.path.insert(0, str(ROOT))
    import kit

    out_dir.mkdir(parents=True, exist_ok=True)
    plan = kit.notebooks().set_index("file")
    written, entries = [], []
    for path in notebooks:
        nb = execute(path)
        charts = plotly_to_html(nb)
        rel = path.relative_to(ROOT).as_posix()
        title = plan.loc[rel, "title"] if rel in plan.index else path.stem
        page = export(nb, title)
        bad = external_references(page)
        if bad:
            raise SystemExit(f"{path.name}: the page would load from the web: {bad}")
        target = out_dir / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        written.append(target)
        entries.append({"number": path.stem[:2], "file": target.name, "title": title,
                        "minutes": int(plan.loc[rel, "minutes"]) if rel in plan.index else 0})
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {charts} chart(s)")
    index = out_dir / "index.html"
    index.write_text(index_page(entries), encoding="utf-8")
    return written + [index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "html"), help="folder for the pages")
    parser.add_argument("notebooks", nargs="*", help="notebooks to build (default: all in notebooks/)")
    args = parser.parse_args(argv)
    chosen = [Path(n).resolve() for n in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    pages = build(Path(args.out).resolve(), chosen)
    print(f"wrote {len(pages)} pages to {Path(args.out)}")


if __name__ == "__main__":
    main()
