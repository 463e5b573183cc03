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
