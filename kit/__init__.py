"""The UN cyber-diplomacy teaching kit.

One call, one result: ``kit.load("events")`` gives a table, ``kit.cite(ids)``
its sources, ``kit.exercise(id)`` an exercise with instant feedback,
``kit.notebooks()`` the course plan, ``kit.check_setup()`` a quick test that
widgets and charts work in this browser.
"""
from .data import DataError, cite, load, tables
from .course import check_setup, glossary, notebooks
from . import exercises
from .exercises import exercise

# --- reading the paper, law or norms (notebooks 01, 05)
# --- timeline and votes (notebooks 02, 03)
# --- comparing mechanisms (notebook 04)
# --- simulation, review, classroom (notebooks 06, 07)

__version__ = "0.1.0"

# Show whole sentences in tables: the kit's tables hold titles and summaries, not numbers only.
import pandas as _pd

_pd.set_option("display.max_colwidth", 160)
