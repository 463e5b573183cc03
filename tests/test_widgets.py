"""The kit's shared display pieces: plotly figures drawn from the kit's own bundle, without plotly's renderers."""
import subprocess
import sys

import plotly.io as pio

from kit.course import plan_figure
from kit.widgets import PLOTLY_MIME, plotly_bundle


def test_bundle_holds_the_same_figure_plotly_would_draw():
    fig = plan_figure(2)
    bundle = plotly_bundle(fig)
    assert set(bundle) == {PLOTLY_MIME, "text/plain"}
    assert bundle["text/plain"] == f"Figure: {fig.layout.title.text}"
    assert pio.from_json(__import__("json").dumps(bundle[PLOTLY_MIME])).to_dict()["data"] == fig.to_dict()["data"]


CODE = r"""
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("import kit")
shown = []
shell.display_pub.publish = lambda data, **kw: shown.append(data)
shell.run_cell("kit.course.plan_figure(3)")
print(sorted(set().union(*shown)) if shown else [], "plotly.io._renderers" in sys.modules)
"""


def test_notebook_display_uses_the_kit_bundle_and_skips_plotlys_renderers():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120).stdout
    assert f"['{PLOTLY_MIME}', 'text/plain'] False" in out, out


def test_widgets_shown_from_plain_dicts_show_the_same_chart():
    """The timeline and the vote comparer redraw from plain dicts (FigureArea.show_spec): what reaches JupyterLab must
    be the chart plotly itself would send for ``.figure``, and ``.figure`` is built once and then kept."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    import kit
    from kit.widgets import PLOTLY_MIME, spec_bundle

    for widget in (kit.timeline(), kit.compare_votes(), kit.check_setup()):
        data, layout = widget.area._spec
        sent = json.loads(json.dumps(spec_bundle(data, layout)[PLOTLY_MIME]))
        assert sent == json.loads(pio.to_json(widget.figure, validate=False))
        assert widget.figure is widget.figure
        go.Figure(widget.figure.to_dict())  # a valid plotly figure: this constructor validates every property


def test_plain_json_turns_what_plotly_would_into_json():
    import numpy as np
    import pandas as pd
    import pytest

    from kit.widgets import plain_json

    value = {"x": np.array([1, 2]), "y": (np.float64(1.5), float("nan")), "t": pd.Timestamp("2023-12-04"), "s": "a"}
    assert plain_json(value) == {"x": [1, 2], "y": [1.5, None], "t": "2023-12-04T00:00:00", "s": "a"}
    with pytest.raises(TypeError, match="cannot show a object"):
        plain_json(object())
