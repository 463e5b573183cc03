"""The static HTML edition's switch reaches only the kernels that build the edition, never the test process."""
import os

import nbformat
from nbclient import NotebookClient

from tests.notebook_list import ROOT
from tools.build_html import build, static_kernel_env

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _live_outputs(source: str) -> list:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb.cells[0].outputs


def test_kernel_env_has_the_switch_and_the_process_does_not():
    assert static_kernel_env()["KIT_STATIC_EDITION"] == "1"
    assert "KIT_STATIC_EDITION" not in os.environ


def test_building_the_edition_leaves_the_live_kit_live(tmp_path):
    assert "KIT_STATIC_EDITION" not in os.environ, "the test process must start live"
    pages = build(tmp_path, [ROOT / "notebooks" / "00_start_here.ipynb"])
    page = next(p for p in pages if p.name == "00_start_here.html").read_text(encoding="utf-8")
    assert "kit-static-note" in page, "the kernel that built the edition did not get the static switch"
    assert "KIT_STATIC_EDITION" not in os.environ, "building the edition switched the test process to static"
    # a kernel started afterwards (as nbval and the browser test start them) shows the live widget
    outputs = _live_outputs("import kit\nkit.check_setup()")
    data = [o.get("data", {}) for o in outputs if o.get("output_type") == "display_data"]
    assert any(WIDGET_MIME in d for d in data), outputs
    assert not any("kit-static-note" in str(d.get("text/html", "")) for d in data)
