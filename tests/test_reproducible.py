"""Restart and Run All, twice in a row, gives the same outputs in every notebook."""
import copy
import re

import nbformat
import pytest
from nbclient import NotebookClient

from tests.notebook_list import notebook_paths

WIDGET = "application/vnd.jupyter.widget-view+json"


def _run(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _outputs(nb) -> list:
    """Return every code cell's outputs, without what legitimately changes between runs (counts, widget ids)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for o in copy.deepcopy(cell.outputs):
            o.pop("execution_count", None)
            data = o.get("data", {})
            if WIDGET in data:
                data[WIDGET].pop("model_id", None)
            if "text/plain" in data:  # a widget's repr names its model id
                data["text/plain"] = re.sub(r"model_id='[0-9a-f]+'", "model_id", data["text/plain"])
            outputs.append(o)
        out.append((cell.get("id"), outputs))
    return out


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_run_all_twice_gives_the_same_outputs(path):
    first, second = _outputs(_run(path)), _outputs(_run(path))
    for (cell_id, a), (_, b) in zip(first, second):
        assert a == b, f"{path.name}: cell {cell_id} shows something different on the second run"
