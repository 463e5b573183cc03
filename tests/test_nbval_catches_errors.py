"""nbval, as `make test` runs it, fails on a notebook with a cell that raises and passes a sound one."""
import json
import subprocess
import sys

from tests.browser.test_notebooks_in_browser import broken_notebook


def _run_nbval(tmp_path, nb) -> subprocess.CompletedProcess:
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-current-env", str(path)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)


def test_nbval_fails_on_a_cell_that_raises(tmp_path):
    result = _run_nbval(tmp_path, broken_notebook())
    assert result.returncode == 1, result.stdout[-2000:]
    assert "ZeroDivisionError" in result.stdout


def test_nbval_passes_the_same_notebook_without_the_error(tmp_path):
    nb = broken_notebook()
    nb["cells"][1]["source"] = "1 / 1"
    result = _run_nbval(tmp_path, nb)
    assert result.returncode == 0, result.stdout[-2000:]


def test_strictly_checked_cells_fail_when_their_output_changes(tmp_path):
    """A cell tagged nbval-check-output fails nbval when its output differs from tests/expected_outputs.json."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    expected = json.loads((root / "tests" / "expected_outputs.json").read_text(encoding="utf-8"))
    nb_key, cells = next(iter(expected.items()))
    cell_id, outputs = next(iter(cells.items()))
    data = outputs[0]["data"]
    data["text/plain"] = data["text/plain"] + " (changed)"
    if "text/html" in data:
        data["text/html"] = data["text/html"] + "<p>changed</p>"
    changed = tmp_path / "expected.json"
    changed.write_text(json.dumps(expected), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                             "--nbval-current-env", nb_key], cwd=root, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, KIT_EXPECTED_OUTPUTS=str(changed)))
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
