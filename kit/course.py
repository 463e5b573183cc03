"""The course plan (notebooks and their times), the glossary view and the set-up check."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .data import DataError, load
from .style import OKABE_ITO, TEXT_COLOURS, layout
from .widgets import FigureArea, display_widget

ROOT = Path(__file__).resolve().parent.parent

# One row per notebook of the kit: the plan students and instructors see. The minutes are measured, not guessed:
# tools/measure_load.py (`make load`) counts each notebook's words to read, the text of its outputs, its charts,
# widgets and exercises, turns them into minutes at stated reading and writing rates, and writes
# docs/measured_load.md; the times here are its results, rounded to 5 minutes (tests/test_course.py checks them).
PLAN = [
    ("00", "00_start_here.ipynb", "Start here: what the kit teaches and how to use it", 20),
    ("01", "01_reading_the_paper.ipynb", "Reading the paper: its claims, paragraph by paragraph", 110),
    ("02", "02_timeline.ipynb", "The record over time: GGEs, OEWGs and the PoA, 1998–2025", 60),
    ("03", "03_votes_and_coalitions.ipynb", "Votes and coalitions behind the processes", 70),
    ("04", "04_comparing_mechanisms.ipynb",
     "Comparing mechanisms: GGE, OEWG, PoA, Russia's proposals, Global Mechanism", 125),
    ("05", "05_law_or_norms.ipynb", "Law or norms? The framework of responsible State behaviour", 70),
    ("06", "06_international_law.ipynb", "International law in cyberspace: what is agreed, what is contested", 70),
    ("07", "07_norms_in_practice.ipynb",
     "From norms to practice: confidence-building, capacity-building, stakeholders, the cybercrime convention", 85),
    ("08", "08_negotiation_simulation.ipynb", "Negotiation simulation: designing the future mechanism", 110),
    ("09", "09_review.ipynb", "Review, reflection and handing in your answers", 45),
]

# The core path: what a two-week module (about 7 hours of student work) covers. Per notebook, the measured minutes
# of its core path and the sections it leaves out, as their headings in the notebook name them (each of those
# headings says "optional"). WHOLE_NOTEBOOK: the notebook itself is optional (its first cell says so).
WHOLE_NOTEBOOK = "whole notebook"
CORE_PATH = {
    "00": (20, ("For students who code",)),
    "01": (45, ("2. The paper at a glance", "4. The argument map", "A Toulmin analysis of one paragraph",
           "6. The other side: the EU's case for the PoA")),
    "02": (55, ("2. Before 2010: where the series began", "3. Every report of the GGEs and OEWGs")),
    "03": (0, WHOLE_NOTEBOOK),
    "04": (70, ("3. Scores: the kit's judgement, with its reasons", "Written question: ¶6's duplication claim",
                "Warm-up for notebook 08: design your own mechanism")),
    "05": (50, ('The "rules-based order" framing (¶9) beside the framework', "Your argument")),
    "06": (55, ("3. Who holds which position: the positions matrix",)),
    "07": (0, WHOLE_NOTEBOOK),
    "08": (90, ("Assign the roles", "The zone of agreement and the single concession")),
    "09": (45, ()),
}


def _optional_text(optional) -> str:
    if optional == WHOLE_NOTEBOOK:
        return WHOLE_NOTEBOOK
    return "; ".join(optional) or "none"


def notebooks() -> pd.DataFrame:
    """Return the course plan: one row per notebook, with its measured time and its core path.

    Columns: number, title, minutes (the whole notebook), core_minutes (its core path), core (whether the
    notebook is on the core path), optional_sections (the sections the core path skips, "a; b", "none" or
    "whole notebook"), file, and ready (whether the notebook exists yet).
    """
    rows = []
    for num, fname, title, minutes in PLAN:
        core_minutes, optional = CORE_PATH[num]
        rows.append({"number": num, "title": title, "minutes": minutes, "core_minutes": core_minutes,
                     "core": core_minutes > 0, "optional_sections": _optional_text(optional),
                     "file": f"notebooks/{fname}", "ready": (ROOT / "notebooks" / fname).exists()})
    return pd.DataFrame(rows)


def glossary(term: str | None = None) -> pd.DataFrame:
    """Return the glossary (all terms, or those whose name contains ``term``)."""
    table = load("glossary")[["term", "definition", "see_also"]]
    if term is None:
        return table.reset_index(drop=True)
    if not isinstance(term, str) or not term.strip():
        raise DataError("glossary(term) takes a word to look up, e.g. kit.glossary('consensus')")
    hits = table[table["term"].str.contains(term.strip(), case=False, regex=False)]
    if hits.empty:
        raise DataError(f"no glossary term contains {term!r}; the terms are: {', '.join(table['term'])}")
    return hits.reset_index(drop=True)


def plan_figure(notebooks_done: int = 3, spec: bool = False):
    """Return a bar chart of the time each notebook takes (its core path, then its optional parts),
    highlighting the first ``notebooks_done``. ``spec=True`` returns the traces and layout as plain dicts instead."""
    import plotly.graph_objects as go

    plan = notebooks()
    if not isinstance(notebooks_done, int) or not 0 <= notebooks_done <= len(plan):
        raise DataError(f"notebooks_done must be a whole number from 0 to {len(plan)}, not {notebooks_done!r}")
    chosen = plan.index < notebooks_done
    total = int(plan.loc[chosen, "minutes"].sum())
    core = int(plan.loc[chosen, "core_minutes"].sum())
    title = (f"Notebooks 00–{notebooks_done - 1:02d}: about {total} minutes of work ({core} on the core path)"
             if notebooks_done else "No notebooks chosen yet")
    names = list(plan["number"] + " " + plan["title"].str.split(":").str[0])
    core_bar = {"type": "bar", "orientation": "h", "x": list(plan["core_minutes"]), "y": names,
                "name": "Core path", "marker": {"color": [OKABE_ITO["blue"] if c else "#BBBBBB" for c in chosen]},
                "hovertemplate": "%{y}: %{x} min on the core path<extra></extra>"}
    optional_bar = {"type": "bar", "orientation": "h", "x": list(plan["minutes"] - plan["core_minutes"]), "y": names,
                    "name": "Optional sections", "marker": {"color": [OKABE_ITO["sky_blue"] if c else "#DDDDDD"
                                                                      for c in chosen]},
                    "hovertemplate": "%{y}: %{x} min optional<extra></extra>"}
    lay = layout(title, "Time needed (minutes): core path, then optional sections", "Notebook",
                 height=360, barmode="stack", yaxis={"autorange": "reversed"})
    if spec:  # plain dicts, for FigureArea.show_spec (the widget redraws without building plotly objects)
        return [core_bar, optional_bar], lay
    # one constructor call from plain dicts: several times faster than adding traces and updating the layout
    return go.Figure(data=[core_bar, optional_bar], layout=lay)


class SetupCheck:
    """A slider wired to the course-plan chart: if you can move it and the chart changes, the kit works here."""

    def __init__(self, notebooks_done: int = 3):
        import ipywidgets as widgets

        self.slider = widgets.IntSlider(value=notebooks_done, min=0, max=len(PLAN), step=1,
                                        description="Notebooks", continuous_update=False,
                                        style={"description_width": "initial"})
        self.area = FigureArea()
        self.versions = widgets.HTML(_versions_html())
        self.slider.observe(self._update, names="value")
        self.widget = widgets.VBox([self.versions, self.slider, self.area.widget])
        self._update()

    @property
    def figure(self):
        return self.area.figure

    def _update(self, change=None):
        self.area.show_spec(*plan_figure(self.slider.value, spec=True))

    _ipython_display_ = display_widget


def _versions_html() -> str:
    import ipywidgets
    import plotly

    return (f"<b>Python</b> {sys.version.split()[0]} · <b>pandas</b> {pd.__version__} · "
            f"<b>plotly</b> {plotly.__version__} · <b>ipywidgets</b> {ipywidgets.__version__} · "
            f"<span style='color:{TEXT_COLOURS['success']}'>✔ the kit is installed</span>")


def check_setup(notebooks_done: int = 3) -> SetupCheck:
    """Return a small widget (a slider and a chart) that shows widgets and plotly charts work here."""
    plan_figure(notebooks_done)  # a clear error for an impossible number
    return SetupCheck(notebooks_done)
