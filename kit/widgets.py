"""Small pieces every kit widget shares: a figure area that remembers what it shows, and inline error messages."""
from __future__ import annotations

import html
import os


class FigureArea:
    """An output area showing one plotly figure (or table); ``.figure`` is what it shows now, for tests."""

    def __init__(self):
        import ipywidgets as w

        self.output = w.Output()
        self.message = w.HTML("")
        self.figure = None
        self.widget = w.VBox([self.message, self.output])

    def show(self, figure) -> None:
        """Replace what is shown by ``figure`` (a plotly figure, a DataFrame or anything IPython can display)."""
        from IPython.display import display

        self.figure = figure
        self.message.value = ""
        self.output.clear_output(wait=True)
        with self.output:
            display(*displayable(figure), raw=True)

    def error(self, err: Exception) -> None:
        """Show a problem the student caused (e.g. nothing selected) in words, keeping the last good view."""
        self.message.value = f'<p style="color:#D55E00"><b>{html.escape(str(err))}</b></p>'


def displayable(obj) -> list:
    """Return ``obj`` as raw MIME bundles for ``display(..., raw=True)``.

    For a plotly figure this skips IPython's plain-text pretty-printing of the whole figure, which costs more
    than drawing it; other objects go through IPython's formatters as usual.
    """
    if hasattr(obj, "to_plotly_json") and hasattr(obj, "_repr_mimebundle_"):
        bundle = obj._repr_mimebundle_({}, {})
        title = obj.layout.title.text if obj.layout.title and obj.layout.title.text else "a chart"
        bundle.setdefault("text/plain", f"Figure: {title}")
        return [bundle]
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
        display(obj.widget)
