"""`make bench`, the hub part: the timings of the hub test, and the install time of the student set against the full set.

- ``measure_hub()`` runs the hub test (tests/hub, `make test-hub`) and returns what it measured: hub start, login to
  an open notebook (per student), open + Run All of notebook 02 on the hub, the link again after an upstream commit.
- ``measure_install()`` times `pip install -r requirements.txt` (what Binder and a hub image install) and
  `pip install -r requirements-dev.txt` (what `make test` and CI install), each into a fresh venv, with pip's cache
  as it is on this machine (warm after the first `make test`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure_hub() -> dict:
    """Return the hub test's timings, or {"skipped": why}."""
    with tempfile.TemporaryDirectory(prefix="kit-bench-hub-") as tmp:
        out = Path(tmp) / "timings.json"
        env = dict(os.environ, KIT_HUB_TIMINGS=str(out))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "hub", "tests/hub", "-q", "-p", "no:cacheprovider",
                               "-k", "course"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        if not out.exists():
            last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
            return {"skipped": f"the hub test did not run to the end ({last})"}
        return json.loads(out.read_text())


def _install_seconds(requirements: str, work: Path) -> float:
    venv = work / requirements.replace(".txt", "")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    start = time.perf_counter()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r",
                    requirements], cwd=ROOT, check=True, timeout=1800, capture_output=True)
    return time.perf_counter() - start


def measure_install() -> dict:
    """Return the seconds `pip install -r` takes for the student set and for the full set, or {"skipped": why}."""
    work = Path(tempfile.mkdtemp(prefix="kit-bench-install-"))
    try:
        return {"student_s": _install_seconds("requirements.txt", work),
                "full_s": _install_seconds("requirements-dev.txt", work)}
    except (subprocess.SubprocessError, OSError) as err:
        return {"skipped": f"pip install failed: {str(err)[:200]}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report_rows(hub: dict, install: dict) -> list[str]:
    """Return the rows of benchmarks/RESULTS.md's table for the hub and the install times."""
    rows = []
    if "skipped" in hub:
        rows.append(f"| hub: start, login to notebook, Run All | not measured: {hub['skipped']} | | | | |")
    else:
        rows.append(f"| hub: JupyterHub start (proxy, hub API answering) | {hub['hub_start_s']:.1f} s | | | | |")
        for user in ("student1", "student2"):
            rows.append(f"| hub: {user}, login to notebook 02 open (spawn, nbgitpuller clone, JupyterLab) "
                        f"| {hub[f'{user}_login_to_notebook_s']:.1f} s | | | | |")
            rows.append(f"| hub: {user}, notebook 02 opened again and Run All, every output drawn "
                        f"| {hub[f'{user}_open_and_run_all_s']:.1f} s | | | | |")
        rows.append(f"| hub: the link again after an upstream commit (pull, merge, JupyterLab) "
                    f"| {hub['pull_again_s']:.1f} s | | | | |")
    if "skipped" in install:
        rows.append(f"| install: student set against full set | not measured: {install['skipped']} | | | | |")
    else:
        rows.append(f"| install: student set (requirements.txt), fresh venv | {install['student_s']:.0f} s "
                    f"| full set (requirements-dev.txt) {install['full_s']:.0f} s "
                    f"| {install['student_s'] / install['full_s']:.2f}x | | |")
    return rows
