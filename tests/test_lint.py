"""The pre-commit hooks `make lint` runs (ruff, nbstripout) are configured, and they catch what they are for."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.notebook_list import ROOT

BIN = Path(sys.executable).parent


def _tool(name):
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: it is pinned in requirements-dev.txt")
    return path


def test_hooks_are_the_pinned_tools_and_make_lint_runs_them():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"ruff", "nbstripout"}
    assert hooks["nbstripout"]["entry"].split()[0] == "nbstripout" and "--keep-id" in hooks["nbstripout"]["entry"]
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "ruff==" in pins and "nbstripout==" in pins and "pre-commit==" in pins
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pre-commit run --all-files" in makefile and makefile.count("test: lint") == 1


def test_ruff_with_the_kits_settings_catches_an_unused_import_and_passes_the_kit(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    out = subprocess.run([_tool("ruff"), "check", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "F401" in out.stdout
    clean = subprocess.run([_tool("ruff"), "check", "kit"], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout[-3000:]


def test_nbstripout_catches_a_stored_output_and_keeps_a_clean_notebook_as_it_is(tmp_path):
    source = ROOT / "notebooks" / "00_start_here.ipynb"
    clean = tmp_path / "clean.ipynb"
    shutil.copy(source, clean)
    assert subprocess.run([_tool("nbstripout"), "--keep-id", "--verify", str(clean)]).returncode == 0
    assert clean.read_bytes() == source.read_bytes()
    nb = json.loads(source.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["a stored output\n"]}]
    cell["execution_count"] = 1
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    assert subprocess.run([_tool("nbstripout"), "--keep-id", "--verify", str(dirty)],
                          capture_output=True).returncode != 0
