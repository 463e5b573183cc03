"""Build the printable handouts: HTML pages first, then A4 PDFs printed by headless Chromium.

* ``sheet_NN_*``: one exercise sheet per notebook (prompts, options, items to order, pairs to match, lines to
  write on; never an answer, an explanation or a hint);
* ``position_brief``: a one-page template for a delegation's position brief in the negotiation simulation;
* ``answer_key``: the answers, explanations and sources of every exercise, for the instructor;
* ``card_<id>``: one card per State (groups have none: States, not groups, object in consensus);
* ``chair_script``: the chair's script of the simulation's rounds.

Every text is escaped; a page loads nothing (no outside font, script or image), and Chromium prints it with every
request off this machine refused.

Usage: python tools/handouts.py [--out build/handouts] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kit import exercises as _exercises  # noqa: E402
from kit import negotiation as _negotiation  # noqa: E402
from kit import simulation as _simulation  # noqa: E402
from kit.data import load, reliability_label  # noqa: E402
from tools.chromium import CHROMIUM_ARGS, find_chromium  # noqa: E402

LOCAL_SCHEMES = ("file:", "data:", "about:")

TYPE_LABELS = {"multiple_choice": "Tick one", "multiple_select": "Tick every one that applies",
               "ordering": "Number the items in order (1 = first)", "matching": "Match each item on the left "
               "to one on the right: write its letter", "free_text": "Write your answer"}

# Print CSS: A4, system fonts only, and a page break between parts that must start on a new sheet.
CSS = """
@page { size: A4; margin: 15mm 15mm 15mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.35;
       color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 3mm 0; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm 0; }
h3 { font-size: 11pt; margin: 3mm 0 1mm 0; }
p { margin: 1mm 0; }
.meta { color: #333; font-size: 9pt; }
.page { break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
.item { break-inside: avoid; page-break-inside: avoid; margin: 0 0 5mm 0; }
.name-line { display: flex; gap: 8mm; margin: 0 0 4mm 0; }
.name-line span { flex: 1; border-bottom: 1px solid #555; padding-bottom: 1mm; }
ul.boxes { list-style: none; padding-left: 2mm; margin: 1mm 0; }
ul.boxes li { margin: 1mm 0; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 1px solid #111; margin-right: 2mm;
       vertical-align: -0.5mm; }
.blank { display: inline-block; width: 10mm; border-bottom: 1px solid #111; margin-right: 2mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm 0; }
th, td { border: 1px solid #888; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
.match td { border: none; padding: 0.8mm 1.5mm; }
.line { border-bottom: 1px solid #999; height: 7.5mm; }
.field { border: 1px solid #555; margin: 0 0 2.5mm 0; padding: 1mm 2mm; break-inside: avoid; }
.field h2 { margin: 0 0 1mm 0; font-size: 11pt; }
.field .hint { font-size: 8.5pt; color: #333; }
.answer { margin: 1mm 0; }
.label { font-weight: bold; }
.card table, .card ul { font-size: 9pt; }
"""


def _e(value) -> str:
    return html.escape(str(value))


def _document(title: str, body: str) -> str:
    """Return a whole HTML page: the title, the print CSS and ``body`` (already escaped)."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{_e(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _lines(n: int) -> str:
    return "".join('<div class="line"></div>' for _ in range(n))


def _notebook_titles() -> dict:
    from kit.course import notebooks

    table = notebooks()
    return dict(zip(table["number"], table["title"]))


def _notebook_number(notebook: str) -> str:
    return notebook.split("_", 1)[0]


# ---------------------------------------------------------------------------- exercise sheets

def _exercise_html(number: int, ex) -> str:
    """Return one exercise as students see it on paper: the prompt and what to fill in, never the answer."""
    parts = [f'<div class="item"><h3>{number}. {_e(ex.prompt)}</h3>',
             f'<p class="meta">{_e(TYPE_LABELS[ex.type])}.</p>']
    if ex.type in ("multiple_choice", "multiple_select"):
        parts.append('<ul class="boxes">' + "".join(f'<li><span class="box"></span>{_e(o)}</li>'
                                                    for o in ex.options) + "</ul>")
    elif ex.type == "ordering":
        # shuffled as the widget shows them: the file lists the items in their correct order
        parts.append('<ul class="boxes">' + "".join(f'<li><span class="blank"></span>{_e(i)}</li>'
                                                    for i in ex.shuffled(ex.items)) + "</ul>")
    elif ex.type == "matching":
        lefts, rights = list(ex.lefts), list(ex.rights)
        rows = []
        for i in range(max(len(lefts), len(rights))):
            left = f'<span class="blank"></span>{_e(lefts[i])}' if i < len(lefts) else ""
            right = f"{chr(65 + i)}. {_e(rights[i])}" if i < len(rights) else ""
            rows.append(f"<tr><td>{left}</td><td>{right}</td></tr>")
        parts.append(f'<table class="match">{"".join(rows)}</table>')
    else:
        words = f" (at least {ex.min_words} words)" if ex.min_words else ""
        if words:
            parts[1] = f'<p class="meta">{_e(TYPE_LABELS[ex.type] + words)}.</p>'
        parts.append(_lines(max(6, min(16, ex.min_words // 8 + 4))))
    parts.append("</div>")
    return "".join(parts)


def exercise_sheet_html(notebook: str) -> str:
    """Return the exercise sheet of one notebook (e.g. '02_timeline') as a whole HTML page, with no answers."""
    mine = [ex for ex in _exercises.all_exercises().values() if ex.notebook == notebook]
    if not mine:
        raise ValueError(f"no exercises for notebook {notebook!r}; choose one of: {', '.join(sheet_notebooks())}")
    number = _notebook_number(notebook)
    title = f"Exercises, notebook {number}: {_notebook_titles().get(number, notebook)}"
    body = (f'<div class="page"><h1>{_e(title)}</h1>'
            '<div class="name-line"><span>Name:</span><span>Date:</span></div>'
            + "".join(_exercise_html(i, ex) for i, ex in enumerate(mine, 1)) + "</div>")
    return _document(title, body)


def sheet_notebooks() -> list[str]:
    """Return the notebooks that have exercises, in order."""
    return sorted({ex.notebook for ex in _exercises.all_exercises().values()})


# ---------------------------------------------------------------------------- position brief

BRIEF_FIELDS = (
    ("State", "The State your delegation speaks for.", 1),
    ("Interests", "What your State wants from the future mechanism, and why.", 4),
    ("Red lines", "What your State cannot accept: the elements it would block consensus on.", 3),
    ("What it can concede", "What your State could give up, and what it would ask in return.", 3),
    ("Allies", "States likely to take the same line, and on which points.", 2),
    ("Sources", "Each fact above with its source, and what kind of source it is (UN record, official "
                "statement, state media, edited analysis, AI summary, copy).", 3),
)


def position_brief_html() -> str:
    """Return the one-page position-brief template of a delegation in the negotiation simulation."""
    title = "Position brief: negotiation simulation (notebook 08)"
    fields = "".join(f'<div class="field"><h2>{_e(name)}</h2><p class="hint">{_e(hint)}</p>{_lines(n)}</div>'
                     for name, hint, n in BRIEF_FIELDS)
    body = (f'<div class="page"><h1>{_e(title)}</h1>'
            '<div class="name-line"><span>Delegate(s):</span><span>Date:</span></div>'
            f"{fields}</div>")
    return _document(title, body)


# ---------------------------------------------------------------------------- answer key

def _source_items(ids) -> str:
    """Return an HTML list of sources: title, publisher, symbol, date and its reliability label."""
    by_id = {r["source_id"]: r for r in load("sources").to_dict("records")}
    items = []
    for sid in dict.fromkeys(ids):
        s = by_id.get(sid)
        if s is None:
            items.append(f"<li>{_e(sid)} (not in data/sources.csv)</li>")
            continue
        text = ". ".join(str(s[k]) for k in ("title", "publisher", "symbol", "date_label")
                         if k in s and isinstance(s[k], str) and s[k])
        label = reliability_label(s) or "reliability not given"
        items.append(f"<li><b>{_e(label)}</b>: {_e(text)}. {_e(s.get('url', ''))}</li>")
    return f'<ul>{"".join(items)}</ul>' if items else "<p>none listed</p>"


def _rubric(ex_id: str, row: dict) -> str:
    """Return the rubric of an exercise as answer_key() gives it, one level per line ('' where it has none)."""
    value = row.get("rubric")
    return value.strip() if isinstance(value, str) else ""


def answer_key_html() -> str:
    """Return the answer key of every exercise, by notebook, as a whole HTML page (for the instructor)."""
    key = _exercises.answer_key()
    titles = _notebook_titles()
    title = "Answer key: every exercise of the kit (for the instructor)"
    parts = [f"<h1>{_e(title)}</h1>", '<p class="meta">Generated from data/exercises/*.json. Free-text answers '
             "are not auto-checked: the model answer shows what a strong answer contains.</p>"]
    for notebook, rows in key.groupby("notebook", sort=True):
        number = _notebook_number(notebook)
        parts.append(f"<h2>Notebook {_e(number)}: {_e(titles.get(number, notebook))}</h2>")
        for i, row in enumerate(rows.to_dict("records"), 1):
            label = "Model answer" if row["type"] == "free_text" else "Answer"
            ids = [s for s in str(row.get("source_ids") or "").split(";") if s]
            rubric = _rubric(row["id"], row)
            parts.append(
                f'<div class="item"><h3>{i}. {_e(row["prompt"])}</h3>'
                f'<p class="meta">{_e(row["id"])} · {_e(row["type"].replace("_", " "))}</p>'
                f'<p class="answer"><span class="label">{label}:</span> {_e(row["answer"])}</p>'
                + (f'<p><span class="label">Explanation:</span> {_e(row["explanation"])}</p>'
                   if row.get("explanation") else "")
                + (f'<p><span class="label">Rubric:</span> {"<br>".join(_e(line) for line in rubric.splitlines())}</p>'
                   if rubric else "")
                + (f'<p class="label">Sources</p>{_source_items(ids)}' if ids else "")
                + "</div>")
    return _document(title, "".join(parts))


# ---------------------------------------------------------------------------- State cards

def state_ids() -> list[str]:
    """Return the ids of the delegations that are States (groups get no card), in the order of delegations.csv."""
    table = _simulation.delegations()
    return list(table.loc[table["kind"] == "state", "delegation_id"])


def state_card_html(delegation_id: str) -> str:
    """Return one State's card: interests, red lines, reservation and stances (the kit's reading), with sources."""
    table = _simulation.delegations()
    if delegation_id not in state_ids():
        raise ValueError(f"no State card for {delegation_id!r}; choose one of: {', '.join(state_ids())}")
    row = table[table["delegation_id"] == delegation_id].iloc[0]
    names = dict(zip(table["delegation_id"], table["name"]))
    allies = ", ".join(names.get(a, a) for a in row["likely_allies"]) or "none listed"
    mine = _simulation.stances()
    mine = mine[mine["delegation_id"] == delegation_id]
    source_ids = list(row["source_ids"]) + [s for ids in mine["source_ids"] for s in ids]
    reading = _simulation.READING
    title = f"State card: {row['name']}"
    body = (
        f'<div class="page card"><h1>{_e(title)}</h1>'
        f'<p class="meta">Negotiation simulation (notebook 08). Confidence of this card: {_e(row["confidence"])}. '
        f"Interests, red lines, reservation and stances are {_e(reading)}, not the State's own words.</p>"
        f'<p><span class="label">Interests</span> ({_e(reading)}): {_e(row["interests"])}</p>'
        f'<p><span class="label">Red lines</span> ({_e(reading)}): {_e(row["red_lines"])}</p>'
        f'<p><span class="label">Likely allies</span> ({_e(reading)}): {_e(allies)}</p>'
        f"{_simulation.reading_html(delegation_id)}"
        f"<h2>Sources</h2>{_source_items(source_ids)}</div>")
    return _document(title, body)


# ---------------------------------------------------------------------------- chair's script

def chair_script_html() -> str:
    """Return the chair's script: every round of the simulation with its minutes, what students and chair do."""
    title = "Chair's script: negotiation simulation (notebook 08)"
    rows, start = [], 0
    for r in _negotiation.ROUNDS:
        end = start + r["minutes"]
        rows.append(f"<tr><td>{_e(r['round'])}</td><td>{start}–{end} ({r['minutes']} min)</td>"
                    f"<td>{_e(r['students'])}</td><td>{_e(r['chair'])}</td></tr>")
        start = end
    body = (f'<div class="page"><h1>{_e(title)}</h1>'
            f'<p class="meta">{len(_negotiation.ROUNDS)} rounds, {start} minutes in all.</p>'
            "<table><thead><tr><th>Round</th><th>Minutes</th><th>Students</th><th>Chair</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<h2>Notes</h2>{_lines(8)}</div>")
    return _document(title, body)


# ---------------------------------------------------------------------------- building

def documents() -> dict:
    """Return {name: a function that returns the page's HTML} for every handout, in build order."""
    docs = {f"sheet_{nb}": (lambda nb=nb: exercise_sheet_html(nb)) for nb in sheet_notebooks()}
    docs["position_brief"] = position_brief_html
    docs["answer_key"] = answer_key_html
    docs.update({f"card_{d}": (lambda d=d: state_card_html(d)) for d in state_ids()})
    docs["chair_script"] = chair_script_html
    return docs


def write_html(out: Path, names=None) -> list[Path]:
    """Write the chosen handouts (all by default) as HTML files in ``out``; return their paths."""
    docs = documents()
    names = list(docs) if not names else list(names)
    unknown = [n for n in names if n not in docs]
    if unknown:
        raise ValueError(f"unknown handout(s) {', '.join(map(repr, unknown))}; choose from: {', '.join(docs)}")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = out / f"{name}.html"
        path.write_text(docs[name](), encoding="utf-8")
        paths.append(path)
    return paths


def print_pdfs(pages, chromium: str | None = None) -> tuple[list[Path], list[str]]:
    """Print every HTML page to an A4 PDF beside it; return the PDFs and any request refused (must be none)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found (install Debian's 'chromium' package, or set KIT_CHROMIUM)")
    refused: list[str] = []

    def guard(route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:  # a handout prints offline: anything else is refused and reported
            refused.append(route.request.url)
            route.abort()

    pdfs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for path in pages:
                page = browser.new_page()
                page.route("**/*", guard)
                page.goto(Path(path).resolve().as_uri())
                page.wait_for_load_state("load")
                pdf = Path(path).with_suffix(".pdf")
                page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
                pdfs.append(pdf)
                page.close()
        finally:
            browser.close()
    return pdfs, refused


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the printable handouts (HTML, then A4 PDF with Chromium).")
    parser.add_argument("--out", default="build/handouts", help="output folder (default: build/handouts)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="build only these handouts (default: all)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    started = time.perf_counter()
    try:
        pages = write_html(out, args.only)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    html_done = time.perf_counter()
    print(f"wrote {len(pages)} HTML handouts to {out} in {html_done - started:.1f} s")
    try:
        pdfs, refused = print_pdfs(pages)
    except (ImportError, RuntimeError) as err:
        print(f"error: the PDFs need Chromium and Playwright: {err}; the HTML handouts are in {out}", file=sys.stderr)
        return 1
    if refused:
        print(f"error: the handouts asked for outside resources: {refused[:3]}", file=sys.stderr)
        return 1
    print(f"printed {len(pdfs)} PDFs in {time.perf_counter() - html_done:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
