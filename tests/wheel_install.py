"""Build the kit's wheel as a clean checkout would, and install it where the repository cannot be seen.

Used by the package test (tests/test_package.py) and by the hub test (tests/hub), whose students import the kit
installed once for the whole class, as on a hub image.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout_copy(dest: Path) -> Path:
    """Copy what a clean checkout of the working tree holds (tracked files and new files git does not ignore: no
    .venv, no build/, no egg-info, no students' answers) to ``dest``; return ``dest``."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, check=True).stdout
    for rel in filter(None, out.decode().split("\0")):
        src = ROOT / rel
        if src.is_file() and not rel.startswith(("node_modules/", ".venv/")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def build_wheel(workdir: Path) -> Path:
    """Build the kit's wheel from a clean copy of the working tree in ``workdir``; return the wheel's path."""
    src = checkout_copy(workdir / "src")
    dist = workdir / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
                           "-w", str(dist), str(src)], capture_output=True, text=True, timeout=300)
    if proc.returncode:
        raise RuntimeError(f"pip wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    wheels = sorted(dist.glob("un_cyber_kit-*.whl"))
    if not wheels:
        raise RuntimeError(f"pip wheel wrote no wheel in {dist}: {os.listdir(dist)}")
    return wheels[-1]


def clean_env(**extra) -> dict:
    """Return the environment of a process that must not see the repository: no PYTHONPATH, no KIT_DATA_DIR."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KIT_DATA_DIR", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def fresh_venv(dest: Path, wheel: Path) -> Path:
    """Create a venv at ``dest`` holding the kit installed from ``wheel``; return its python.

    The kit's dependencies (the pinned student set) are not downloaded again: a .pth file lets the venv see the test
    environment's site-packages, after its own (that environment's editable kit is not: .pth files met there are not
    run). pip installs the wheel with ``--no-index``, so it fails if a dependency the wheel declares is missing.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True, timeout=120)
    python = dest / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, env=clean_env()).stdout.strip())
    (site / "kit_test_base.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
                           "--disable-pip-version-check", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300, cwd=dest, env=clean_env())
    if proc.returncode:
        raise RuntimeError(f"pip install of the wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return python


def install_for_class(dest: Path, wheel: Path) -> Path:
    """Install the kit from ``wheel`` into the folder ``dest`` (to put on PYTHONPATH), owned by another account and
    read-only, as a kit installed once in a hub image is to its students; return ``dest``."""
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile",
                           "--disable-pip-version-check", "-q", "--target", str(dest), str(wheel)],
                          capture_output=True, text=True, timeout=300, env=clean_env())
    if proc.returncode:
        raise RuntimeError(f"pip install --target failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    if os.geteuid() == 0:
        os.chown(dest, 65534, 65534)  # nobody: root may write anywhere, so "not mine" is what the kit can see
    dest.chmod(0o555)
    return dest
