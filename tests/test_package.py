"""The kit as an installable package: a wheel built from a clean copy of the working tree, installed into a fresh venv
outside the repository, loads every table and exercise from the data shipped inside it and runs a notebook."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.wheel_install import ROOT, build_wheel, clean_env, fresh_venv

pytestmark = pytest.mark.package

NOTEBOOK = "02_timeline.ipynb"


@pytest.fixture(scope="module")
def installed():
    tmp = Path(tempfile.mkdtemp(prefix="kit-wheel-"))
    try:
        wheel = build_wheel(tmp / "build")
        python = fresh_venv(tmp / "venv", wheel)
        work = tmp / "work"  # a folder outside the repository, as a student's would be
        work.mkdir()
        yield {"tmp": tmp, "wheel": wheel, "python": python, "work": work}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(installed, code: str, timeout=300) -> str:
    env = clean_env(KIT_ANSWERS_FILE=str(installed["tmp"] / "answers" / "my_answers.json"),
                    JUPYTER_DATA_DIR=str(installed["tmp"] / "jupyter-data"),
                    JUPYTER_CONFIG_DIR=str(installed["tmp"] / "jupyter-config"))
    proc = subprocess.run([str(installed["python"]), "-c", code], cwd=installed["work"], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


def test_wheel_holds_the_data_package():
    data = ROOT / "data"
    expected = {f"kit/_data/{p.relative_to(data).as_posix()}" for p in data.rglob("*")
                if p.is_file() and (p.suffix in (".csv", ".json") or p.name == "README.md")}
    tmp = Path(tempfile.mkdtemp(prefix="kit-wheel-"))
    try:
        names = set(zipfile.ZipFile(build_wheel(tmp)).namelist())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert "kit/_data/datapackage.json" in names and "kit/_data/exercises/02_timeline.json" in names
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)[:10]}"
    assert not any(n.startswith(("data/", "answers/", "tests/", "notebooks/")) for n in names)


def test_installed_kit_loads_every_table_and_exercise(installed):
    out = _run(installed, """
import json, kit, kit.data, kit.exercises
from pathlib import Path
report = {"kit": kit.__file__, "data": str(kit.data.DATA_DIR), "exercises": str(kit.exercises.exercises_dir()),
          "rows": {name: len(kit.load(name)) for name in kit.tables()},
          "problems": [str(p) for p in (kit.data.validate_all() or [])],
          "answer_key": len(kit.exercises.answer_key())}
print(json.dumps(report))
""")
    report = json.loads(out.strip().splitlines()[-1])
    site = str(installed["tmp"] / "venv")
    assert report["kit"].startswith(site), f"the kit was imported from {report['kit']}, not the wheel's install"
    assert report["data"].startswith(site) and report["data"].endswith("kit/_data"), report["data"]
    assert report["exercises"] == report["data"] + "/exercises"
    assert str(ROOT) not in json.dumps(report)
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(report["rows"]) == sorted(r["name"] for r in package["resources"])
    assert all(n > 0 for n in report["rows"].values()), report["rows"]
    assert not report["problems"], report["problems"]
    import kit.exercises

    assert report["answer_key"] == len(kit.exercises.answer_key()) > 0


def test_installed_kit_runs_a_notebook_outside_the_repository(installed):
    nb_path = installed["work"] / NOTEBOOK
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys, kit; print('KIT-FROM', kit.__file__, sys.executable)"))
    nbformat.write(nb, nb_path)
    _run(installed, f"""
import nbformat
from nbclient import NotebookClient
nb = nbformat.read({str(nb_path)!r}, as_version=4)
NotebookClient(nb, timeout=240, kernel_name="python3", resources={{"metadata": {{"path": {str(installed["work"])!r}}}}}).execute()
nbformat.write(nb, {str(nb_path)!r})
""")
    nb = nbformat.read(nb_path, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors[0]
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert f"KIT-FROM {installed['tmp'] / 'venv'}" in last, last
    assert str(installed["python"]) in last, f"the kernel did not run in the fresh venv: {last}"
    mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) for m in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" in mimes and "application/vnd.jupyter.widget-view+json" in mimes, mimes
