"""Small pieces every kit widget shares: a figure area that remembers what it shows, and inline error messages."""
from __future__ import annotations

import html


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
            display(figure)

    def error(self, err: Exception) -> None:
        """Show a problem the student caused (e.g. nothing selected) in words, keeping the last good view."""
        self.message.value = f'<p style="color:#D55E00"><b>{html.escape(str(err))}</b></p>'


def display_widget(obj):
    """IPython display hook shared by the kit's widget classes: show ``obj.widget``."""
    from IPython.display import display

    display(obj.widget)
