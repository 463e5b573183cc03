"""Small pieces every kit widget shares: a figure area that remembers what it shows, and inline error messages."""
from __future__ import annotations

import html
import json
import os
import sys


class FigureArea:
    """An output area showing one plotly figure (or table); ``.figure`` is what it shows now, for tests."""

    def __init__(self):
        import ipywidgets as w

        self.output = w.Output()
        self.message = w.HTML("")
        self._figure = None
        self._spec = None
        self.widget = w.VBox([self.message, self.output])

    @property
    def figure(self):
        """What the area shows now: a plotly figure (built on first use if it was shown from plain dicts)."""
        if self._figure is None and self._spec is not None:
            import plotly.graph_objects as go

            self._figure = go.Figure(data=self._spec[0], layout=self._spec[1], _validate=False)
        return self._figure

    @figure.setter
    def figure(self, value) -> None:
        self._figure, self._spec = value, None

    def show(self, figure) -> None:
        """Replace what is shown by ``figure`` (a plotly figure, a DataFrame or anything IPython can display)."""
        from IPython.display import display

        self.figure = figure
        self.message.value = ""
        self.output.clear_output(wait=True)
        with self.output:
            display(*displayable(figure), raw=True)

    def show_spec(self, data: list, layout: dict) -> None:
        """Show a plotly figure given as plain trace and layout dicts, without building plotly objects.

        A widget redraws several times faster this way: building a plotly figure and turning it back into JSON cost
        about two thirds of a timeline update. ``.figure`` builds the plotly figure only when someone asks for it.
        """
        if "plotly.io._renderers" in sys.modules:  # someone chose a plotly renderer: let plotly display
            import plotly.graph_objects as go

            self.show(go.Figure(data=data, layout=layout, _validate=False))
            return
        from IPython.display import display

        bundle = spec_bundle(data, layout)
        self._figure, self._spec = None, (data, layout)
        self.message.value = ""
        self.output.clear_output(wait=True)
        with self.output:
            display(bundle, raw=True)

    def error(self, err: Exception) -> None:
        """Show a problem the student caused (e.g. nothing selected) in words, keeping the last good view."""
        from .style import TEXT_COLOURS

        self.message.value = f'<p style="color:{TEXT_COLOURS["error"]}"><b>{html.escape(str(err))}</b></p>'


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def plotly_bundle(fig) -> dict:
    """Return the MIME bundle JupyterLab draws a plotly figure from, built without plotly's renderer machinery.

    Plotly's own display path imports its renderers module, which imports nbformat and jsonschema (about a
    second in every new kernel) and pretty-prints the whole figure as text; the chart drawn is the same.
    """
    import plotly.io as pio

    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "a chart"
    return {PLOTLY_MIME: json.loads(pio.to_json(fig, validate=False)), "text/plain": f"Figure: {title}"}


def plain_json(value):
    """Return ``value`` with only JSON types: numpy arrays and numbers as lists and numbers, dates as ISO text, NaN as
    null (what plotly's own JSON encoder does for the values the kit's figures hold)."""
    import math

    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return plain_json(value.tolist())
    if hasattr(value, "isoformat"):  # dates and timestamps
        return value.isoformat()
    raise TypeError(f"cannot show a {type(value).__name__} in a chart")


def spec_bundle(data: list, layout: dict) -> dict:
    """Return the MIME bundle of a figure given as plain trace and layout dicts (the same chart as ``plotly_bundle``)."""
    title = (layout.get("title") or {}).get("text") or "a chart"
    return {PLOTLY_MIME: {"data": plain_json(data), "layout": plain_json(layout)}, "text/plain": f"Figure: {title}"}


def _fast_plotly_display(fig, include=None, exclude=None):
    # Someone chose a plotly renderer (the renderers module is loaded): respect it and let plotly display.
    if "plotly.io._renderers" in sys.modules:
        return fig._repr_mimebundle_(include, exclude)
    return plotly_bundle(fig)


def current_shell():
    """Return the running IPython shell (a notebook's kernel), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def register_fast_plotly_display() -> bool:
    """Make IPython show plotly figures through ``plotly_bundle`` in this kernel; return whether it could."""
    from plotly.basedatatypes import BaseFigure

    shell = current_shell()
    if shell is None:
        return False
    # plotly figures display themselves through _ipython_display_; a printer registered for the type comes first
    shell.display_formatter.ipython_display_formatter.for_type(BaseFigure, _ipython_display_plotly)
    shell.display_formatter.mimebundle_formatter.for_type(BaseFigure, _fast_plotly_display)
    return True


def _ipython_display_plotly(fig):
    from IPython.display import display

    if "plotly.io._renderers" in sys.modules:
        return False  # let plotly display itself, with the renderer someone chose
    display(plotly_bundle(fig), raw=True)
    return True


def displayable(obj) -> list:
    """Return ``obj`` as raw MIME bundles for ``display(..., raw=True)`` (a plotly figure: the fast bundle)."""
    if hasattr(obj, "to_plotly_json") and hasattr(obj, "_repr_mimebundle_"):
        return [_fast_plotly_display(obj)]
    from IPython.core.interactiveshell import InteractiveShell

    if InteractiveShell.initialized():
        data, _ = InteractiveShell.instance().display_formatter.format(obj)
        return [data]
    return [{"text/plain": repr(obj)}]


def static_edition() -> bool:
    """Return True while the static HTML edition is being built (widgets then show their default view as HTML)."""
    return os.environ.get("KIT_STATIC_EDITION") == "1"


def static_views(obj) -> list:
    """Return what a widget shows by default, as things IPython can display without a kernel (figures, HTML)."""
    from IPython.display import HTML

    if hasattr(obj, "static_view"):
        view = obj.static_view()
        return [HTML(view) if isinstance(view, str) else view]
    views = []
    for value in vars(obj).values():
        if isinstance(value, FigureArea) and value.figure is not None:
            views.append(value.figure)
        elif type(value).__name__ == "HTML" and getattr(value, "value", ""):
            views.append(HTML(value.value))
    return views


STATIC_NOTE = ('<p class="kit-static-note"><i>This is the default view. In JupyterLab the controls above it let you '
               "change what it shows.</i></p>")


def display_widget(obj):
    """IPython display hook shared by the kit's widget classes: show ``obj.widget`` (or its static view)."""
    from IPython.display import HTML, display

    if static_edition():
        display(*static_views(obj), HTML(STATIC_NOTE))
    else:
        from .style import slider_names

        display(obj.widget)
        named = slider_names(obj.widget)  # ipywidgets leaves slider handles nameless for screen readers
        if named:
            display(named, raw=True)
