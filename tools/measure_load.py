"""Measure each notebook's student load and write docs/measured_load.md.

For every notebook the script counts, per section (a markdown ``## `` heading; ``### `` subsections are
listed under it):

- the words of markdown a student reads;
- the words the outputs show: tables, cards and the default view of each widget. They come from the notebook
  executed with nbclient (kernel python3, in notebooks/) in the static-edition mode of the HTML build, where every
  widget displays its default view as HTML. A line of output already shown earlier in the notebook is not
  counted again; text folded in a closed ``<details>`` (the *Sources* lists: click to open) is counted apart and
  not timed;
- the words of the exercises: prompt and options (from the executed notebook), and the feedback shown after
  Submit (the explanation, or the model answer of a free-text question, from data/exercises/);
- the charts to read, the widgets to explore, the code cells to run;
- the auto-checked and the free-text exercises (as ``kit.exercises.catalog()`` types them), each free-text one
  with its expected length (the range its prompt states, else the length of its model answer).

It turns the counts into minutes at the rates below (named constants, each with its basis) and writes
docs/measured_load.md. A section whose heading says "(optional, about N minutes)" is off the core path; a
notebook whose time statement says "optional notebook" is off it altogether.

Usage:  python tools/measure_load.py [--out docs/measured_load.md] [NOTEBOOK ...]      (or: make load)

The result is deterministic: the notebooks' outputs are (Run All twice gives the same outputs), the counting
depends on nothing else, and the answers the notebooks save go to a temporary file whose name is not counted.
``markdown_load()`` is the fast part (no kernel): tests/test_course.py uses it to check that docs/measured_load.md
and kit.course.PLAN still describe the notebooks as they are.
"""
from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "measured_load.md"
COMMAND = "`make load` (or `python tools/measure_load.py`)"

# ---------------------------------------------------------------------------------------------------- rates
# Silent reading of non-fiction in English averages about 238 words a minute (Brysbaert 2019, "How many
# words do we read per minute? A review and meta-analysis of reading rate", Journal of Memory and Language
# 109, 104047). Students study these texts (dense, full of UN symbols, paragraph numbers and dates) to use
# them in exercises, so the kit assumes a slower study rate.
MARKDOWN_WPM = 200
# Text in outputs is tables, cards and lists: scanned for a fact, re-read, compared across rows. Reading
# tables and lists for information is markedly slower than reading prose; the kit assumes half the rate.
OUTPUT_WPM = 100
# Reading one chart: its title, axes and legend, hovering a few points, finding what the text says it shows.
FIGURE_MIN = 1.0
# Exploring one widget: trying three or four settings and reading each new view (the text of its first view is
# counted in the output words). A widget with a single control (the set-up check's slider, the role assigner's
# box for names) takes less.
WIDGET_MIN = 8.0
CONTROL_WIDGET_MIN = 2.0
CONTROL_WIDGETS = ("check_setup", "role_assigner")
# Running one code cell and looking at its output appear (Shift+Enter, wait, scroll): about 15 seconds.
RUN_CELL_MIN = 0.25
# One auto-checked exercise: choosing or ordering the answer, often looking back at a table, Submit. The
# time to read its prompt, options and feedback is counted apart, as prose (MARKDOWN_WPM).
AUTO_MIN = 2.0
# Writing a composed, argued answer: composition typing runs at about 19 words a minute against 33 for
# transcription (Karat et al. 1999, CHI '99, 568-575); argued text that cites sources and paragraph numbers
# is slower, about 13 words a minute. Plus time to plan the answer and find the evidence before writing.
WRITE_WPM = 13
THINK_MIN = 5.0
# The expected length of a free-text answer when neither its prompt nor a model answer gives one.
DEFAULT_ANSWER_WORDS = 150
# Times are stated rounded to this many minutes.
ROUND_TO = 5

STATIC_NOTE_TEXT = "This is the default view. In JupyterLab the controls above it let you change what it shows."
EXERCISE_NOTE_TEXT = "Open this notebook in JupyterLab to answer and get feedback."
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
EXERCISE_CALL = re.compile(r"""kit\.exercise\(\s*["']([^"']+)["']\s*\)""")
HEADING = re.compile(r"^(#{2,3}) (.+?)\s*$")


def words(text: str) -> int:
    """Return the number of words in ``text`` (runs of letters or digits; 'States'' and 'ICT-related' are one)."""
    return len(WORD.findall(text))


def markdown_text(source: str) -> str:
    """Return what a student reads of a markdown source: link texts without their addresses, no tags."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", source)   # [text](url) -> text
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


BLOCK_TAG = re.compile(r"(?i)</?(?:tr|li|p|div|h[1-6]|br|ul|ol|table|thead|tbody|summary|details|blockquote|dt|dd)"
                       r"\b[^>]*>")
FOLDED = re.compile(r"(?is)<details\b[^>]*>\s*(<summary\b.*?</summary>)?((?:(?!<details\b).)*?)</details>")


def html_parts(markup: str) -> tuple[str, str]:
    """Return (visible text, folded text) of an HTML output: styles and scripts dropped, entities decoded.

    What sits in a closed ``<details>`` (the source lists the kit prints under each table) shows only its
    summary line until a student clicks it: that text is returned apart, as folded.
    """
    markup = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", markup)
    folded = []
    while True:
        match = FOLDED.search(markup)
        if not match:
            break
        folded.append(match.group(2))
        markup = markup[:match.start()] + " " + (match.group(1) or "") + " " + markup[match.end():]

    def text(m: str) -> str:
        m = BLOCK_TAG.sub("\n", m)                       # one line per row, item, paragraph
        plain = html.unescape(re.sub(r"<[^>]+>", " ", m))
        return plain.replace(STATIC_NOTE_TEXT, " ").replace(EXERCISE_NOTE_TEXT, " ")

    return text(markup), text(" ".join(folded))


OPTIONAL_MARK = re.compile(r"\(optional\b", re.I)


def heading_title(line: str) -> str:
    """Return a heading's title without its time and optional marks: '4. The argument map'."""
    title = re.sub(r"\s*\((?:optional, )?about \d+ minutes?\)\s*$", "", line.strip())
    return re.sub(r"\s*\(optional\)\s*$", "", title).strip()


def round_minutes(minutes: float) -> int:
    """Round to the nearest ROUND_TO minutes (halves up), never below ROUND_TO."""
    return max(ROUND_TO, int(math.floor(minutes / ROUND_TO + 0.5)) * ROUND_TO)


# ---------------------------------------------------------------------------------------------- sections

@dataclass
class Section:
    """One ``## `` or ``### `` part of a notebook (the text before the first heading is 'Introduction')."""

    title: str
    level: int
    heading: str = ""                  # the heading line as written, '' for the introduction
    markdown_words: int = 0
    output_words: int = 0
    exercise_words: int = 0            # prompts, options and feedback of the exercises: prose
    folded_words: int = 0              # in closed source lists: counted, not timed
    figures: int = 0
    widgets: int = 0
    control_widgets: int = 0
    code_cells: int = 0
    auto: list = field(default_factory=list)         # exercise ids
    free_text: list = field(default_factory=list)    # (exercise id, expected words)

    @property
    def writing_minutes(self) -> float:
        return sum(THINK_MIN + n / WRITE_WPM for _, n in self.free_text)

    @property
    def minutes(self) -> float:
        return ((self.markdown_words + self.exercise_words) / MARKDOWN_WPM + self.output_words / OUTPUT_WPM
                + self.figures * FIGURE_MIN + self.widgets * WIDGET_MIN + self.control_widgets * CONTROL_WIDGET_MIN
                + self.code_cells * RUN_CELL_MIN + len(self.auto) * AUTO_MIN + self.writing_minutes)

    @property
    def optional(self) -> bool:
        return bool(OPTIONAL_MARK.search(self.heading))


def _split_markdown(source: str) -> list[tuple[str | None, str]]:
    """Split a markdown cell at its ``##``/``###`` headings: [(heading line or None, text), ...]."""
    parts, heading, lines = [], None, []
    for line in source.splitlines():
        if HEADING.match(line):
            parts.append((heading, "\n".join(lines)))
            heading, lines = line, []
        else:
            lines.append(line)
    parts.append((heading, "\n".join(lines)))
    return parts


def expected_answer_words(ex) -> int:
    """The length a free-text answer is expected to have: the range its prompt states, else its model answer's."""
    stated = re.search(r"(\d+)\s*(?:-|–|to)\s*(\d+)\s*words", ex.prompt)
    if stated:
        return (int(stated.group(1)) + int(stated.group(2))) // 2
    if ex.model_answer:
        return max(ex.min_words, words(ex.model_answer))
    return max(ex.min_words, DEFAULT_ANSWER_WORDS)


def _feedback_words(ex) -> int:
    """Words an exercise shows after Submit (the explanation, or the model answer of a free-text question)."""
    return words(ex.explanation) + words(ex.model_answer)


def _sections(nb: dict, executed: bool) -> list[Section]:
    from kit.exercises import all_exercises

    exercises = all_exercises()
    sections = [Section("Introduction", 2)]
    seen: set = set()   # lines of output text already shown in this notebook
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            for heading, text in _split_markdown(source):
                if heading is not None:
                    level, line = len(HEADING.match(heading).group(1)), heading.split(" ", 1)[1]
                    sections.append(Section(heading_title(line), level, heading=line))
                sections[-1].markdown_words += words(markdown_text(text))
                if heading is not None:
                    sections[-1].markdown_words += words(markdown_text(heading_title(heading.split(" ", 1)[1])))
            continue
        if cell["cell_type"] != "code":
            continue
        here = sections[-1]
        here.code_cells += 1
        called = EXERCISE_CALL.findall(source)
        for ex_id in called:
            ex = exercises[ex_id]
            if ex.auto_checked:
                here.auto.append(ex_id)
            else:
                here.free_text.append((ex_id, expected_answer_words(ex)))
            if executed:
                here.exercise_words += _feedback_words(ex)
        if executed:
            is_widget = False
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                markup = data.get("text/html", "")
                markup = "".join(markup) if isinstance(markup, list) else markup
                if "kit-static-note" in markup and not called:
                    is_widget = True
            for out in cell.get("outputs", []):
                shown, folded = _output_text(out)
                if called:
                    here.exercise_words += words(shown)
                else:
                    here.output_words += new_words(shown, seen)
                here.folded_words += folded
                if PLOTLY_MIME in out.get("data", {}) and not is_widget:
                    here.figures += 1
            if is_widget and any(f"kit.{name}(" in source for name in CONTROL_WIDGETS):
                here.control_widgets += 1
            elif is_widget:
                here.widgets += 1
    return [s for s in sections if s.title != "Introduction" or s.markdown_words or s.code_cells]


def _output_text(out: dict) -> tuple[str, int]:
    """Return (text shown, number of words folded) of one output."""
    if out.get("output_type") == "stream":
        return (out.get("text", "") if isinstance(out.get("text"), str) else "".join(out["text"])), 0
    data = out.get("data", {})
    if PLOTLY_MIME in data:
        return "", 0  # a chart: counted as a chart, not as words
    if "text/html" in data:
        markup = data["text/html"]
        shown, folded = html_parts("".join(markup) if isinstance(markup, list) else markup)
        return shown, words(folded)
    if "text/plain" in data:
        text = data["text/plain"]
        return ("".join(text) if isinstance(text, list) else text), 0
    return "", 0


def new_words(text: str, seen: set) -> int:
    """Count the words of the lines of ``text`` not seen before in the notebook (a table shown twice, or the
    same header over two tables, is read once); add them to ``seen``."""
    count = 0
    for line in text.splitlines():
        key = " ".join(WORD.findall(line)).lower()
        if key and key not in seen:
            seen.add(key)
            count += words(line)
    return count


def execute(path: Path) -> dict:
    """Return the notebook at ``path`` executed (static-edition mode, answers saved to a temporary file)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="kit-load-") as tmp:
        env = {**os.environ, "KIT_STATIC_EDITION": "1", "KIT_ANSWERS_FILE": str(Path(tmp) / "my_answers.json")}
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
        # the temporary folder's random name (shown by the hand-in cell) is not part of the load
        return json.loads(nbformat.writes(nb).replace(json.dumps(tmp)[1:-1], "answers"))


CLASS_PLAN = re.compile(r"plan of the class \((\d+) minutes\)", re.I)
OPTIONAL_NOTEBOOK = re.compile(r"\*\*Time needed[^\n]*\boptional notebook\b", re.I)
WHOLE_NOTEBOOK = "whole notebook"


def optional_notebook(nb: dict) -> bool:
    """Return whether a notebook's time statement says it is an optional notebook (outside the core path)."""
    return any(cell["cell_type"] == "markdown" and OPTIONAL_NOTEBOOK.search("".join(cell["source"]))
               for cell in nb["cells"])


def class_minutes(nb: dict) -> int:
    """Return the length of the timed class activity a notebook plans ('The plan of the class (90 minutes)'), or 0.

    A class activity takes the time of its plan, whatever the reading load: the rounds are timed.
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found = CLASS_PLAN.search("".join(cell["source"]))
            if found:
                return int(found.group(1))
    return 0


@dataclass
class NotebookLoad:
    """The measured load of one notebook."""

    name: str
    sections: list
    class_minutes: int = 0
    optional_notebook: bool = False     # the whole notebook is outside the core path

    def total(self, key: str) -> int:
        if key in ("auto", "free_text"):
            return sum(len(getattr(s, key)) for s in self.sections)
        return sum(getattr(s, key) for s in self.sections)

    def groups(self) -> list[tuple[Section, list[Section]]]:
        """The ``## `` sections, each with its ``### `` subsections."""
        out: list[tuple[Section, list[Section]]] = []
        for s in self.sections:
            if s.level == 3 and out:
                out[-1][1].append(s)
            else:
                out.append((s, []))
        return out

    def optional_parts(self) -> list[tuple[str, float]]:
        """(title, minutes) of every part marked optional: a ``## `` section with its subsections, or a
        ``### `` subsection of a section that is not optional itself."""
        parts = []
        for top, subs in self.groups():
            if top.optional:
                parts.append((top.title, top.minutes + sum(s.minutes for s in subs)))
            else:
                parts += [(s.title, s.minutes) for s in subs if s.optional]
        return parts

    @property
    def exact_minutes(self) -> float:
        return sum(s.minutes for s in self.sections)

    @property
    def exact_core_minutes(self) -> float:
        if self.optional_notebook:
            return 0.0
        return self.exact_minutes - sum(m for _, m in self.optional_parts())

    @property
    def minutes(self) -> int:
        """The stated time: the measured minutes rounded, or the class plan's length if that is longer."""
        return max(round_minutes(self.exact_minutes), self.class_minutes)

    @property
    def core_minutes(self) -> int:
        if self.optional_notebook:
            return 0
        return max(round_minutes(self.exact_core_minutes), self.class_minutes)

    @property
    def optional_sections(self) -> str:
        if self.optional_notebook:
            return WHOLE_NOTEBOOK
        return "; ".join(t for t, _ in self.optional_parts()) or "none"


def load_of(nb: dict, name: str, executed: bool) -> NotebookLoad:
    return NotebookLoad(name, _sections(nb, executed), class_minutes(nb), optional_notebook(nb))


def measure(path: Path) -> NotebookLoad:
    """Return the measured load of the notebook at ``path`` (it is executed)."""
    return load_of(execute(path), Path(path).name, executed=True)


def markdown_load(path: Path) -> NotebookLoad:
    """Return what can be counted in a notebook without running it: markdown words, code cells, exercises.

    Output words, charts and widgets are left at 0. Fast (no kernel): the tests use it.
    """
    return load_of(json.loads(Path(path).read_text(encoding="utf-8")), Path(path).name, executed=False)


# ----------------------------------------------------------------------------------------------- reports

NOTEBOOK_COLUMNS = ["Notebook", "Markdown words", "Output words", "Exercise words", "Folded words", "Charts",
                    "Widgets", "Small widgets", "Code cells", "Auto-checked", "Free-text", "Exact minutes", "Minutes",
                    "Exact core minutes", "Core minutes", "Optional sections"]
COUNTS = ("markdown_words", "output_words", "exercise_words", "folded_words", "figures", "widgets",
          "control_widgets", "code_cells", "auto", "free_text")


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def report(results: list[NotebookLoad]) -> str:
    """Return docs/measured_load.md for the measured notebooks."""
    lines = [
        "# Measured load of each notebook",
        "",
        "<!-- Generated by tools/measure_load.py: do not edit by hand. -->",
        "Generated by `tools/measure_load.py`; do not edit by hand. To regenerate after changing a notebook or "
        f"an exercise: {COMMAND}. Then set the same times in `kit/course.py` (PLAN), in the notebooks' first "
        "cells and section headings, in the README and in the instructor's guide (`tests/test_course.py` checks "
        "that they agree).",
        "",
        "Each notebook is executed (as for the static HTML edition: every widget shows its default view) and its "
        "load counted: the markdown a student reads, the text its outputs show (tables, cards, widget views), "
        "the text of its exercises (prompts, options, and the feedback or model answer shown after *Submit*, "
        "from `data/exercises/`), the charts, the widgets to explore, the code cells to run and the exercises "
        "to answer. Text folded in a closed list (the *Sources* under "
        "each table: click to open) is counted apart and not timed.",
        "",
        "## Rates",
        "",
        "| What | Rate | Basis |",
        "|---|---|---|",
        f"| Markdown to read | {MARKDOWN_WPM} words/min | silent reading of non-fiction in English averages about "
        "238 words/min (Brysbaert 2019, *Journal of Memory and Language* 109, 104047); slower for study of dense "
        "text full of symbols, dates and paragraph numbers |",
        f"| Text in outputs | {OUTPUT_WPM} words/min | tables, cards and lists are scanned for facts and compared "
        "across rows: half the study rate |",
        f"| Exercise text (prompt, options, feedback after *Submit*) | {MARKDOWN_WPM} words/min | prose, read as "
        "the markdown is |",
        f"| Chart | {FIGURE_MIN:g} min each | title, axes, legend, a few points hovered |",
        f"| Widget to explore | {WIDGET_MIN:g} min each | three or four settings tried and each new view read "
        "(the first view's text is in the output words) |",
        f"| Small widget (one control: {', '.join(CONTROL_WIDGETS)}) | {CONTROL_WIDGET_MIN:g} min each | one "
        "setting changed |",
        f"| Code cell to run | {RUN_CELL_MIN:g} min each | Shift+Enter, wait, scroll |",
        f"| Auto-checked exercise | {AUTO_MIN:g} min each | choosing, often looking back at a table (reading its text is "
        "counted in the exercise words) |",
        f"| Free-text exercise | {THINK_MIN:g} min + expected words ÷ {WRITE_WPM} words/min | planning and finding "
        "the evidence, then composing argued text (composition typing runs at about 19 words/min, Karat et al. "
        "1999; slower with sources and paragraph numbers) |",
        "",
        "The expected length of a free-text answer is the middle of the range its prompt states, else the length "
        f"of its model answer (else {DEFAULT_ANSWER_WORDS} words). Times are rounded to the nearest "
        f"{ROUND_TO} minutes. A notebook run as a timed class activity (\"The plan of the class (N minutes)\") "
        "takes at least its plan's length. The **core path** leaves out the sections whose heading says "
        "*optional*.",
        "",
        "## Per notebook",
        "",
        _row(NOTEBOOK_COLUMNS),
        _row(["---"] * len(NOTEBOOK_COLUMNS)),
    ]
    for nb in results:
        lines.append(_row([nb.name] + [nb.total(k) for k in COUNTS]
                          + [f"{nb.exact_minutes:.1f}", nb.minutes, f"{nb.exact_core_minutes:.1f}", nb.core_minutes,
                             nb.optional_sections]))
    minutes, core = sum(nb.minutes for nb in results), sum(nb.core_minutes for nb in results)
    lines.append(_row(["**All notebooks**"] + [sum(nb.total(k) for nb in results) for k in COUNTS]
                      + ["", f"**{minutes}** ({minutes // 60} h {minutes % 60:02d})", "",
                         f"**{core}** ({core // 60} h {core % 60:02d})", ""]))
    lines += ["", "## Per section", "",
              "Minutes per `## ` section; `### ` subsections are listed under their section (↳) and counted "
              "only in their own row.", ""]
    columns = ["Section", "Markdown words", "Output words", "Exercise words", "Folded words", "Charts", "Widgets",
               "Small widgets", "Code cells", "Auto-checked", "Free-text (expected words)", "Minutes", "Optional"]
    for nb in results:
        extra = f" (a class activity: {nb.class_minutes} minutes)" if nb.class_minutes else ""
        lines += [f"### {nb.name}: {nb.minutes} minutes, core path {nb.core_minutes} minutes{extra}", "",
                  _row(columns), _row(["---"] * len(columns))]
        for s in nb.sections:
            free = ", ".join(f"{i} ({n})" for i, n in s.free_text) or "0"
            lines.append(_row([s.title if s.level == 2 else f"↳ {s.title}", s.markdown_words, s.output_words,
                               s.exercise_words, s.folded_words, s.figures, s.widgets, s.control_widgets,
                               s.code_cells, len(s.auto), free, f"{s.minutes:.1f}", "yes" if s.optional else ""]))
        lines.append("")
    return "\n".join(lines)


def read_report(path: Path = OUT) -> dict[str, dict]:
    """Return the per-notebook table of a written report: {notebook file name: {column: text}}."""
    rows, in_table = {}, False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_table = line.startswith("## Per notebook")
            continue
        if in_table and line.startswith("| ") and ".ipynb" in line.split("|")[1]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = dict(zip(NOTEBOOK_COLUMNS, cells))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the report (default: %(default)s)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to measure (default: all)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    results = []
    for path in paths:
        print(f"measuring {path.name} …", file=sys.stderr)
        results.append(measure(path.resolve()))
    text = report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    table = text.split("## Per notebook", 1)[1].split("## Per section", 1)[0]
    print(table.strip())
    print(f"\nwrote {args.out} (per-section minutes are there)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
