"""The UN cyber-diplomacy teaching kit.

One call, one result: ``kit.load("events")`` gives a table, ``kit.cite(ids)``
its sources, ``kit.notebooks()`` the course plan, ``kit.check_setup()`` a quick
test that widgets and charts work in this browser.
"""
from .data import DataError, cite, load, tables
from .course import check_setup, glossary, notebooks
from . import exercises
from .exercises import exercise

__all__ = ["DataError", "load", "cite", "tables", "notebooks", "check_setup", "glossary", "exercises", "exercise"]
__version__ = "0.1.0"

# Show whole sentences in tables: the kit's tables hold titles and summaries, not numbers only.
import pandas as _pd

_pd.set_option("display.max_colwidth", 160)
