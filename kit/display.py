"""How the kit shows a table to a student: every word, wrapped, lists as "a; b", gaps as "not confirmed".

pandas cuts long text ("…") and shows gaps as ``<NA>``/``nan``; a student reading a glossary or a list of States
must see it whole. Once ``kit`` is imported, every DataFrame and Series a notebook shows goes through
``frame_html``; the objects themselves stay ordinary pandas objects for students who code.
"""
from __future__ import annotations

import html

import pandas as pd

MISSING = "not confirmed"
MAX_ROWS = 300  # a kit table has at most ~100 rows; beyond this, pandas' own (shortened) view is clearer
CELL = "text-align:left;vertical-align:top;padding:4px 8px;white-space:normal;overflow-wrap:anywhere"
HEAD = ("text-align:left;vertical-align:bottom;padding:4px 8px;border-bottom:1px solid #767676;"
        "overflow-wrap:anywhere;hyphens:auto")


def is_missing(value) -> bool:
    """Return True for None, NaN, NA and NaT (never for a list or a string)."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value) -> str:
    """Return one cell as a student reads it: lists joined by '; ', gaps as 'not confirmed', whole numbers whole."""
    if isinstance(value, (list, tuple, set)):
        items = [cell_text(v) for v in value]
        return "; ".join(items) if items else "none"
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value)


def frame_html(frame, index: bool | None = None) -> str:
    """Return ``frame`` (a DataFrame or Series) as an HTML table that shows every word, left-aligned and escaped.

    The index is shown when it carries information (a name, or labels other than 0, 1, 2, …); ``index`` forces it.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=frame.name if frame.name is not None else "value")
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
    columns = [str(c) for c in frame.columns]
    names = [str(n) if n is not None else "" for n in frame.index.names] if index else []
    head = "".join(f"<th scope='col' style='{HEAD}'>{html.escape(c)}</th>" for c in names + columns)
    body = []
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        labels = (label if isinstance(label, tuple) else (label,)) if index else ()
        cells = "".join(f"<th scope='row' style='{CELL}'>{html.escape(cell_text(v))}</th>" for v in labels)
        cells += "".join(f"<td style='{CELL}'>{html.escape(cell_text(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    return (f"<table class='kit-table' style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _html_formatter(obj):
    if len(obj) > MAX_ROWS or (isinstance(obj, pd.DataFrame) and obj.shape[1] > 40):
        return obj.to_frame()._repr_html_() if isinstance(obj, pd.Series) else obj._repr_html_()
    return frame_html(obj)


def register_table_display() -> bool:
    """Make IPython show DataFrames and Series through ``frame_html`` in this kernel; return whether it could."""
    from .widgets import current_shell

    shell = current_shell()
    if shell is None:
        return False
    html_formatter = shell.display_formatter.formatters["text/html"]
    html_formatter.for_type(pd.DataFrame, _html_formatter)
    html_formatter.for_type(pd.Series, _html_formatter)
    return True
