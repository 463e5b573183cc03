"""Repo-wide pytest set-up: strict output checks for tagged notebook cells under nbval.

Notebooks are committed without outputs. The expected output of each cell tagged
``nbval-check-output`` (key tables and counts) is kept in
``tests/expected_outputs.json`` and put back into the notebook when nbval reads it,
so nbval compares those cells strictly and only runs the others.
Re-record after an intended change with ``make expected``.
"""
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
EXPECTED = ROOT / "tests" / "expected_outputs.json"


def _expected() -> dict:
    path = Path(os.environ.get("KIT_EXPECTED_OUTPUTS", EXPECTED))  # another file: only for the test of this check
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _inject(nb, path: Path) -> None:
    import nbformat

    try:
        key = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return
    recorded = _expected().get(key, {})
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "code" and "nbval-check-output" in tags:
            if cell.get("id") not in recorded:
                raise RuntimeError(f"{key}: cell {cell.get('id')} is tagged nbval-check-output but has no expected "
                                   "output in tests/expected_outputs.json; run `make expected`")
            cell.outputs = [nbformat.from_dict(o) for o in recorded[cell["id"]]]
            cell.execution_count = 1  # nbval only compares cells that look run; the count itself is not compared


_previous_item = {"name": None}


def pytest_runtest_setup(item):
    """Every test runs against the live kit: fail at once if an earlier test left the static edition switched on."""
    if os.environ.get("KIT_STATIC_EDITION"):
        import pytest

        pytest.fail(f"KIT_STATIC_EDITION is set in the test process (left by {_previous_item['name'] or 'the caller'}); "
                    "the static switch may reach only the kernels that build the HTML edition", pytrace=False)
    _previous_item["name"] = item.nodeid


def pytest_configure(config):
    # Tests, nbval kernels and the browser test's JupyterLab must never write into the student's answers file.
    if "KIT_ANSWERS_FILE" not in os.environ:
        import tempfile

        os.environ["KIT_ANSWERS_FILE"] = str(Path(tempfile.mkdtemp(prefix="kit-answers-")) / "my_answers.json")
    try:
        import nbval.plugin as plugin
    except ImportError:  # nbval not installed: nothing to do
        return
    if getattr(plugin.IPyNbFile, "_kit_patched", False):
        return
    original = plugin.IPyNbFile.collect

    def collect(self):
        items = original(self)
        first = next(items, None)  # nbval reads the notebook into self.nb before the first cell
        if first is None:
            return
        _inject(self.nb, Path(str(self.fspath)))
        yield first
        yield from items

    plugin.IPyNbFile.collect = collect
    plugin.IPyNbFile._kit_patched = True
