"""House rules for the repository: clean notebooks, a kernelspec, working links in the README."""
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.notebook_list import ROOT, notebook_paths

MAX_NOTEBOOK_BYTES = 100_000


def _tracked_or_present_notebooks() -> list[Path]:
    return notebook_paths()


@pytest.mark.parametrize("path", _tracked_or_present_notebooks(), ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing"
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES, f"{path.name} is {path.stat().st_size} bytes (limit 100 KB)"


@pytest.mark.parametrize("path", _tracked_or_present_notebooks(), ids=lambda p: p.name)
def test_notebook_names_its_kernel(path):
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec must name python3"
    assert meta["kernelspec"].get("display_name"), f"{path.name}: kernelspec needs a display_name"


@pytest.mark.parametrize("path", _tracked_or_present_notebooks(), ids=lambda p: p.name)
def test_notebook_follows_the_template(path):
    """Every notebook states objectives, time, prerequisites, summary, what's next and sources."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").lower()
    for heading in ("learn", "time needed", "prerequisites", "## summary", "## what's next", "## sources"):
        assert heading in text, f"{path.name}: the template's '{heading}' part is missing"


MAX_CODE_LINE = 120


@pytest.mark.parametrize("path", _tracked_or_present_notebooks(), ids=lambda p: p.name)
def test_code_cells_are_short_kit_calls(path):
    """A student who has never coded reads each code cell: at most two short lines (sources: kit.sources("01"))."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        assert len(lines) <= 2 and all(len(line) <= MAX_CODE_LINE for line in lines), \
            f"{path.name}: cell {cell.get('id')} is not one short kit call: {''.join(cell['source'])[:200]!r}"


@pytest.mark.parametrize("path", [p for p in _tracked_or_present_notebooks() if p.parent.name == "notebooks"
                                  and not p.name.startswith("00")], ids=lambda p: p.name)
def test_notebook_ends_with_its_folded_sources(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    last = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    assert "".join(last["source"]).strip() == f'kit.sources("{path.name[:2]}")', \
        f"{path.name}: the last code cell should be kit.sources(\"{path.name[:2]}\")"


def _local_links(markdown: str) -> list[str]:
    links = re.findall(r"\]\(([^)\s]+)\)", markdown)
    return [link for link in links if not re.match(r"^[a-z]+:", link) and not link.startswith("#")]


def test_every_local_link_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = _local_links(readme)
    assert len(links) >= 5, "the README should link to the notebooks and the data"
    missing = [link for link in links if not (ROOT / link.split("#")[0]).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"


def test_link_check_catches_a_missing_file():
    assert _local_links("[a](notebooks/nope.ipynb) [b](https://x.org) [c](#top)") == ["notebooks/nope.ipynb"]


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme


def test_no_machine_paths_in_tracked_text_files():
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    bad = []
    for name in files:
        p = ROOT / name
        if p.suffix in {".py", ".md", ".ipynb", ".json", ".csv", ".txt", ".toml", ".cff", ""} and p.is_file():
            text = p.read_text(encoding="utf-8", errors="ignore")
            if re.search(r"/(?:root|home/[a-z]+|work/main|tmp/[a-z]+)/", text) and name != "tests/test_repository.py":
                bad.append(name)
    assert not bad, f"machine-specific paths in: {bad}"
