"""The course plan (notebooks and their times), the glossary view and the set-up check."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .data import DataError, load
from .style import OKABE_ITO, layout
from .widgets import FigureArea, display_widget

ROOT = Path(__file__).resolve().parent.parent

# One row per notebook of the kit: the plan students and instructors see.
PLAN = [
    ("00", "00_start_here.ipynb", "Start here: what the kit teaches and how to use it", 15),
    ("01", "01_reading_the_paper.ipynb", "Reading the paper: its claims, paragraph by paragraph", 45),
    ("02", "02_timeline.ipynb", "The record over time: GGEs, OEWGs and the PoA, 1998–2025", 40),
    ("03", "03_votes_and_coalitions.ipynb", "Votes and coalitions behind the processes", 35),
    ("04", "04_comparing_mechanisms.ipynb", "Comparing mechanisms: GGE, OEWG, PoA, Russia's proposals, Global Mechanism", 45),
    ("05", "05_law_or_norms.ipynb", "Law or norms? The framework of responsible State behaviour", 45),
    ("06", "06_negotiation_simulation.ipynb", "Negotiation simulation: designing the future mechanism", 90),
    ("07", "07_review.ipynb", "Review, reflection and handing in your answers", 30),
]


def notebooks() -> pd.DataFrame:
    """Return the course plan: number, title, minutes, file, and whether the notebook is ready yet."""
    rows = [
        {"number": num, "title": title, "minutes": minutes, "file": f"notebooks/{fname}",
         "ready": (ROOT / "notebooks" / fname).exists()}
        for num, fname, title, minutes in PLAN
    ]
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


def plan_figure(notebooks_done: int = 3):
    """Return a bar chart of the time each notebook takes, highlighting the first ``notebooks_done``."""
    import plotly.graph_objects as go

    plan = notebooks()
    if not isinstance(notebooks_done, int) or not 0 <= notebooks_done <= len(plan):
        raise DataError(f"notebooks_done must be a whole number from 0 to {len(plan)}, not {notebooks_done!r}")
    chosen = plan.index < notebooks_done
    total = int(plan.loc[chosen, "minutes"].sum())
    title = (f"Notebooks 00–{notebooks_done - 1:02d}: about {total} minutes of work" if notebooks_done
             else "No notebooks chosen yet")
    bar = {"type": "bar", "orientation": "h", "x": list(plan["minutes"]),
           "y": list(plan["number"] + " " + plan["title"].str.split(":").str[0]),
           "marker": {"color": [OKABE_ITO["blue"] if c else "#BBBBBB" for c in chosen]},
           "hovertemplate": "%{y}: %{x} min<extra></extra>"}
    # one constructor call from plain dicts: several times faster than adding traces and updating the layout
    fig = go.Figure(data=[bar], layout=layout(title, "Time needed (minutes)", "Notebook", height=360,
                                              yaxis={"autorange": "reversed"}))
    return fig


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
        self.area.show(plan_figure(self.slider.value))

    _ipython_display_ = display_widget


def _versions_html() -> str:
    import ipywidgets
    import plotly

    return (f"<b>Python</b> {sys.version.split()[0]} · <b>pandas</b> {pd.__version__} · "
            f"<b>plotly</b> {plotly.__version__} · <b>ipywidgets</b> {ipywidgets.__version__} · "
            "<span style='color:#009E73'>✔ the kit is installed</span>")


def check_setup(notebooks_done: int = 3) -> SetupCheck:
    """Return a small widget (a slider and a chart) that shows widgets and plotly charts work here."""
    plan_figure(notebooks_done)  # a clear error for an impossible number
    return SetupCheck(notebooks_done)
